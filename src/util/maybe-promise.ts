/** A value that may be ready now or later: the engine awaits only real promises (sync fast path). */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * Applies `fn` to a value that may be ready now or later, staying synchronous when it is ready now
 * (the sync fast path: no microtask hop for in-memory stores).
 */
export function thenMaybe<T, R>(value: MaybePromise<T>, fn: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return isPromise(value) ? value.then(fn) : fn(value);
}
