import { IllegalArgumentError } from '../errors/streams-error.js';
import type { Serde } from '../serde/serde.js';
import { InMemoryKeyValueBytesStoreSupplier, LruMapBytesStoreSupplier } from './internals/in-memory-suppliers.js';
import { LevelKeyValueBytesStoreSupplier } from './internals/level-suppliers.js';
import { KeyValueStoreBuilder, TimestampedKeyValueStoreBuilder } from './internals/key-value-store-builder.js';
import type { KeyValueBytesStoreSupplier, KeyValueStore, StoreBuilder } from './state-store.js';
import type { TimestampedKeyValueStore } from './timestamped-key-value-store.js';
import type { SessionBytesStoreSupplier, SessionStore } from './session-store.js';
import type { TimestampedWindowStore, WindowBytesStoreSupplier, WindowStore } from './window-store.js';
import * as windowStores from './window-stores.js';

/**
 * Java's `Stores`: factories of store suppliers and store builders. A `null` serde in a builder means
 * "use the default serde from the config" (`default.key.serde` / `default.value.serde`), as in Java.
 */
export class Stores {
  private constructor() {}

  /**
   * A persistent key-value store (Java's RocksDB store; here LevelDB), in
   * `<state.dir>/<application.id>/<taskId>/<name>`. Keys in byte order.
   */
  static persistentKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return new LevelKeyValueBytesStoreSupplier(name, false);
  }

  /**
   * A persistent key-value store for a `timestampedKeyValueStoreBuilder`: it holds values with their
   * timestamps (Java's bytes: an 8-byte timestamp, then the value).
   */
  static persistentTimestampedKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return new LevelKeyValueBytesStoreSupplier(name, true);
  }

  /** An in-memory key-value store (keys in byte order). */
  static inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return new InMemoryKeyValueBytesStoreSupplier(name);
  }

  /** An in-memory key-value store holding at most `maxCacheSize` entries, evicting the least recently used. */
  static lruMap(name: string, maxCacheSize: number): KeyValueBytesStoreSupplier {
    return new LruMapBytesStoreSupplier(name, maxCacheSize);
  }

  /** A builder of `KeyValueStore<K, V>` over the supplier's bytes store. */
  static keyValueStoreBuilder<K, V>(
    supplier: KeyValueBytesStoreSupplier,
    keySerde: Serde<K> | null,
    valueSerde: Serde<V> | null,
  ): StoreBuilder<KeyValueStore<K, V>> {
    if (supplier === null || supplier === undefined) throw new IllegalArgumentError('supplier cannot be null');
    return new KeyValueStoreBuilder(supplier, keySerde, valueSerde);
  }

  /** A builder of `TimestampedKeyValueStore<K, V>` (values are `ValueAndTimestamp<V>`; `valueSerde` is V's). */
  static timestampedKeyValueStoreBuilder<K, V>(
    supplier: KeyValueBytesStoreSupplier,
    keySerde: Serde<K> | null,
    valueSerde: Serde<V> | null,
  ): StoreBuilder<TimestampedKeyValueStore<K, V>> {
    if (supplier === null || supplier === undefined) throw new IllegalArgumentError('supplier cannot be null');
    return new TimestampedKeyValueStoreBuilder(supplier, keySerde, valueSerde);
  }

  // Window and session stores (implemented in ./window-stores.ts). Durations are ms numbers.
  static persistentWindowStore(name: string, retentionPeriodMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowBytesStoreSupplier {
    return windowStores.persistentWindowStore(name, retentionPeriodMs, windowSizeMs, retainDuplicates, false);
  }

  static persistentTimestampedWindowStore(name: string, retentionPeriodMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowBytesStoreSupplier {
    return windowStores.persistentWindowStore(name, retentionPeriodMs, windowSizeMs, retainDuplicates, true);
  }

  static inMemoryWindowStore(name: string, retentionPeriodMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowBytesStoreSupplier {
    return windowStores.inMemoryWindowStore(name, retentionPeriodMs, windowSizeMs, retainDuplicates);
  }

  static persistentSessionStore(name: string, retentionPeriodMs: number): SessionBytesStoreSupplier {
    return windowStores.persistentSessionStore(name, retentionPeriodMs);
  }

  static inMemorySessionStore(name: string, retentionPeriodMs: number): SessionBytesStoreSupplier {
    return windowStores.inMemorySessionStore(name, retentionPeriodMs);
  }

  static windowStoreBuilder<K, V>(supplier: WindowBytesStoreSupplier, keySerde: Serde<K> | null, valueSerde: Serde<V> | null): StoreBuilder<WindowStore<K, V>> {
    return windowStores.windowStoreBuilder(supplier, keySerde, valueSerde);
  }

  static timestampedWindowStoreBuilder<K, V>(
    supplier: WindowBytesStoreSupplier,
    keySerde: Serde<K> | null,
    valueSerde: Serde<V> | null,
  ): StoreBuilder<TimestampedWindowStore<K, V>> {
    return windowStores.timestampedWindowStoreBuilder(supplier, keySerde, valueSerde);
  }

  static sessionStoreBuilder<K, V>(supplier: SessionBytesStoreSupplier, keySerde: Serde<K> | null, valueSerde: Serde<V> | null): StoreBuilder<SessionStore<K, V>> {
    return windowStores.sessionStoreBuilder(supplier, keySerde, valueSerde);
  }
}
