/**
 * How every check answers: a line starting with ✓ when the work passes, or
 * CheckFailed, whose message is the hint, when it does not (a check cell
 * then stops with the hint, and Run All stops there).
 */

/** A check that did not pass; the message is the hint. */
export class CheckFailed extends Error {
  constructor(hint: string) {
    super(hint);
    this.name = 'CheckFailed';
  }
}

export function pass(line: string): void {
  console.log(`✓ ${line}`);
}

export function fail(hint: string): never {
  throw new CheckFailed(hint);
}
