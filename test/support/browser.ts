// Debian's Chromium for the browser specs (the draw page, the --show window, JupyterLab), driven by
// playwright-core: where it is, a skip (or, under CI, a failure) when it is missing, and one launch
// with the flags that keep it from reaching for Google's servers on a closed network.
import * as fs from 'fs';
import { chromium, Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser specs cannot run here, or undefined when Chromium is installed. */
export function chromiumMissing(): string | undefined {
  return fs.existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`;
}

/** Skips the calling hook's tests without Chromium, saying why; under CI that is a failure. */
export function requireChromium(context: Mocha.Context): void {
  const reason = chromiumMissing();
  if (reason === undefined) return;
  if (process.env.CI) throw new Error(`${reason}; CI must run the browser test.`);
  console.log(`      (pending: ${reason})`);
  context.skip();
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
