/**
 * A/B timing of one change: the course model trained with `fit` on the real
 * 60,000 images for a few epochs, printing seconds and CPU seconds per epoch
 * and the losses. Run it in two checkouts (before and after a change) in the
 * same minutes, alternating, on the same Node.js; equal losses show the
 * change kept the arithmetic. bench/what-was-tried.md's second round of
 * issue 14 was measured this way.
 *
 *   node -r ts-node/register bench/epochs.ts [--epochs 3] [--seed 42] [--data-dir DIR]
 */
import { initBackend } from '../src/backend/backend';
import { kernelsBuild } from '../src/backend/wasm-kernels';
import { loadMnist } from '../src/data/mnist';
import { prepareSamples } from '../src/data/prepare';
import { createModel } from '../src/model/model';
import { fit } from '../src/train/train';
import { defaultDataDir, parseFlags } from './common';

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), { epochs: 'number', seed: 'number', 'data-dir': 'string' });
  const epochs = flags.number('epochs', 3);
  const seed = flags.number('seed', 42);
  const backend = await initBackend('wasm');
  const mnist = await loadMnist({ dir: flags.string('data-dir', defaultDataDir()) });
  const train = prepareSamples(mnist.train);
  const model = createModel({ seed });
  const cpu = process.cpuUsage();
  const history = await fit(model, train, { epochs, seed });
  const used = process.cpuUsage(cpu);
  console.log([
    `${backend.name} (kernels: ${kernelsBuild() ?? 'none'}), Node.js ${process.version}`,
    `s/epoch ${history.secondsPerEpoch.map((s) => s.toFixed(2)).join(' ')}`,
    `CPU s/epoch ${((used.user + used.system) / 1e6 / epochs).toFixed(2)}`,
    `loss ${history.history.loss.map((l) => l.toFixed(4)).join(' ')}`,
  ].join(' · '));
  model.dispose();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
