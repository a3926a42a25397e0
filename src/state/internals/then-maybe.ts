import { isPromise, type MaybePromise } from '../../util/maybe-promise.js';

/**
 * Applies `fn` to a value that may be ready now or later, staying synchronous when it is ready now
 * (the sync fast path: no microtask hop for in-memory stores).
 */
export function thenMaybe<T, R>(value: MaybePromise<T>, fn: (value: T) => R): MaybePromise<R> {
  return isPromise(value) ? value.then(fn) : fn(value);
}
