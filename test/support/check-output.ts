// What a check printed, or the hint it failed with: the checks' specs (workbook and extensions) read both.
import { expect } from 'chai';
import { CheckFailed } from '../../src/teaching/checks';

/** Runs a check and returns what it printed, or the hint it failed with (a failure must be CheckFailed). */
export function run(check: () => void): { printed: string[]; hint?: string } {
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => { printed.push(args.join(' ')); };
  try {
    check();
    return { printed };
  } catch (error) {
    expect(error).to.be.instanceOf(CheckFailed);
    return { printed, hint: (error as Error).message };
  } finally {
    console.log = log;
  }
}
