import type { Serde } from '../serde/serde.js';
import type { MaybePromise } from '../util/maybe-promise.js';
import type { KeyValue } from './key-value.js';

/** Replays changelog records into a store during restoration (issue: persistent state). */
export type StateRestoreCallback = (key: Buffer, value: Buffer | null) => void;

/** What a store sees of the task it belongs to when it is initialized. */
export interface StateStoreContext {
  applicationId(): string;
  taskId(): string;
  /**
   * The task's state directory, `<state.dir>/<application.id>/<taskId>` (Java's
   * `StateStoreContext.stateDir()`); a persistent store keeps its files in `<stateDir>/<store name>`.
   */
  stateDir(): string;
  appConfigs(): Readonly<Record<string, unknown>>;
  /** The default key/value serdes (`default.key.serde` / `default.value.serde`), or null when unset. */
  keySerde(): Serde<unknown> | null;
  valueSerde(): Serde<unknown> | null;
  /** Registers the store with the task so that it is flushed, closed and (later) restored. */
  register(store: StateStore, restoreCallback?: StateRestoreCallback): void;
  /**
   * Writes one change of a logged store to its changelog topic (`<application.id>-<store>-changelog`), with
   * the given headers (none by default; the suppression buffer marks its format version in one).
   */
  logChange(storeName: string, key: Buffer, value: Buffer | null, timestamp: number, headers?: import('../processor/headers.js').Headers): void;
  /** The task's metrics registry (e.g. `dropped-records-total`), when the task has one. */
  metrics?(): import('../processor/internals/streams-metrics.js').StreamsMetrics;
  /** The timestamp of the record being processed (the changelog record's timestamp for plain stores). */
  recordTimestamp(): number;
  /** The headers of the record being processed. */
  recordHeaders(): import('../processor/headers.js').Headers;
  /** The record cache of this instance, or null when caching is off (`statestore.cache.max.bytes` 0). */
  cache(): import('./internals/record-cache.js').RecordCache | null;
  /** An opaque snapshot of the current record context, kept with cached writes. */
  recordContext(): unknown;
  /** Runs `fn` with the record context set to a snapshot taken earlier (a cached write being flushed). */
  withRecordContext<T>(snapshot: unknown, fn: () => T): T;
}

/** Java's `StateStore`. */
export interface StateStore {
  name(): string;
  init(context: StateStoreContext, root: StateStore): MaybePromise<void>;
  /** Makes everything written so far durable in the store (its caches and its own files). */
  flush(): MaybePromise<void>;
  /**
   * Flushes only the store's record cache (forwarding and logging dirty entries): what a commit needs.
   * Stores without a cache may omit it; the task then calls `flush`.
   */
  flushCache?(): MaybePromise<void>;
  close(): MaybePromise<void>;
  persistent(): boolean;
  isOpen(): boolean;
}

/**
 * Java's `KeyValueIterator`: must be closed. Also async-iterable (`for await`), which closes it when
 * the loop ends.
 */
export interface KeyValueIterator<K, V> extends AsyncIterable<KeyValue<K, V>> {
  hasNext(): MaybePromise<boolean>;
  next(): MaybePromise<KeyValue<K, V>>;
  peekNextKey(): MaybePromise<K>;
  close(): MaybePromise<void>;
}

/** Java's `ReadOnlyKeyValueStore`. `null` bounds in `range` mean "unbounded", as in Java. */
export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): MaybePromise<V | null>;
  range(from: K | null, to: K | null): MaybePromise<KeyValueIterator<K, V>>;
  reverseRange(from: K | null, to: K | null): MaybePromise<KeyValueIterator<K, V>>;
  all(): MaybePromise<KeyValueIterator<K, V>>;
  reverseAll(): MaybePromise<KeyValueIterator<K, V>>;
  prefixScan<P>(prefix: P, prefixKeySerializer: import('../serde/serde.js').Serializer<P>): MaybePromise<KeyValueIterator<K, V>>;
  approximateNumEntries(): MaybePromise<number>;
}

/** Java's `KeyValueStore`: `put(key, null)` deletes, as in Java. */
export interface KeyValueStore<K, V> extends StateStore, ReadOnlyKeyValueStore<K, V> {
  put(key: K, value: V | null): MaybePromise<void>;
  putIfAbsent(key: K, value: V | null): MaybePromise<V | null>;
  putAll(entries: ReadonlyArray<KeyValue<K, V | null>>): MaybePromise<void>;
  delete(key: K): MaybePromise<V | null>;
}

/** Java's `StoreBuilder`: mutable, each `withX` returns the same builder. */
export interface StoreBuilder<T extends StateStore> {
  name(): string;
  withCachingEnabled(): this;
  withCachingDisabled(): this;
  withLoggingEnabled(config: Readonly<Record<string, string>>): this;
  withLoggingDisabled(): this;
  cachingEnabled(): boolean;
  loggingEnabled(): boolean;
  logConfig(): Readonly<Record<string, string>>;
  build(): T;
}

/** Java's `KeyValueBytesStoreSupplier`: makes the bytes store at the bottom of the layers. */
export interface KeyValueBytesStoreSupplier {
  name(): string;
  get(): KeyValueStore<Buffer, Buffer>;
  metricsScope(): string;
}
