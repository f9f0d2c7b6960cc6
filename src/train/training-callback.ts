/**
 * The base of the project's callbacks for TensorFlow.js' own `model.fit`
 * (progress in the notebook and the terminal, early stopping, the
 * learning-rate schedule). Each is a `tf.Callback`, so it goes into
 * `model.fit`'s `callbacks` alone or in an array with tfjs' own, such as
 * `tf.callbacks.earlyStopping(…)`.
 *
 * Each also answers Kernel → Interrupt (interrupt.ts): after every batch it
 * asks whether an interrupt came and, if so, sets `model.stopTraining`,
 * which tfjs reads right after that batch. `model.fit` then ends the epoch
 * there (without its validation) and resolves with the History so far; the
 * weights keep what they learned, and tfjs frees its own tensors as after any
 * run. tfjs wraps plain `{ onEpochEnd … }` objects in a callback that lets the
 * event loop turn every 125 ms; a `tf.Callback` is called as it is, so these
 * let it turn once a second themselves: without that a SIGINT (and the
 * kernel's own messages) would wait for the end of training.
 */
import * as tf from '@tensorflow/tfjs';
import { watchInterrupts } from './interrupt';

/** Logs as tfjs hands them to a `tf.Callback`: numbers, or scalars not yet read back. */
export type RawLogs = { [key: string]: number | tf.Scalar };

/** Where an interrupt stopped a run: the 0-based epoch and how many of its batches were trained. */
export interface Interruption {
  epoch: number;
  batch: number;
  batches: number;
}

const YIELD_EVERY_MS = 1000;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reads `logs`' scalars back as numbers, in place, and frees them, as tfjs
 * does for its own plain-object callbacks: the callbacks after this one and
 * the History then get the numbers. On wasm, cpu and tfjs-node the scalars
 * are already computed, so a read is a copy of 4 bytes.
 */
export async function resolveLogs(logs: RawLogs | undefined): Promise<{ [key: string]: number }> {
  if (logs === undefined || logs === null) return {};
  for (const key of Object.keys(logs)) {
    const value = logs[key];
    if (typeof value !== 'number') {
      logs[key] = (await value.data())[0];
      value.dispose();
    }
  }
  return logs as { [key: string]: number };
}

/** A metric from resolved logs under tfjs' name or Keras' ('acc' or 'accuracy', 'val_acc' or 'val_accuracy'). */
export function metric(logs: { [key: string]: number }, name: string): number | undefined {
  const aliases: Record<string, string[]> = {
    accuracy: ['accuracy', 'acc'], acc: ['acc', 'accuracy'],
    val_accuracy: ['val_accuracy', 'val_acc'], val_acc: ['val_acc', 'val_accuracy'],
  };
  for (const key of aliases[name] ?? [name]) {
    if (typeof logs[key] === 'number') return logs[key];
  }
  return undefined;
}

/**
 * A `tf.Callback` that stops `model.fit` at the next batch on Kernel →
 * Interrupt. Subclasses override the hooks below, not tfjs' own `on…`
 * methods: batchEnd gets tfjs' batch logs as they are (scalars), epochEnd
 * the epoch's logs read back as numbers.
 */
export abstract class TrainingCallback extends tf.Callback {
  private interrupted: () => boolean = () => false;
  private lastTurn = 0;
  /** The epoch running now (0-based). */
  protected currentEpoch = 0;
  /** Set when an interrupt stopped this run; the subclass's epochEnd and trainEnd see it. */
  protected interruption: Interruption | undefined;

  /** Epochs of this run (tfjs' `params.epochs`). */
  protected get epochs(): number {
    return Number(this.params.epochs);
  }

  /** Batches per epoch: the training samples (after validationSplit) in batches of `params.batchSize`. */
  protected get batches(): number {
    return Math.ceil(Number(this.params.samples) / Number(this.params.batchSize));
  }

  /** Whether model.fit evaluates after each epoch (validationSplit or validationData). */
  protected get validates(): boolean {
    return this.params.doValidation === true;
  }

  protected trainBegin(): void | Promise<void> {}
  protected epochBegin(_epoch: number): void | Promise<void> {}
  /** After each batch; `logs` holds the batch's own loss and metrics. Keep it cheap: it runs every batch. */
  protected batchEnd(_batch: number, _logs: RawLogs): void | Promise<void> {}
  /** After each epoch; `logs` is tfjs' own epoch logs, read back: a key added here reaches the History. */
  protected epochEnd(_epoch: number, _logs: { [key: string]: number }): void | Promise<void> {}
  protected trainEnd(): void | Promise<void> {}

  override async onTrainBegin(): Promise<void> {
    this.interrupted = watchInterrupts();
    this.interruption = undefined;
    this.lastTurn = Date.now();
    await this.trainBegin();
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.currentEpoch = epoch;
    await this.epochBegin(epoch);
  }

  override async onBatchEnd(batch: number, logs?: RawLogs): Promise<void> {
    await this.batchEnd(batch, logs ?? {});
    if (this.interruption === undefined && this.interrupted()) {
      this.interruption = { epoch: this.currentEpoch, batch: batch + 1, batches: this.batches };
      this.model.stopTraining = true;
    }
    if (Date.now() - this.lastTurn >= YIELD_EVERY_MS) {
      this.lastTurn = Date.now();
      await nextTurn();
    }
  }

  override async onEpochEnd(epoch: number, logs?: RawLogs): Promise<void> {
    await this.epochEnd(epoch, await resolveLogs(logs));
  }

  override async onTrainEnd(): Promise<void> {
    await this.trainEnd();
  }
}
