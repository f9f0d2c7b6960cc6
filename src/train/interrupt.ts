/**
 * Kernel → Interrupt for training that runs in the background of a cell.
 *
 * JupyterLab interrupts the tslab kernel with SIGINT. tslab then ends the
 * running cell ("Interrupted asynchronously") but cannot stop the promise the
 * cell started: `model.fit` would go on in the background, drawing progress
 * into a finished cell, racing the next cell for the model and keeping the
 * CPU busy. The project's training callbacks (training-callback.ts) ask
 * `watchInterrupts()` after each batch and stop `model.fit` there.
 *
 * A SIGINT listener is added only inside a tslab kernel (it sets
 * `globalThis.__tslab__`) or where the process already handles SIGINT: on the
 * command line the first listener would take away Node's default, exit on
 * Ctrl-C. (The listener count alone cannot tell inside the kernel: while a
 * cell's synchronous part runs, Node's vm `breakOnSigint`, which tslab uses,
 * takes all SIGINT listeners off and puts them back afterwards.) Signals are
 * noticed when the event loop turns; the training callbacks let it turn once
 * a second.
 */

let interrupts = 0;
let listening = false;

/** Counts an interrupt, as a SIGINT does; for tests and for code that interrupts itself. */
export function signalInterrupt(): void {
  interrupts++;
}

/**
 * Starts watching: the returned function tells whether an interrupt came
 * since this call.
 */
export function watchInterrupts(): () => boolean {
  const inKernel = (globalThis as { __tslab__?: unknown }).__tslab__ !== undefined;
  if (!listening && (inKernel || process.listenerCount('SIGINT') > 0)) {
    listening = true;
    // Not now: a cell's synchronous part runs under vm's breakOnSigint, whose watchdog puts back
    // SIGINT's default action (exit) when it ends, so a listener added meanwhile would leave a
    // kernel that an interrupt kills. After this turn of the event loop the watchdog is gone.
    setImmediate(() => process.on('SIGINT', signalInterrupt));
  }
  const start = interrupts;
  return () => interrupts !== start;
}

/** What the student reads when an interrupt stopped training: where, and that the weights stay. */
export function interruptedMessage(epoch: number, batch: number, batches: number): string {
  return `Training was interrupted in epoch ${epoch + 1}, after batch ${batch} of ${batches}; ` +
    'the model keeps the weights learned so far.';
}
