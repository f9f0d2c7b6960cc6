import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { BackendLoader, BackendName, describeBackend, initBackend } from '../../src/backend/choose-backend';

// A loader that pretends some backends are not installed, so the fallback
// order can be checked whatever this machine has.
function loaderWithout(...missing: BackendName[]): BackendLoader & { tried: BackendName[] } {
  const tried: BackendName[] = [];
  const load = async (name: BackendName): Promise<void> => {
    tried.push(name);
    if (missing.includes(name)) throw new Error(`${name} is not installed`);
  };
  return Object.assign(load, { tried });
}

describe('choosing the backend', () => {
  // These tests switch tfjs between backends; the specs after them run on the one found here.
  let found: string;
  before(() => {
    found = tf.getBackend();
  });
  after(async () => {
    expect(await tf.setBackend(found), `back to ${found}`).to.equal(true);
  });

  it('falls back to wasm when tfjs-node is absent, and says why', async () => {
    const load = loaderWithout('tensorflow');
    const choice = await initBackend(undefined, load);
    expect(choice.name).to.equal('wasm');
    expect(tf.getBackend()).to.equal('wasm');
    expect(load.tried).to.deep.equal(['tensorflow', 'wasm']);
    expect(describeBackend(choice)).to.include('wasm').and.include('tensorflow unavailable: tensorflow is not installed');
  });

  it('falls back to cpu when neither tfjs-node nor wasm loads', async () => {
    const load = loaderWithout('tensorflow', 'wasm');
    const choice = await initBackend(undefined, load);
    expect(choice.name).to.equal('cpu');
    expect(load.tried).to.deep.equal(['tensorflow', 'wasm', 'cpu']);
  });

  it('uses a forced backend and does not fall back from it', async () => {
    expect((await initBackend('cpu')).name).to.equal('cpu');
    let error: Error | undefined;
    try {
      await initBackend('wasm', loaderWithout('wasm'));
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.match(/No TensorFlow\.js backend could be loaded \(wasm: wasm is not installed\)/);
  });

  it('reads MNIST_BACKEND when no backend is passed', async () => {
    const saved = process.env.MNIST_BACKEND;
    process.env.MNIST_BACKEND = 'cpu';
    try {
      expect((await initBackend()).name).to.equal('cpu');
    } finally {
      if (saved === undefined) delete process.env.MNIST_BACKEND;
      else process.env.MNIST_BACKEND = saved;
    }
  });

  it('rejects an unknown backend name with the valid ones', async () => {
    let error: Error | undefined;
    try {
      await initBackend('webgpu');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.include('Unknown backend "webgpu"').and.include('tensorflow, wasm, cpu');
  });

  it('loads the installed wasm binaries offline', async () => {
    const choice = await initBackend('wasm');
    expect(choice.name).to.equal('wasm');
    expect(tf.tidy(() => tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0])).to.equal(5);
  });
});
