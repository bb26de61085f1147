/** What a beforeAll sets up, or a clear error for code that reaches for it at collection time. */
export function notYet<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not started yet: use it inside a test or a hook`);
  return value;
}

/**
 * An object whose every property (all of `T`'s, listed in `keys`) reads through to the one `current`
 * returns at the time: so a test file can name, at collection time, what its beforeAll starts later.
 */
export function readThrough<T extends object>(current: () => T, keys: { [K in keyof T]-?: true }): T {
  const view = {} as T;
  for (const key of Object.keys(keys) as (keyof T)[]) {
    Object.defineProperty(view, key, { get: () => current()[key], enumerable: true });
  }
  return view;
}
