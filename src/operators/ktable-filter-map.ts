import type { Processor, ProcessorContext } from '../processor/api.js';
import type { Record } from '../processor/record.js';
import type { TimestampedKeyValueStore } from '../state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import { Change } from './change.js';
import { TimestampedTupleForwarder, type KTableValueSource } from './tuple-forwarder.js';
import { thenMaybe } from '../util/maybe-promise.js';
import { computedValueGetter, storeValueGetter, valueGetterOf, type KTableValueGetterSupplier } from './ktable-value-getter.js';

/**
 * Java's `KTableFilter` and `KTableMapValues`: compute a derived table from each change. A filtered-out value
 * becomes a tombstone (null). When materialized they keep their own store (and read old values from it).
 */
abstract class KTableDerivedSupplier<K, V, VR> implements KTableValueSource {
  sendOldValues = false;

  constructor(
    protected readonly parent: KTableValueSource,
    readonly queryableName: string | null,
  ) {}

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    if (this.queryableName !== null) {
      this.sendOldValues = true;
      return true;
    }
    if (this.parent.enableSendingOldValues(forceMaterialization)) this.sendOldValues = true;
    return this.sendOldValues;
  }

  protected abstract compute(key: K, value: V | null): VR | null;

  /** Read from its own store when materialized, else computed on read from the parent's value. */
  view(): KTableValueGetterSupplier<K, VR> {
    if (this.queryableName !== null) return storeValueGetter(this.queryableName);
    return computedValueGetter(valueGetterOf<K, V>(this.parent), (k, v) => this.compute(k, v));
  }

  /** Java's filter skips a change that is absent on both sides, when it knows old values. */
  protected skipEmpty(): boolean {
    return false;
  }

  get(): Processor<K, Change<V>, K, Change<VR>> {
    let ctx: ProcessorContext<K, Change<VR>>;
    let store: TimestampedKeyValueStore<K, VR> | null = null;
    let forwarder: TimestampedTupleForwarder<K, VR>;
    const { sendOldValues, queryableName } = this;
    return {
      init: (c) => {
        ctx = c;
        if (queryableName !== null) {
          store = c.getStateStore<TimestampedKeyValueStore<K, VR>>(queryableName);
          forwarder = new TimestampedTupleForwarder(store, c, sendOldValues);
        }
      },
      process: (r: Record<K, Change<V>>) => {
        const newValue = this.compute(r.key, r.value.newValue);
        const s = store;
        if (s === null) {
          const oldValue = sendOldValues ? this.compute(r.key, r.value.oldValue) : null;
          if (sendOldValues && this.skipEmpty() && oldValue === null && newValue === null) return;
          return ctx.forward(r.withValue(new Change(newValue, oldValue)));
        }
        // a materialized operator reads its old value from its own store
        return thenMaybe(sendOldValues ? s.get(r.key) : null, (old) => {
          const oldValue = ValueAndTimestamp.getValueOrNull(old);
          if (sendOldValues && this.skipEmpty() && oldValue === null && newValue === null) return;
          return thenMaybe(s.put(r.key, ValueAndTimestamp.make(newValue, r.timestamp)), () =>
            forwarder.maybeForward(r.withValue(new Change(newValue, oldValue))),
          );
        });
      },
    };
  }
}

export class KTableFilterSupplier<K, V> extends KTableDerivedSupplier<K, V, V> {
  constructor(
    parent: KTableValueSource,
    queryableName: string | null,
    private readonly predicate: (key: K, value: V) => boolean,
    private readonly filterNot: boolean,
  ) {
    super(parent, queryableName);
    // As Java: if the parent can send old values without materializing, use them to avoid needless tombstones.
    this.sendOldValues = parent.enableSendingOldValues(false);
  }

  protected compute(key: K, value: V | null): V | null {
    if (value === null) return null;
    return this.predicate(key, value) !== this.filterNot ? value : null;
  }

  protected override skipEmpty(): boolean {
    return true;
  }
}

export class KTableMapValuesSupplier<K, V, VR> extends KTableDerivedSupplier<K, V, VR> {
  constructor(
    parent: KTableValueSource,
    queryableName: string | null,
    private readonly mapper: (key: K, value: V) => VR,
  ) {
    super(parent, queryableName);
  }

  protected compute(key: K, value: V | null): VR | null {
    return value === null ? null : this.mapper(key, value);
  }
}
