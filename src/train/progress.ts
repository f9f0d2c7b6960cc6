/**
 * Training progress in a terminal, Keras-style: one bar per epoch with
 * loss, accuracy and time left, then a summary line. Where the output is
 * not a terminal (CI logs, pipes) the bar is left out and only the epoch
 * lines are written.
 */
import { SingleBar } from 'cli-progress';
import { BatchProgress, EpochLogs, TrainingCallbacks } from './train';

function formatLogs(logs: EpochLogs): string {
  const parts = [`loss ${logs.loss.toFixed(4)}`, `accuracy ${logs.accuracy.toFixed(4)}`];
  if (logs.val_loss !== undefined) parts.push(`val_loss ${logs.val_loss.toFixed(4)}`);
  if (logs.val_accuracy !== undefined) parts.push(`val_accuracy ${logs.val_accuracy.toFixed(4)}`);
  return parts.join(' - ');
}

/** A TrainingCallbacks that draws progress on `stream` (stderr by default). */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): TrainingCallbacks {
  let bar: SingleBar | undefined;
  let epochs = 0;
  const interactive = stream.isTTY === true;
  return {
    onTrainBegin: (info) => {
      epochs = info.epochs;
    },
    onBatchProgress: (p: BatchProgress) => {
      if (!interactive) return;
      const values = { epochLabel: `Epoch ${p.epoch + 1}/${p.epochs}`, loss: p.loss.toFixed(4), acc: p.accuracy.toFixed(4) };
      if (bar === undefined) {
        bar = new SingleBar({
          stream,
          format: '{epochLabel} [{bar}] {value}/{total} - loss {loss} - accuracy {acc} - ETA {eta_formatted}',
          barsize: 24,
          hideCursor: true,
          clearOnComplete: true,
        });
        bar.start(p.batches, p.batch, values);
      } else {
        bar.update(p.batch, values);
      }
    },
    onEpochEnd: (epoch, logs, history) => {
      bar?.stop();
      bar = undefined;
      const seconds = history.secondsPerEpoch[history.secondsPerEpoch.length - 1];
      stream.write(`Epoch ${epoch + 1}/${epochs} - ${seconds.toFixed(1)}s - ${formatLogs(logs)}\n`);
    },
  };
}
