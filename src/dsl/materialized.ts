import { StreamsError } from '../errors/streams-error.js';
import type { Serde } from '../serde/serde.js';
import type { SessionBytesStoreSupplier } from '../state/session-store.js';
import type { KeyValueBytesStoreSupplier } from '../state/state-store.js';
import type { WindowBytesStoreSupplier } from '../state/window-store.js';
import { Named } from './named.js';

/** Java's `Materialized.StoreType`. */
export enum StoreType {
  ROCKS_DB = 'rocksDB',
  IN_MEMORY = 'in_memory',
}

/** Java's `Materialized`: the name, serdes, store type, caching and logging of a DSL store. Immutable. */
export class Materialized<K, V> {
  static readonly StoreType = StoreType;

  private constructor(
    readonly storeName: string | null,
    readonly storeSupplier: KeyValueBytesStoreSupplier | null,
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
    readonly cachingEnabled: boolean,
    readonly loggingEnabled: boolean,
    readonly topicConfig: Readonly<Record<string, string>>,
    readonly retentionMs: number | null,
    readonly storeType: StoreType | null,
  ) {}

  private copy(changes: Partial<Materialized<any, any>>): Materialized<any, any> {
    const m = { ...this, ...changes } as Materialized<any, any>;
    return new Materialized(
      m.storeName,
      m.storeSupplier,
      m.keySerde,
      m.valueSerde,
      m.cachingEnabled,
      m.loggingEnabled,
      m.topicConfig,
      m.retentionMs,
      m.storeType,
    );
  }

  /** `Materialized.as(storeName)`, `Materialized.as(storeSupplier)` or `Materialized.as(StoreType)`. */
  static as<K, V>(
    nameOrSupplier: string | KeyValueBytesStoreSupplier | WindowBytesStoreSupplier | SessionBytesStoreSupplier | StoreType,
  ): Materialized<K, V> {
    if (nameOrSupplier === StoreType.ROCKS_DB || nameOrSupplier === StoreType.IN_MEMORY) {
      return new Materialized<K, V>(null, null, null, null, true, true, {}, null, nameOrSupplier);
    }
    if (typeof nameOrSupplier === 'string') {
      Named.validate(nameOrSupplier);
      return new Materialized<K, V>(nameOrSupplier, null, null, null, true, true, {}, null, null);
    }
    // a window or session supplier is kept in the same field; the windowed DSL reads it as such
    const supplier = nameOrSupplier as KeyValueBytesStoreSupplier;
    return new Materialized<K, V>(supplier.name(), supplier, null, null, true, true, {}, null, null);
  }

  static with<K, V>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null): Materialized<K, V> {
    return new Materialized(null, null, keySerde, valueSerde, true, true, {}, null, null);
  }

  withKeySerde<NK>(keySerde: Serde<NK> | null): Materialized<NK, V> {
    return this.copy({ keySerde });
  }

  withValueSerde<NV>(valueSerde: Serde<NV> | null): Materialized<K, NV> {
    return this.copy({ valueSerde });
  }

  withCachingEnabled(): Materialized<K, V> {
    return this.copy({ cachingEnabled: true });
  }

  withCachingDisabled(): Materialized<K, V> {
    return this.copy({ cachingEnabled: false });
  }

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): Materialized<K, V> {
    return this.copy({ loggingEnabled: true, topicConfig: { ...config } });
  }

  withLoggingDisabled(): Materialized<K, V> {
    return this.copy({ loggingEnabled: false, topicConfig: {} });
  }

  withRetention(retentionMs: number): Materialized<K, V> {
    if (retentionMs < 0) throw new StreamsError(`Retention must not be negative, got ${retentionMs}`);
    return this.copy({ retentionMs });
  }

  withStoreType(storeType: StoreType): Materialized<K, V> {
    return this.copy({ storeType });
  }
}
