import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { runOn } from '../support/run-on';
import { wasmTransposeInstalled } from '../../src/backend/wasm-transpose';
import { on, randomValues } from '../support/compare-backends';

describe('the wasm matrix transpose', () => {
  runOn('wasm');

  it('is installed when the wasm backend is chosen', () => {
    expect(wasmTransposeInstalled()).to.equal(true);
  });

  // Sizes in and out of whole 4 × 4 blocks, a batch of matrices, and permutations it leaves to the backend.
  const cases: { name: string; shape: number[]; perm: number[] }[] = [
    { name: 'the course model\'s batch, 32 × 784', shape: [32, 784], perm: [1, 0] },
    { name: 'edges on both sides, 7 × 10', shape: [7, 10], perm: [1, 0] },
    { name: 'a single row', shape: [1, 9], perm: [1, 0] },
    { name: 'a batch of 3 matrices of 5 × 6', shape: [3, 5, 6], perm: [0, 2, 1] },
    { name: 'another permutation (the backend\'s kernel)', shape: [2, 3, 4], perm: [2, 0, 1] },
  ];
  for (const c of cases) {
    it(`equals the cpu backend's: ${c.name}`, async () => {
      const values = randomValues(c.shape.reduce((a, b) => a * b), 31);
      const f = (): tf.Tensor => tf.tidy(() => tf.transpose(tf.tensor(values, c.shape), c.perm));
      const wasm = await on('wasm', f);
      const cpu = await on('cpu', f);
      expect(wasm.shape).to.deep.equal(cpu.shape);
      expect(Array.from(wasm.values)).to.deep.equal(Array.from(cpu.values));
    });
  }

  it('leaves integer tensors to the backend\'s kernel', async () => {
    await tf.setBackend('wasm');
    const t = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const out = tf.transpose(t);
    expect(out.dtype).to.equal('int32');
    expect(Array.from(out.dataSync())).to.deep.equal([1, 4, 2, 5, 3, 6]);
    tf.dispose([t, out]);
  });
});
