/**
 * Training progress inside the notebook: a text progress bar that updates
 * in place while an epoch runs (loss, accuracy, time left), and the training
 * curves chart redrawn after every epoch, so the cell ends showing the
 * curves: a callback for tfjs' `model.fit`, following the run as the
 * terminal's progress bar does (train/epoch-progress.ts), drawn with the
 * kernel's update-in-place displays.
 */
import { liveDisplay } from './display';
import { trainingCurvesSpec } from './chart-specs';
import { BatchProgress, ProgressCallback } from '../train/epoch-progress';

const BAR_WIDTH = 30;

/**
 * tslab's output socket (zeromq 6) sends at once, but every 512th send it
 * defers to the event loop's next check phase (a libuv check handle, which
 * runs after Node's setImmediate callbacks), and any send before that one
 * completes fails with EBUSY; when the failing send is tslab's own (its
 * status or reply as the cell ends), the kernel dies. A long training cell
 * crosses 512 sends with a progress update a second. So the display updates
 * at most once a second and, after each update, lets the event loop turn
 * twice: the first turn's check phase runs Node's immediates before zeromq's
 * handle, the second comes after it, so a deferred send has completed before
 * training, the cell or tslab sends again.
 */
const MIN_UPDATE_MS = 1000;

async function afterSend(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
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
  /** The running epoch's last progress line, kept above the note when training is interrupted within it. */
  private live: string | undefined;

  constructor(private readonly title: string) {
    super(MIN_UPDATE_MS);
  }

  protected override trainBegin(): void {
    super.trainBegin();
    this.finished = [];
    this.live = undefined;
  }

  protected override async showBatch(p: BatchProgress): Promise<void> {
    this.live = progressLine(p);
    this.line.update([...this.finished, this.live].join('\n'));
    await afterSend();
  }

  protected override async showEpoch(): Promise<void> {
    const { loss, accuracy, val_accuracy: validation } = this.curves;
    this.finished = loss.map((value, i) => `Epoch ${i + 1} - ${this.secondsPerEpoch[i].toFixed(1)}s - loss ${value.toFixed(4)} - ` +
      `accuracy ${accuracy[i].toFixed(4)}` + (validation?.[i] === undefined ? '' : ` - val_accuracy ${validation[i].toFixed(4)}`));
    this.live = undefined;
    this.line.update(this.finished.join('\n'));
    await afterSend();
    this.chart.update(trainingCurvesSpec(this.curves, { title: this.title }));
    await afterSend();
  }

  protected override async showInterrupted(message: string): Promise<void> {
    this.line.update([...this.finished, ...(this.live === undefined ? [] : [this.live]), message].join('\n'));
    await afterSend();
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
