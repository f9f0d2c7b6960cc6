/**
 * What both progress displays (the notebook's and the terminal's) follow
 * while `model.fit` runs: the epoch, the batches done, this epoch's running
 * mean loss and accuracy and its time; after each epoch, its seconds and its
 * metrics under Keras' names (tfjs logs the accuracy as `acc`), which the
 * training-curves chart draws. The displays only draw.
 */
import * as tf from '@tensorflow/tfjs';
import { interruptedMessage } from './interrupt';
import { RawLogs, TrainingCallback, metric } from './training-callback';

export interface BatchProgress {
  /** 0-based epoch. */
  epoch: number;
  epochs: number;
  /** Batches done in this epoch. */
  batch: number;
  batches: number;
  /** Running means over this epoch so far; no accuracy where the model was compiled without that metric. */
  loss: number;
  accuracy?: number;
  /** Seconds since this epoch began. */
  elapsed: number;
}

/** Loss and accuracy per epoch under Keras' names, as the training-curves chart takes them. */
export interface EpochCurves {
  loss: number[];
  accuracy: number[];
  val_loss?: number[];
  val_accuracy?: number[];
}

async function valueOf(value: number | tf.Scalar | undefined): Promise<number | undefined> {
  if (value === undefined || typeof value === 'number') return value;
  // Read, not replaced: tfjs frees the batch's scalars itself right after the callbacks.
  return (await value.data())[0];
}

/** A progress display: tells the subclass what to draw, at most every `interval` ms within an epoch. */
export abstract class ProgressCallback extends TrainingCallback {
  /** Wall-clock seconds of each finished epoch, validation included. */
  readonly secondsPerEpoch: number[] = [];
  /** Each finished epoch's loss and accuracy (and their validation twins), under Keras' names. */
  readonly curves: EpochCurves = { loss: [], accuracy: [] };
  private epochStart = 0;
  private lastReport = 0;
  private seen = 0;
  private lossSum = 0;
  private accuracySum = 0;
  private hasAccuracy = false;

  constructor(private readonly interval: number) {
    super();
  }

  /** Within an epoch, and once more at its last batch. */
  protected abstract showBatch(progress: BatchProgress): void | Promise<void>;
  /** After a finished epoch; `logs` under tfjs' names (read them with `metric`). */
  protected abstract showEpoch(epoch: number, logs: { [key: string]: number }): void | Promise<void>;
  /** Instead of showEpoch when an interrupt ended the epoch early. */
  protected abstract showInterrupted(message: string): void | Promise<void>;

  protected override trainBegin(): void {
    this.secondsPerEpoch.length = 0;
    this.curves.loss = [];
    this.curves.accuracy = [];
    delete this.curves.val_loss;
    delete this.curves.val_accuracy;
  }

  protected override epochBegin(): void {
    this.epochStart = Date.now();
    this.seen = 0;
    this.lossSum = 0;
    this.accuracySum = 0;
    this.hasAccuracy = false;
  }

  protected override async batchEnd(batch: number, logs: RawLogs): Promise<void> {
    const size = Number(logs.size ?? 0);
    const loss = await valueOf(logs.loss);
    const accuracy = await valueOf(logs.acc ?? logs.accuracy);
    this.seen += size;
    this.lossSum += (loss ?? NaN) * size;
    if (accuracy !== undefined) {
      this.hasAccuracy = true;
      this.accuracySum += accuracy * size;
    }
    const last = batch + 1 >= this.batches;
    if (!last && Date.now() - this.lastReport < this.interval) return;
    this.lastReport = Date.now();
    await this.showBatch({
      epoch: this.currentEpoch,
      epochs: this.epochs,
      batch: batch + 1,
      batches: this.batches,
      loss: this.lossSum / this.seen,
      accuracy: this.hasAccuracy ? this.accuracySum / this.seen : undefined,
      elapsed: (Date.now() - this.epochStart) / 1000,
    });
  }

  protected override async epochEnd(epoch: number, logs: { [key: string]: number }): Promise<void> {
    if (this.interruption !== undefined) {
      const { epoch: at, batch, batches } = this.interruption;
      await this.showInterrupted(interruptedMessage(at, batch, batches));
      return;
    }
    this.secondsPerEpoch.push((Date.now() - this.epochStart) / 1000);
    this.curves.loss.push(logs.loss);
    this.curves.accuracy.push(metric(logs, 'accuracy') ?? NaN);
    const valLoss = logs.val_loss;
    const valAccuracy = metric(logs, 'val_accuracy');
    if (valLoss !== undefined) (this.curves.val_loss ??= []).push(valLoss);
    if (valAccuracy !== undefined) (this.curves.val_accuracy ??= []).push(valAccuracy);
    await this.showEpoch(epoch, logs);
  }
}
