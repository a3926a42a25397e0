import type { Processor, ProcessorContext } from '../processor/api.js';
import type { Record } from '../processor/record.js';
import type { TimestampedKeyValueStore } from '../state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import { log } from '../util/logger.js';
import { storeValueGetter, type KTableValueGetterSupplier } from './ktable-value-getter.js';
import { thenMaybe, type MaybePromise } from '../util/maybe-promise.js';
import { Change } from './change.js';
import { droppedRecords } from './emit-final.js';
import { TimestampedTupleForwarder, type KTableValueSource } from './tuple-forwarder.js';

/**
 * Java's `KStreamAggregate` and `KStreamReduce`: folds each record into the aggregate of its key. Records
 * with a null key or value are dropped. The result's timestamp is the newest of the inputs'. Written
 * without `async` so that an in-memory (or cached) store keeps the whole step synchronous.
 */
export class KStreamAggregateSupplier<K, V, A> implements KTableValueSource {
  sendOldValues = false;

  /** `initializer` is null for reduce: the first value is the aggregate. */
  constructor(
    readonly storeName: string,
    private readonly initializer: (() => A) | null,
    private readonly aggregator: (key: K, value: V, aggregate: A) => A,
  ) {}

  /** Aggregates are always materialized: read from their store. */
  view(): KTableValueGetterSupplier<K, A> {
    return storeValueGetter(this.storeName);
  }

  enableSendingOldValues(): boolean {
    this.sendOldValues = true;
    return true;
  }

  get(): Processor<K, V, K, Change<A>> {
    let ctx: ProcessorContext<K, Change<A>>;
    let store: TimestampedKeyValueStore<K, A>;
    let forwarder: TimestampedTupleForwarder<K, A>;
    const { initializer, aggregator } = this;
    const update = (r: Record<K, V>, old: ValueAndTimestamp<A> | null): MaybePromise<void> => {
      let newAgg: A;
      let timestamp: number;
      let oldForDownstream: A | null = ValueAndTimestamp.getValueOrNull(old);
      if (old === null) {
        timestamp = r.timestamp;
        if (initializer === null) {
          newAgg = r.value as unknown as A;
        } else {
          oldForDownstream = initializer();
          newAgg = aggregator(r.key, r.value, oldForDownstream);
        }
      } else {
        timestamp = Math.max(r.timestamp, old.timestamp);
        newAgg = aggregator(r.key, r.value, old.value);
      }
      return thenMaybe(store.put(r.key, ValueAndTimestamp.make(newAgg, timestamp)), () =>
        forwarder.maybeForward(r.withValue(new Change(newAgg, oldForDownstream)).withTimestamp(timestamp)),
      );
    };
    return {
      init: (c) => {
        ctx = c;
        store = c.getStateStore(this.storeName);
        forwarder = new TimestampedTupleForwarder(store, c, this.sendOldValues);
      },
      process: (r: Record<K, V>) => {
        if (r.key === null || r.key === undefined || r.value === null || r.value === undefined) {
          const m = ctx.recordMetadata();
          log.warn(`Skipping record due to null key or value. topic=[${m?.topic()}] partition=[${m?.partition()}] offset=[${m?.offset()}]`);
          droppedRecords(ctx).record();
          return;
        }
        return thenMaybe(store.get(r.key), (old) => update(r, old));
      },
    };
  }
}
