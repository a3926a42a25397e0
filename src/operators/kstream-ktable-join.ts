import type { ValueJoinerWithKey } from '../dsl/value-joiner.js';
import type { Processor, ProcessorContext } from '../processor/api.js';
import type { Record } from '../processor/record.js';
import type { Counter } from '../processor/internals/streams-metrics.js';
import { log } from '../util/logger.js';
import { thenMaybe } from '../util/maybe-promise.js';
import { droppedRecords } from './emit-final.js';
import type { KTableValueGetter, KTableValueGetterSupplier } from './ktable-value-getter.js';

export interface StreamTableJoinSpec<K, V, KT, VT, VR> {
  readonly getter: KTableValueGetterSupplier<KT, VT>;
  /** The table key of a stream record: its key (KTable), or the key selector's result (GlobalKTable). */
  readonly keyMapper: (key: K, value: V) => KT | null;
  readonly joiner: ValueJoinerWithKey<K, V, VT | null, VR>;
  readonly leftJoin: boolean;
  /** Whether skipped records count in `dropped-records-total` (Java's global-table joins do not count them). */
  readonly countDropped: boolean;
}

/**
 * Java's `KStreamKTableJoinProcessor` (stream-table and stream-global-table joins): each stream record looks up
 * the table's current value of its key and, if there is one (or for a left join anyway), is forwarded as
 * `joiner(key, value, tableValue)` at the stream record's time. Table updates trigger nothing.
 *
 * A record with a null value, or whose table key is null, is dropped; in a left join a record with a null
 * key but a value is still joined (with the table value of its mapped key, if any; KIP-962).
 */
export function kstreamKTableJoin<K, V, KT, VT, VR>(spec: StreamTableJoinSpec<K, V, KT, VT, VR>): () => Processor<K, V, K, VR> {
  const { keyMapper, joiner, leftJoin, countDropped } = spec;
  return () => {
    let ctx: ProcessorContext<K, VR>;
    let getter: KTableValueGetter<KT, VT>;
    let dropped: Counter;
    return {
      init(c) {
        ctx = c;
        getter = spec.getter.get();
        getter.init(c);
        dropped = droppedRecords(c);
      },
      process(r: Record<K, V>) {
        const mappedKey = keyMapper(r.key, r.value);
        const nullKey = r.key === null || r.key === undefined;
        const nullValue = r.value === null || r.value === undefined;
        const keepNullKey = leftJoin && nullKey && !nullValue;
        if (!keepNullKey && (mappedKey === null || mappedKey === undefined || nullValue)) {
          const m = ctx.recordMetadata();
          log.warn(`Skipping record due to null join key or value. topic=[${m?.topic()}] partition=[${m?.partition()}] offset=[${m?.offset()}]`);
          if (countDropped) dropped.record();
          return;
        }
        const found = mappedKey === null || mappedKey === undefined ? null : getter.get(mappedKey);
        return thenMaybe(found, (vt) => {
          const tableValue = vt === null ? null : vt.value;
          if (!leftJoin && tableValue === null) return;
          return ctx.forward(r.withValue(joiner(r.key, r.value, tableValue)));
        });
      },
    };
  };
}
