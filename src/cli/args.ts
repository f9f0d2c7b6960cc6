/**
 * The one command-line parser of every command (`npm start`, `npm run data`,
 * `draw`, `student`, `format-notebooks`, `bench`): `--name value`,
 * `--name=value`, bare boolean flags, `-h`, and `--` before positionals, split
 * by Node's util.parseArgs. Each flag declares what it
 * accepts, and a value is taken only if it is exactly that: a whole number
 * in the stated range written as plain digits (no `1e3`, `+5`, `2.0` or
 * `-1`), a choice from the list, a non-empty text. Mistakes are a UsageError
 * that names the flag, what it expects and what it got.
 */
import { ParseArgsConfig, parseArgs } from 'util';

/** A mistake in the command line: shown with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagSpec =
  | { readonly type: 'boolean'; readonly short?: string }
  /** Any non-empty text; `what` names it in messages ("a directory"). */
  | { readonly type: 'string'; readonly what: string }
  | { readonly type: 'integer'; readonly min: number; readonly max: number }
  /** A decimal number such as 2.5 (plain digits and one point). */
  | { readonly type: 'decimal'; readonly min: number; readonly max: number }
  | { readonly type: 'choice'; readonly choices: readonly string[] }
  /** Comma-separated non-empty texts. */
  | { readonly type: 'list'; readonly what: string }
  /** Comma-separated whole numbers, each in the range. */
  | { readonly type: 'integers'; readonly min: number; readonly max: number };

export type FlagValue<F extends FlagSpec> = F extends { type: 'boolean' }
  ? boolean
  : F extends { type: 'integer' | 'decimal' }
    ? number | undefined
    : F extends { type: 'integers' }
      ? number[] | undefined
      : F extends { type: 'list' }
        ? string[] | undefined
        : string | undefined;

export interface ParsedArgs<S extends Record<string, FlagSpec>> {
  values: { [K in keyof S]: FlagValue<S[K]> };
  positionals: string[];
}

export interface ParseOptions {
  /** What positional arguments are, e.g. "notebook paths"; leave out when the command takes none. */
  positionals?: string;
}

const WHOLE = /^[0-9]+$/;
const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;

