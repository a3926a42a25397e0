import type { ProcessorContext } from '../processor/api.js';
import { Record } from '../processor/record.js';
import type { FlushedChange } from '../state/internals/metered-key-value-store.js';
import type { TimestampedKeyValueStore } from '../state/timestamped-key-value-store.js';
import type { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import type { MaybePromise } from '../util/maybe-promise.js';
import { Change } from './change.js';

interface FlushListening<K, V> {
  setFlushListener(listener: (c: FlushedChange<K, ValueAndTimestamp<V>>) => MaybePromise<void>, sendOldValues: boolean): boolean;
}

/**
 * Java's `TimestampedTupleForwarder`: a KTable operator that writes a store forwards its changes either
 * itself (no record cache) or from the cache's flush (one change per key per flush, with the old value
 * read from the store below; the forwarded timestamp is the new value's). With caching on, `maybeForward`
 * does nothing.
 */
export class TimestampedTupleForwarder<K, V> {
  private readonly cachingEnabled: boolean;

  constructor(
    store: TimestampedKeyValueStore<K, V>,
    private readonly ctx: ProcessorContext<K, Change<V>>,
    private readonly sendOldValues: boolean,
  ) {
    const listening = store as unknown as Partial<FlushListening<K, V>>;
    this.cachingEnabled =
      typeof listening.setFlushListener === 'function' &&
      listening.setFlushListener(
        (c) =>
          ctx.forward(
            new Record(
              c.key,
              new Change(c.newValue?.value ?? null, c.oldValue?.value ?? null),
              c.newValue !== null ? c.newValue.timestamp : c.timestamp,
              c.headers,
            ),
          ),
        sendOldValues,
      );
  }

  maybeForward(record: Record<K, Change<V>>): MaybePromise<void> {
    if (this.cachingEnabled) return;
    return this.ctx.forward(this.sendOldValues ? record : record.withValue(new Change(record.value.newValue, null)));
  }
}

/** What a KTable-producing operator can be asked by downstream operators (Java's `KTableProcessorSupplier`). */
export interface KTableValueSource {
  /** Asks the operator to send old values too; returns whether it can (possibly by materializing itself). */
  enableSendingOldValues(forceMaterialization: boolean): boolean;
}
