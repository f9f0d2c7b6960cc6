/**
 * Where the project's own folders are (data/, web/, notebooks/): found by
 * walking up from this file to the package.json named mnist-workbook, so the
 * answer is the same from src/ under ts-node, from lib/ after a build, and
 * after a module moves to another folder.
 */
import * as fs from 'fs';
import * as path from 'path';

const PACKAGE_NAME = 'mnist-workbook';

let cached: string | undefined;

function isProjectRoot(dir: string): boolean {
  try {
    const pkg: unknown = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    return typeof pkg === 'object' && pkg !== null && (pkg as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The folder holding the package.json named mnist-workbook, above this module. */
export function projectRoot(): string {
  if (cached !== undefined) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (isProjectRoot(dir)) return (cached = dir);
    if (path.dirname(dir) === dir) {
      throw new Error(`Cannot find the ${PACKAGE_NAME} project: no package.json named "${PACKAGE_NAME}" in ${__dirname} or any folder above it. Run the code from a checkout of the project.`);
    }
  }
}

/** A path inside the project, e.g. projectPath('web', 'app.js'). */
export function projectPath(...parts: string[]): string {
  return path.join(projectRoot(), ...parts);
}
