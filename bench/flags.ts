/**
 * The benchmark scripts' flag parser: `--name value`, `--name=value`, bare
 * booleans. Apart from common.ts because the tfjs worker, a stock
 * TensorFlow.js script, takes nothing from the project but initBackend.
 */
export type FlagKind = 'string' | 'number' | 'boolean' | 'list';

export class UsageError extends Error {}

export interface Flags {
  has(name: string): boolean;
  string(name: string, fallback: string): string;
  optionalString(name: string): string | undefined;
  number(name: string, fallback: number): number;
  optionalNumber(name: string): number | undefined;
  boolean(name: string): boolean;
  /** Comma-separated values. */
  list(name: string, fallback: readonly string[]): string[];
}

/** `--name value`, `--name=value` and bare `--flag` for booleans; unknown flags are an error. */
export function parseFlags(argv: readonly string[], spec: Record<string, FlagKind>): Flags {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument "${arg}".`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`Unknown option --${name}.`);
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value.`);
      values.set(name, 'true');
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value.`);
    values.set(name, value);
  }
  const toNumber = (name: string, raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got "${raw}".`);
    return n;
  };
  return {
    has: (name) => values.has(name),
    string: (name, fallback) => values.get(name) ?? fallback,
    optionalString: (name) => values.get(name),
    number: (name, fallback) => {
      const raw = values.get(name);
      return raw === undefined ? fallback : toNumber(name, raw);
    },
    optionalNumber: (name) => {
      const raw = values.get(name);
      return raw === undefined ? undefined : toNumber(name, raw);
    },
    boolean: (name) => values.has(name),
    list: (name, fallback) => {
      const raw = values.get(name);
      return raw === undefined ? [...fallback] : raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    },
  };
}
