/**
 * Training progress inside the notebook: a text progress bar that updates
 * in place while an epoch runs (loss, accuracy, time left), and the training
 * curves chart redrawn after every epoch, so the cell ends showing the
 * curves: a callback for tfjs' `model.fit`, following the run as the
 * terminal's progress bar does (train/epoch-progress.ts), drawn with the
 * kernel's update-in-place displays.
 */
import { liveDisplay } from './display';
import { trainingCurvesSpec } from './figures';
import { BatchProgress, ProgressCallback } from '../train/epoch-progress';

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
  const accuracy = p.accuracy === undefined ? '' : ` - accuracy ${p.accuracy.toFixed(4)}`;
  return `Epoch ${p.epoch + 1}/${p.epochs} [${bar}] ${p.batch}/${p.batches} - loss ${p.loss.toFixed(4)}${accuracy} - ${time}`;
}

/** The progress line and the chart in a tslab cell; see notebookProgress(). */
export class NotebookProgress extends ProgressCallback {
  private readonly line = liveDisplay();
  private readonly chart = liveDisplay();
  private finished: string[] = [];

  constructor(private readonly title: string) {
    super(MIN_UPDATE_MS);
  }

  protected override trainBegin(): void {
    super.trainBegin();
    this.finished = [];
  }

  protected override async showBatch(p: BatchProgress): Promise<void> {
    this.line.update([...this.finished, progressLine(p)].join('\n'));
    await nextTick();
  }

  protected override async showEpoch(): Promise<void> {
    const { loss, accuracy, val_accuracy: validation } = this.curves;
    this.finished = loss.map((value, i) => `Epoch ${i + 1} - ${this.secondsPerEpoch[i].toFixed(1)}s - loss ${value.toFixed(4)} - ` +
      `accuracy ${accuracy[i].toFixed(4)}` + (validation?.[i] === undefined ? '' : ` - val_accuracy ${validation[i].toFixed(4)}`));
    this.line.update(this.finished.join('\n'));
    await nextTick();
    this.chart.update(trainingCurvesSpec(this.curves, { title: this.title }));
    await nextTick();
  }

  protected override async showInterrupted(message: string): Promise<void> {
    this.line.update([...this.finished, message].join('\n'));
    await nextTick();
  }
}

/**
 * A `tf.Callback` for `model.fit` in a tslab notebook cell: the live progress
 * line and the training-curves chart. Outside a notebook it draws nothing.
 *
 *   const history = await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 32, validationSplit: 0.1, callbacks: mw.notebookProgress() });
 */
export function notebookProgress(options: { title?: string } = {}): NotebookProgress {
  return new NotebookProgress(options.title ?? 'Training curves');
}
