import type { Windowed } from '../dsl/windowed.js';
import type { MaybePromise } from '../util/maybe-promise.js';
import type { KeyValueIterator, StateStore } from './state-store.js';
import type { ValueAndTimestamp } from './value-and-timestamp.js';

/** Java's `WindowStoreIterator<V>`: entries of one key, keyed by window start. Must be closed. */
export type WindowStoreIterator<V> = KeyValueIterator<number, V>;

/**
 * Java's `ReadOnlyWindowStore`. Time bounds are inclusive window starts. Data older than the retention
 * period (measured from the newest window start seen) is never returned. `null` key bounds are open.
 */
export interface ReadOnlyWindowStore<K, V> {
  /** The value of `key` in the window starting at `time`, or null. */
  fetch(key: K, time: number): MaybePromise<V | null>;
  /** The windows of `key` starting in `[timeFrom, timeTo]`, oldest first. */
  fetch(key: K, timeFrom: number, timeTo: number): MaybePromise<WindowStoreIterator<V>>;
  /** The windows of the keys in `[keyFrom, keyTo]` starting in `[timeFrom, timeTo]`. */
  fetch(keyFrom: K | null, keyTo: K | null, timeFrom: number, timeTo: number): MaybePromise<KeyValueIterator<Windowed<K>, V>>;
  backwardFetch(key: K, timeFrom: number, timeTo: number): MaybePromise<WindowStoreIterator<V>>;
  backwardFetch(keyFrom: K | null, keyTo: K | null, timeFrom: number, timeTo: number): MaybePromise<KeyValueIterator<Windowed<K>, V>>;
  fetchAll(timeFrom: number, timeTo: number): MaybePromise<KeyValueIterator<Windowed<K>, V>>;
  backwardFetchAll(timeFrom: number, timeTo: number): MaybePromise<KeyValueIterator<Windowed<K>, V>>;
  all(): MaybePromise<KeyValueIterator<Windowed<K>, V>>;
  backwardAll(): MaybePromise<KeyValueIterator<Windowed<K>, V>>;
}

/** Java's `WindowStore`: `put(key, null, start)` deletes (unless the store retains duplicates). */
export interface WindowStore<K, V> extends StateStore, ReadOnlyWindowStore<K, V> {
  put(key: K, value: V | null, windowStartTimestamp: number): MaybePromise<void>;
}

/** Java's `TimestampedWindowStore<K, V>`: a window store whose values carry their timestamp. */
export type TimestampedWindowStore<K, V> = WindowStore<K, ValueAndTimestamp<V>>;

/** Java's `WindowBytesStoreSupplier`: makes the bytes store at the bottom of a window store's layers. */
export interface WindowBytesStoreSupplier {
  name(): string;
  get(): WindowStore<Buffer, Buffer>;
  metricsScope(): string;
  /** The size of a segment (persistent stores drop whole segments once expired). */
  segmentIntervalMs(): number;
  windowSize(): number;
  retainDuplicates(): boolean;
  retentionPeriod(): number;
}

/** Marks window stores (Java tells them apart with `instanceof WindowStore`). */
export const WINDOW_STORE: unique symbol = Symbol.for('kstreams-ts.window-store');

export function isWindowStore<K = unknown, V = unknown>(store: unknown): store is WindowStore<K, V> {
  return typeof store === 'object' && store !== null && (store as { [WINDOW_STORE]?: unknown })[WINDOW_STORE] === true;
}
