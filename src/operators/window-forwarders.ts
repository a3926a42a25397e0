import type { Windowed } from '../dsl/windowed.js';
import type { ProcessorContext } from '../processor/api.js';
import { Record } from '../processor/record.js';
import type { FlushedChange } from '../state/internals/metered-key-value-store.js';
import type { MaybePromise } from '../util/maybe-promise.js';
import { Change } from './change.js';
import { TimestampedTupleForwarder } from './tuple-forwarder.js';

/*
 * How the windowed aggregations forward their updates: directly (no record cache, or when emitting final
 * results) or from the record cache's flush (Java's TimestampedTupleForwarder with a cache flush listener).
 */

/** For time and sliding windows: flushed windows carry the timestamp of their value (Java's `TimestampedCacheFlushListener`). */
export function windowTupleForwarder<K, V>(
  store: object | null,
  ctx: ProcessorContext<Windowed<K>, Change<V>>,
  sendOldValues: boolean,
): TimestampedTupleForwarder<Windowed<K>, V> {
  // a store without a flush listener (or none at all: emit-final) makes the forwarder forward itself
  return new TimestampedTupleForwarder<Windowed<K>, V>((store ?? {}) as never, ctx, sendOldValues);
}

interface SessionFlushListening<K, V> {
  setFlushListener(listener: (c: FlushedChange<Windowed<K>, V>) => MaybePromise<void>, sendOldValues: boolean): boolean;
}

/**
 * For session windows (Java's TimestampedTupleForwarder with a `SessionCacheFlushListener`): every update
 * is forwarded with the session's end as its timestamp. Uncached updates are new records (no headers, as
 * Java's `new Record(...)`); flushed ones keep the headers of their last write.
 */
export class SessionTupleForwarder<K, V> {
  private readonly cachingEnabled: boolean;

  constructor(
    store: object | null,
    private readonly ctx: ProcessorContext<Windowed<K>, Change<V>>,
    private readonly sendOldValues: boolean,
  ) {
    const listening = (store ?? {}) as Partial<SessionFlushListening<K, V>>;
    this.cachingEnabled =
      typeof listening.setFlushListener === 'function' &&
      listening.setFlushListener(
        (c) => ctx.forward(new Record(c.key, new Change(c.newValue, c.oldValue), c.key.window.end, c.headers)),
        sendOldValues,
      );
  }

  /** Forwards an update unless the record cache will (on flush). */
  maybeForward(key: Windowed<K>, newValue: V | null, oldValue: V | null): MaybePromise<void> {
    if (this.cachingEnabled) return;
    return this.ctx.forward(new Record(key, new Change(newValue, this.sendOldValues ? oldValue : null), key.window.end));
  }
}
