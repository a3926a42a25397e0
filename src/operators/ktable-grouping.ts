import { StreamsError } from '../errors/streams-error.js';
import type { Processor, ProcessorContext } from '../processor/api.js';
import type { Record } from '../processor/record.js';
import type { KeyValue } from '../state/key-value.js';
import type { TimestampedKeyValueStore } from '../state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import { Change } from './change.js';
import { TimestampedTupleForwarder, type KTableValueSource } from './tuple-forwarder.js';
import { storeValueGetter, type KTableValueGetterSupplier } from './ktable-value-getter.js';
import { thenMaybe, type MaybePromise } from '../util/maybe-promise.js';

/**
 * Java's `KTableRepartitionMap` (`KTable.groupBy`): maps each change to the new grouping key. The old value
 * goes to its old group (to be subtracted) before the new value goes to its new group (to be added); when the
 * group does not change both travel in one record, so that subtract-then-add is atomic (KIP-904).
 */
export function ktableRepartitionMap<K, V, KR, VR>(
  parent: KTableValueSource,
  mapper: (key: K, value: V) => KeyValue<KR, VR>,
): () => Processor<K, Change<V>, KR, Change<VR>> {
  parent.enableSendingOldValues(true);
  return () => {
    let ctx: ProcessorContext<KR, Change<VR>>;
    return {
      init(c) {
        ctx = c;
      },
      process(r: Record<K, Change<V>>) {
        if (r.key === null || r.key === undefined) throw new StreamsError('Record key for the grouping KTable should not be null.');
        const newPair = r.value.newValue === null ? null : mapper(r.key, r.value.newValue);
        const oldPair = r.value.oldValue === null ? null : mapper(r.key, r.value.oldValue);
        const oldOk = oldPair !== null && oldPair.key !== null && oldPair.value !== null;
        const newOk = newPair !== null && newPair.key !== null && newPair.value !== null;
        if (oldOk && newOk && sameKey(oldPair.key, newPair.key)) {
          return ctx.forward(r.withKey(newPair.key).withValue(new Change(newPair.value, oldPair.value)));
        }
        if (oldOk) ctx.forward(r.withKey(oldPair.key).withValue(new Change<VR>(null, oldPair.value)));
        if (newOk) return ctx.forward(r.withKey(newPair.key).withValue(new Change<VR>(newPair.value, null)));
      },
    };
  };
}

/** Java compares grouping keys with `equals`; for our plain values structural equality of JSON does. */
function sameKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Java's `KTableAggregate` and `KTableReduce`: keeps an aggregate per group, subtracting a member's old value
 * and adding its new one. `initializer` null means reduce (the first value is the aggregate).
 */
export class KTableAggregateSupplier<K, V, A> implements KTableValueSource {
  sendOldValues = false;

  constructor(
    readonly storeName: string,
    private readonly initializer: (() => A) | null,
    private readonly adder: (key: K, value: V, aggregate: A) => A,
    private readonly subtractor: (key: K, value: V, aggregate: A) => A,
  ) {}

  /** Aggregates are always materialized: read from their store. */
  view(): KTableValueGetterSupplier<K, A> {
    return storeValueGetter(this.storeName);
  }

  enableSendingOldValues(): boolean {
    this.sendOldValues = true;
    return true;
  }

  get(): Processor<K, Change<V>, K, Change<A>> {
    let store: TimestampedKeyValueStore<K, A>;
    let forwarder: TimestampedTupleForwarder<K, A>;
    const { initializer, adder, subtractor } = this;
    const update = (r: Record<K, Change<V>>, old: ValueAndTimestamp<A> | null): MaybePromise<void> => {
      const oldAgg = ValueAndTimestamp.getValueOrNull(old);
      let timestamp = r.timestamp;
      let agg = oldAgg;
      // subtract the old value first, then add the new one (both may come in one record)
      if (r.value.oldValue !== null && oldAgg !== null) {
        agg = subtractor(r.key, r.value.oldValue, oldAgg);
        timestamp = Math.max(r.timestamp, old!.timestamp);
      }
      if (r.value.newValue !== null) {
        if (agg === null) {
          agg = initializer === null ? (r.value.newValue as unknown as A) : adder(r.key, r.value.newValue, initializer());
        } else {
          agg = adder(r.key, r.value.newValue, agg);
        }
        if (old !== null) timestamp = Math.max(r.timestamp, old.timestamp);
      }
      const newAgg = agg;
      return thenMaybe(store.put(r.key, ValueAndTimestamp.make(newAgg, timestamp)), () =>
        forwarder.maybeForward(r.withValue(new Change(newAgg, oldAgg)).withTimestamp(timestamp)),
      );
    };
    return {
      init: (c) => {
        store = c.getStateStore(this.storeName);
        forwarder = new TimestampedTupleForwarder(store, c, this.sendOldValues);
      },
      process: (r: Record<K, Change<V>>) => {
        if (r.key === null || r.key === undefined) {
          throw new StreamsError(`Record key for KTable aggregate operator with state ${this.storeName} should not be null.`);
        }
        return thenMaybe(store.get(r.key), (old) => update(r, old));
      },
    };
  }
}

/** Java's `KTable.toStream()`: the table's changes as a stream of new values (null = tombstone). */
export function ktableToStream<K, V>(): () => Processor<K, Change<V>, K, V | null> {
  return () => {
    let ctx: ProcessorContext<K, V | null>;
    return {
      init(c) {
        ctx = c;
      },
      process(r: Record<K, Change<V>>) {
        return ctx.forward(r.withValue(r.value.newValue));
      },
    };
  };
}
