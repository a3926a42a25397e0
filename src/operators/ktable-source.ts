import type { Processor, ProcessorContext } from '../processor/api.js';
import type { Record } from '../processor/record.js';
import type { TimestampedKeyValueStore } from '../state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import { log } from '../util/logger.js';
import { Change } from './change.js';
import { TimestampedTupleForwarder, type KTableValueSource } from './tuple-forwarder.js';
import { thenMaybe } from '../util/maybe-promise.js';
import { droppedRecords } from './emit-final.js';
import { storeValueGetter, type KTableValueGetterSupplier } from './ktable-value-getter.js';

/**
 * Java's `KTableSource` (also behind `KStream.toTable`): turns a stream of upserts into table changes,
 * keeping the latest value per key in its store when materialized. A source table is materialized only when
 * the user names it or a downstream operator needs old values.
 */
export class KTableSourceSupplier<K, V> implements KTableValueSource {
  sendOldValues = false;

  constructor(
    readonly storeName: string,
    public queryableName: string | null,
  ) {}

  materialized(): boolean {
    return this.queryableName !== null;
  }

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    if (!this.materialized()) {
      if (!forceMaterialization) return false;
      this.queryableName = this.storeName;
    }
    this.sendOldValues = true;
    return true;
  }

  /** Java's `materialize()` + getter: a table that is looked up (joined) must keep its store. */
  view(): KTableValueGetterSupplier<K, V> {
    this.queryableName ??= this.storeName;
    return storeValueGetter(this.storeName);
  }

  get(): Processor<K, V, K, Change<V>> {
    let ctx: ProcessorContext<K, Change<V>>;
    let store: TimestampedKeyValueStore<K, V> | null = null;
    let forwarder: TimestampedTupleForwarder<K, V>;
    const { sendOldValues } = this;
    const materialized = this.materialized();
    return {
      init: (c) => {
        ctx = c;
        if (materialized) {
          store = c.getStateStore<TimestampedKeyValueStore<K, V>>(this.storeName);
          forwarder = new TimestampedTupleForwarder(store, c, sendOldValues);
        }
      },
      process: (r: Record<K, V>) => {
        if (r.key === null || r.key === undefined) {
          const m = ctx.recordMetadata();
          log.warn(`Skipping record due to null key. topic=[${m?.topic()}] partition=[${m?.partition()}] offset=[${m?.offset()}]`);
          droppedRecords(ctx).record();
          return;
        }
        const s = store;
        if (s === null) return ctx.forward(r.withValue(new Change<V>(r.value, null)));
        return thenMaybe(s.get(r.key), (old) =>
          thenMaybe(s.put(r.key, ValueAndTimestamp.make(r.value, r.timestamp)), () =>
            forwarder.maybeForward(r.withValue(new Change(r.value, ValueAndTimestamp.getValueOrNull(old)))),
          ),
        );
      },
    };
  }
}
