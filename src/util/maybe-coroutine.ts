import { isPromise, type MaybePromise } from './maybe-promise.js';

/**
 * A coroutine over values that may be ready now or later: a generator yields each `MaybePromise` it needs
 * (`const v = (yield store.get(k)) as V`) and gets the settled value back. The runner steps synchronously
 * while what is yielded is ready (the sync fast path of in-memory stores) and only turns into a promise at
 * the first real promise. A rejected promise is thrown into the generator, so its `finally` blocks run.
 * Multi-step operators (joins) read as straight-line code this way instead of nested `thenMaybe` calls.
 */
export function runMaybe<R>(co: Generator<unknown, R, unknown>): MaybePromise<R> {
  return step(co, co.next());
}

function step<R>(co: Generator<unknown, R, unknown>, first: IteratorResult<unknown, R>): MaybePromise<R> {
  let r = first;
  while (!r.done) {
    const v = r.value;
    if (isPromise(v)) {
      return v.then(
        (settled) => step(co, co.next(settled)),
        (err: unknown) => step(co, co.throw(err)),
      );
    }
    r = co.next(v);
  }
  return r.value;
}
