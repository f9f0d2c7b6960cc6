/**
 * Training progress in a terminal, Keras-style, as a callback for tfjs'
 * `model.fit`: one bar per epoch with loss, accuracy and time left, then a
 * summary line. Where the output is not a terminal (CI logs, pipes) the bar
 * is left out and only the epoch lines are written.
 */
import { SingleBar } from 'cli-progress';
import { BatchProgress, ProgressCallback } from './epoch-progress';
import { metric } from './training-callback';

/** Milliseconds between updates of the bar within an epoch. */
const UPDATE_MS = 250;

function formatLogs(logs: { [key: string]: number }): string {
  const parts = [`loss ${logs.loss.toFixed(4)}`];
  const accuracy = metric(logs, 'accuracy');
  const valLoss = logs.val_loss;
  const valAccuracy = metric(logs, 'val_accuracy');
  if (accuracy !== undefined) parts.push(`accuracy ${accuracy.toFixed(4)}`);
  if (valLoss !== undefined) parts.push(`val_loss ${valLoss.toFixed(4)}`);
  if (valAccuracy !== undefined) parts.push(`val_accuracy ${valAccuracy.toFixed(4)}`);
  return parts.join(' - ');
}

/** The progress bar and epoch lines on a stream; see terminalProgress(). */
export class TerminalProgress extends ProgressCallback {
  private bar: SingleBar | undefined;

  constructor(private readonly stream: NodeJS.WriteStream) {
    super(UPDATE_MS);
  }

  protected override showBatch(p: BatchProgress): void {
    if (this.stream.isTTY !== true) return;
    const values = { epochLabel: `Epoch ${p.epoch + 1}/${p.epochs}`, loss: p.loss.toFixed(4), acc: (p.accuracy ?? NaN).toFixed(4) };
    if (this.bar === undefined) {
      this.bar = new SingleBar({
        stream: this.stream,
        format: '{epochLabel} [{bar}] {value}/{total} - loss {loss} - accuracy {acc} - ETA {eta_formatted}',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
      });
      this.bar.start(p.batches, p.batch, values);
    } else {
      this.bar.update(p.batch, values);
    }
  }

  protected override showEpoch(epoch: number, logs: { [key: string]: number }): void {
    this.stopBar();
    const seconds = this.secondsPerEpoch[this.secondsPerEpoch.length - 1];
    this.stream.write(`Epoch ${epoch + 1}/${this.epochs} - ${seconds.toFixed(1)}s - ${formatLogs(logs)}\n`);
  }

  protected override showInterrupted(message: string): void {
    this.stopBar();
    this.stream.write(message + '\n');
  }

  private stopBar(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

/** A `tf.Callback` for `model.fit` that draws progress on `stream` (stderr by default). */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): TerminalProgress {
  return new TerminalProgress(stream);
}
