// Root hook: every spec runs on the backend the project would pick
// (MNIST_BACKEND forces one), initialized once before any test.
import { describeBackend, initBackend } from '../../src/backend/backend';

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    const choice = await initBackend();
    console.log(`      ${describeBackend(choice)}`);
  },
};
