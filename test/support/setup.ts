// Root hook: first, lib/ is rebuilt if src/ or assembly/ is newer (specs read
// lib/: kernels.wasm, the draw page's bundle, the notebooks' module), so a
// single `npx mocha test/x.spec.ts` after an edit never tests stale code.
// Then every spec runs on the backend the project would pick
// (MNIST_BACKEND forces one), initialized once before any test. Specs that
// start the commands as child processes expect that same choice from them
// (projectBackend), so they pass wherever tfjs-node installs too; run
// with NODE_PATH=test/support/as-if-tfjs-node to check that here.
import { BackendChoice, describeBackend, initBackend } from '../../src/backend/choose-backend';
import { ensureFreshLib } from '../../scripts/fresh-lib';

// At load, before mocha reads any spec.
ensureFreshLib({ log: (line) => console.log(`      ${line}`) });

let chosen: BackendChoice | undefined;

/** The backend the project picked on this machine before any spec ran (a spec may switch tfjs to another since). */
export function projectBackend(): BackendChoice {
  if (chosen === undefined) throw new Error('projectBackend() is known only once the root hook has run (test/support/setup.ts).');
  return chosen;
}

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    chosen = await initBackend();
    console.log(`      ${describeBackend(chosen)}`);
  },
};
