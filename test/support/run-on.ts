// A describe block that must run on one backend switches to it for its own
// tests only: the specs after it run on the backend the project picked
// (tensorflow where tfjs-node installed), not on whatever the last block forced.
import * as tf from '@tensorflow/tfjs';
import { BackendName, initBackend } from '../../src/backend/choose-backend';

/** Call inside a describe: its tests run on `name`, then tfjs gets back the backend it had. */
export function runOn(name: BackendName): void {
  let found: string | undefined;
  before(async () => {
    found = tf.getBackend();
    await initBackend(name);
  });
  after(async () => {
    if (found !== undefined && !(await tf.setBackend(found))) throw new Error(`Could not switch tfjs back to the ${found} backend.`);
  });
}
