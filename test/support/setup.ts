// Root hook: every spec runs on the backend the project would pick
// (MNIST_BACKEND forces one), initialized once before any test. Specs that
// start the commands as child processes expect that same choice from them
// (projectBackend), so they pass wherever tfjs-node installs too; run
// with NODE_PATH=test/support/as-if-tfjs-node to check that here.
import { BackendChoice, describeBackend, initBackend } from '../../src/backend/backend';

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
