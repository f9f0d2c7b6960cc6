/**
 * Training progress inside the notebook: a text progress bar that updates
 * in place while an epoch runs (loss, accuracy, time left), and the training
 * curves chart redrawn after every epoch, so the cell ends showing the
 * curves. The same callbacks as the terminal's progress bar, drawn with the
 * kernel's update-in-place displays.
 */
import { liveDisplay } from './display';
import { trainingCurvesSpec } from './figures';
import { BatchProgress, TrainingCallbacks } from '../train/train';

const BAR_WIDTH = 30;

/**
 * tslab's output socket (zeromq) takes one pending send at a time: after 512
 * sends in a row it defers one, and another send in the same tick then fails
 * with EBUSY, which kills the kernel. A long training cell would cross that
 * line with updates four times a second; updating at most once a second and
 * letting the event loop run after each update (so a deferred send completes)
 * keeps it clear.
 */
const MIN_UPDATE_MS = 1000;

function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** One line of progress, e.g. `Epoch 2/5 [=====>....] 640/1875 - loss 0.1234 - accuracy 0.9634 - ETA 4s`. */
export function progressLine(p: BatchProgress): string {
  const done = Math.round((p.batch / p.batches) * BAR_WIDTH);
  const bar = '='.repeat(Math.max(0, done - 1)) + (done > 0 ? (p.batch === p.batches ? '=' : '>') : '') + '.'.repeat(BAR_WIDTH - done);
  const left = p.batch === 0 ? 0 : (p.elapsed / p.batch) * (p.batches - p.batch);
  const time = p.batch === p.batches ? `${p.elapsed.toFixed(1)}s` : `ETA ${Math.ceil(left)}s`;
  return `Epoch ${p.epoch + 1}/${p.epochs} [${bar}] ${p.batch}/${p.batches} - loss ${p.loss.toFixed(4)} - ` +
    `accuracy ${p.accuracy.toFixed(4)} - ${time}`;
}

/** TrainingCallbacks for a tslab notebook cell. Outside a notebook they draw nothing. */
export function notebookProgress(options: { title?: string } = {}): TrainingCallbacks {
  const line = liveDisplay();
  const chart = liveDisplay();
  const finished: string[] = [];
  let lastUpdate = 0;
  return {
    onBatchProgress: async (p) => {
      if (p.batch < p.batches && Date.now() - lastUpdate < MIN_UPDATE_MS) return;
      lastUpdate = Date.now();
      line.update([...finished, progressLine(p)].join('\n'));
      await nextTick();
    },
    onEpochEnd: async (_epoch, _logs, history) => {
      finished.length = 0;
      history.history.loss.forEach((loss, i) => {
        const val = history.history.val_accuracy?.[i];
        finished.push(`Epoch ${i + 1} - ${history.secondsPerEpoch[i].toFixed(1)}s - loss ${loss.toFixed(4)} - ` +
          `accuracy ${history.history.accuracy[i].toFixed(4)}` + (val === undefined ? '' : ` - val_accuracy ${val.toFixed(4)}`));
      });
      line.update(finished.join('\n'));
      await nextTick();
      chart.update(trainingCurvesSpec(history.history, { title: options.title ?? 'Training curves' }));
      await nextTick();
    },
  };
}
