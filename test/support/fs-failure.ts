// A seam for disk errors a test cannot cause without root (a full disk, a
// read-only folder): replaces one function of Node's own `fs` module while
// `body` runs, so that calls matching `when` fail with `code`. The modules
// under test reach `fs` through TypeScript's import helper, whose bindings
// read the module's current properties, so they see the replacement.
import fsModule = require('fs');

type FsFunction = 'writeFileSync' | 'writeSync' | 'openSync' | 'renameSync' | 'mkdirSync';

/** Runs `body` while `fs[name]` throws an `code` error (like the system's) for calls whose arguments match `when`. */
export async function withFsFailure<T>(name: FsFunction, code: string, when: (...args: unknown[]) => boolean, body: () => T | Promise<T>): Promise<T> {
  const module = fsModule as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = module[name];
  module[name] = (...args: unknown[]): unknown => {
    if (when(...args)) throw Object.assign(new Error(`${code}: injected by the test, ${name}`), { code, syscall: name });
    return original.apply(fsModule, args);
  };
  try {
    return await body();
  } finally {
    module[name] = original;
  }
}