function describeRange(min: number, max: number): string {
  return `from ${min} to ${max}`;
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!WHOLE.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} expects a whole number ${describeRange(min, max)}, got "${raw}".`);
  }
  return n;
}

function convert(flag: string, spec: FlagSpec, raw: string): string | number | string[] | number[] {
  switch (spec.type) {
    case 'string':
      return raw;
    case 'integer':
      return wholeNumber(flag, raw, spec.min, spec.max);
    case 'decimal': {
      const n = Number(raw);
      if (!DECIMAL.test(raw) || n < spec.min || n > spec.max) {
        throw new UsageError(`${flag} expects a number ${describeRange(spec.min, spec.max)} (digits, optionally with a decimal point), got "${raw}".`);
      }
      return n;
    }
    case 'choice':
      if (!spec.choices.includes(raw)) throw new UsageError(`${flag} expects one of ${spec.choices.join(', ')}, got "${raw}".`);
      return raw;
    case 'list':
    case 'integers': {
      const items = raw.split(',').map((s) => s.trim());
      if (items.some((s) => s === '')) {
        throw new UsageError(`${flag} expects a comma-separated list without empty items, got "${raw}".`);
      }
      return spec.type === 'list' ? items : items.map((s) => wholeNumber(flag, s, spec.min, spec.max));
    }
    default:
      throw new UsageError(`${flag} takes no value.`);
  }
}

function expectation(spec: FlagSpec): string {
  switch (spec.type) {
    case 'string':
      return spec.what;
    case 'list':
      return `a comma-separated list of ${spec.what}`;
    case 'integer':
    case 'decimal':
      return `a number ${describeRange(spec.min, spec.max)}`;
    case 'integers':
      return `comma-separated whole numbers ${describeRange(spec.min, spec.max)}`;
    case 'choice':
      return `one of ${spec.choices.join(', ')}`;
    default:
      return 'nothing';
  }
}

/** What util.parseArgs needs to split the command line: which flags take a value, and the short booleans. */
function parseArgsOptions(flags: Record<string, FlagSpec>): ParseArgsConfig['options'] {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(flags)) {
    options[name] = spec.type === 'boolean'
      ? (spec.short === undefined ? { type: 'boolean' } : { type: 'boolean', short: spec.short })
      : { type: 'string' };
  }
  return options;
}

/**
 * Parses `argv` against the flags; unknown flags, missing or empty values and bad numbers are a UsageError.
 *
 * Node's util.parseArgs splits the command line (`--name value`, `--name=value`, `-h`, grouped shorts, `--`);
 * it runs with strict off and hands back its tokens, because its strict mode refuses `--port -1` as an
 * ambiguous option instead of a bad number, and its messages cannot say what a flag expects. The checks
 * below judge each token.
 */
export function parseCommandLine<S extends Record<string, FlagSpec>>(argv: readonly string[], flags: S, options: ParseOptions = {}): ParsedArgs<S> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(flags)) values[name] = spec.type === 'boolean' ? false : undefined;
  const positionals: string[] = [];
  const shorts = new Set(Object.values(flags).flatMap((spec) => (spec.type === 'boolean' && spec.short ? [`-${spec.short}`] : [])));
  const { tokens } = parseArgs({ args: [...argv], options: parseArgsOptions(flags), strict: false, allowPositionals: true, tokens: true });

  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (options.positionals === undefined) {
        throw new UsageError(`Unexpected argument '${token.value}': this command takes only the options listed below.`);
      }
      positionals.push(token.value);
      continue;
    }
    const long = token.rawName.startsWith('--');
    const spec = Object.prototype.hasOwnProperty.call(flags, token.name) ? flags[token.name] : undefined;
    if (!long && (spec === undefined || !shorts.has(token.rawName))) {
      // The whole argument as typed: `-xyz`, not the `-x` parseArgs split it into.
      throw new UsageError(`Unknown option '${argv[token.index]}'.`);
    }
    const flag = `--${token.name}`;
    if (spec === undefined) {
      const near = Object.keys(flags).find((known) => known.startsWith(token.name.slice(0, 3)) && token.name.length > 2);
      throw new UsageError(`Unknown option '${flag}'` + (near ? `; did you mean --${near}?` : '.'));
    }
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${flag} takes no value, got "${token.value}".`);
      values[token.name] = true;
      continue;
    }
    // `--epochs -1` is a bad number, but `--out --json` is a missing value.
    const raw = token.value === undefined || (!token.inlineValue && token.value.startsWith('--')) ? undefined : token.value;
    if (raw === undefined) throw new UsageError(`${flag} needs a value: ${expectation(spec)}.`);
    if (raw.trim() === '') throw new UsageError(`${flag} needs a value (${expectation(spec)}), got an empty one.`);
    values[token.name] = convert(flag, spec, raw);
  }
  return { values: values as ParsedArgs<S>['values'], positionals };
}

/**
 * Runs a command: parses its arguments, prints the usage for --help, and
 * turns a UsageError into its message and the usage (exit 2) and any other
 * error into one line without a stack trace (exit 1; DEBUG=1 shows it).
 */
export async function runCommand<A extends { help: boolean }>(
  usage: string,
  parse: (argv: string[]) => A,
  run: (args: A) => Promise<number | void> | number | void,
  argv: string[] = process.argv.slice(2),
): Promise<void> {
  let args: A;
  try {
    args = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`Error: ${error.message}\n\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    process.stdout.write(usage + '\n');
    return;
  }
  try {
    const code = await run(args);
    if (typeof code === 'number') process.exitCode = code;
  } catch (error) {
    process.stderr.write(`\nError: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = 1;
  }
}
