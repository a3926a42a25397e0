import type { KeyValueStore, ReadOnlyKeyValueStore } from './state-store.js';
import type { ValueAndTimestamp } from './value-and-timestamp.js';

/** Java's `TimestampedKeyValueStore<K, V>`: a key-value store whose values carry their timestamp. */
export type TimestampedKeyValueStore<K, V> = KeyValueStore<K, ValueAndTimestamp<V>>;

/** The read-only view of a `TimestampedKeyValueStore` (what interactive queries see). */
export type ReadOnlyTimestampedKeyValueStore<K, V> = ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>>;

/**
 * The marker of stores whose values are `ValueAndTimestamp`s (Java tells them apart with
 * `instanceof TimestampedKeyValueStore`). A store sets `[TIMESTAMPED_STORE] = true`; the test driver and
 * interactive queries check it with `isTimestampedStore` to hand out a plain-value facade.
 */
export const TIMESTAMPED_STORE: unique symbol = Symbol.for('kstreams-ts.timestamped-store');

/** Whether `store` holds `ValueAndTimestamp` values (a timestamped key-value store, or later window store). */
export function isTimestampedStore(store: unknown): boolean {
  return typeof store === 'object' && store !== null && (store as { [TIMESTAMPED_STORE]?: unknown })[TIMESTAMPED_STORE] === true;
}

/** Whether `store` is a timestamped key-value store (the type guard form of `isTimestampedStore`). */
export function isTimestampedKeyValueStore<K = unknown, V = unknown>(store: unknown): store is TimestampedKeyValueStore<K, V> {
  return isTimestampedStore(store) && typeof (store as { putIfAbsent?: unknown }).putIfAbsent === 'function';
}
