import { isPromise, type MaybePromise } from './maybe-promise.js';

/**
 * Calls `fn` on each item in turn, waiting for the calls that return a promise before the next one;
 * synchronous when every call is (the sync fast path of in-memory stores).
 */
export function eachMaybe<T>(items: readonly T[], fn: (item: T, index: number) => MaybePromise<void>): MaybePromise<void> {
  const from = (start: number): MaybePromise<void> => {
    for (let i = start; i < items.length; i++) {
      const r = fn(items[i]!, i);
      if (isPromise(r)) return r.then(() => from(i + 1));
    }
  };
  return from(0);
}

/** Runs the steps one after the other (see `eachMaybe`). */
export function sequence(steps: ReadonlyArray<() => MaybePromise<void>>): MaybePromise<void> {
  return eachMaybe(steps, (step) => step());
}
