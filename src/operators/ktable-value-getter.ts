import { TopologyError } from '../errors/topology-error.js';
import type { ProcessorContext } from '../processor/api.js';
import type { TimestampedKeyValueStore } from '../state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import { thenMaybe, type MaybePromise } from '../util/maybe-promise.js';
import type { KTableValueSource } from './tuple-forwarder.js';

/**
 * Java's `KTableValueGetter`: reads a table's current value of a key, for operators that look a table up
 * rather than follow its changes (stream-table and table-table joins). A table that keeps no store of its
 * own is read through its parent (a filter or mapValues applies itself on read; a source table is
 * materialized for it).
 */
export interface KTableValueGetter<K, V> {
  init(context: ProcessorContext<any, any>): void;
  get(key: K): MaybePromise<ValueAndTimestamp<V> | null>;
}

/** Java's `KTableValueGetterSupplier`: makes a getter per processor; names the stores it reads. */
export interface KTableValueGetterSupplier<K, V> {
  get(): KTableValueGetter<K, V>;
  /** The stores the reading processor must be connected to. */
  storeNames(): string[];
}

/** A table operator that can be read through a getter (Java's `KTableProcessorSupplier.view()`). */
export interface ViewableValueSource extends KTableValueSource {
  view(): KTableValueGetterSupplier<any, any>;
}

/** The getter of a table, from the operator that produces it. */
export function valueGetterOf<K, V>(source: KTableValueSource): KTableValueGetterSupplier<K, V> {
  const viewable = source as Partial<ViewableValueSource>;
  if (typeof viewable.view !== 'function') {
    throw new TopologyError('this table cannot be looked up (joined) yet: its operator offers no value getter (e.g. a suppressed or windowed table)');
  }
  return viewable.view() as KTableValueGetterSupplier<K, V>;
}

/** Reads a timestamped key-value store (a materialized table). */
export function storeValueGetter<K, V>(storeName: string): KTableValueGetterSupplier<K, V> {
  return {
    storeNames: () => [storeName],
    get: () => {
      let store: TimestampedKeyValueStore<K, V>;
      return {
        init(ctx) {
          store = ctx.getStateStore<TimestampedKeyValueStore<K, V>>(storeName);
        },
        get: (key) => store.get(key),
      };
    },
  };
}

/** Reads the parent and computes this table's value from it (filter, mapValues); null stays null. */
export function computedValueGetter<K, V, VR>(parent: KTableValueGetterSupplier<K, V>, compute: (key: K, value: V) => VR | null): KTableValueGetterSupplier<K, VR> {
  return {
    storeNames: () => parent.storeNames(),
    get: () => {
      const inner = parent.get();
      return {
        init: (ctx) => inner.init(ctx),
        get: (key) => thenMaybe(inner.get(key), (vt) => (vt === null ? null : ValueAndTimestamp.make(compute(key, vt.value), vt.timestamp))),
      };
    },
  };
}
