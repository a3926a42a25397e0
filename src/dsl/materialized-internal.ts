import type { StreamsConfig } from '../config/streams-config.js';
import type { Serde } from '../serde/serde.js';
import { Stores } from '../state/stores.js';
import type { StateStore, StoreBuilder } from '../state/state-store.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import { Materialized, StoreType } from './materialized.js';

/**
 * Java's `MaterializedInternal`: a `Materialized` with its store name settled. A store the user did not
 * name gets a generated name (consuming an index, as Java does) but is not queryable.
 */
export class MaterializedInternal<K, V> {
  readonly storeName: string;
  readonly queryable: boolean;
  keySerde: Serde<K> | null;
  valueSerde: Serde<V> | null;

  constructor(
    readonly materialized: Materialized<K, V>,
    nameProvider: InternalStreamsBuilder,
    generatedStorePrefix: string,
  ) {
    this.queryable = materialized.storeName !== null;
    this.storeName = materialized.storeName ?? nameProvider.newStoreName(generatedStorePrefix);
    this.keySerde = materialized.keySerde;
    this.valueSerde = materialized.valueSerde;
  }

  static of<K, V>(m: Materialized<K, V> | undefined, nameProvider: InternalStreamsBuilder, prefix: string): MaterializedInternal<K, V> {
    return new MaterializedInternal(m ?? Materialized.with<K, V>(null, null), nameProvider, prefix);
  }

  queryableStoreName(): string | null {
    return this.queryable ? this.storeName : null;
  }

  /** Whether the store type (the Materialized's, else `default.dsl.store`) is in-memory. */
  inMemory(config: StreamsConfig): boolean {
    return (this.materialized.storeType ?? config.get('default.dsl.store')) === StoreType.IN_MEMORY;
  }

  /** Caching is on unless disabled here or by a zero `statestore.cache.max.bytes`. */
  cachingEnabled(config: StreamsConfig): boolean {
    return this.materialized.cachingEnabled && config.getNumber('statestore.cache.max.bytes') > 0;
  }

  /**
   * The timestamped key-value store builder of a DSL store (KTables, aggregations): persistent (LevelDB)
   * unless the Materialized or `default.dsl.store` says in-memory, as in Java.
   */
  timestampedKeyValueStoreBuilder(config: StreamsConfig): StoreBuilder<StateStore> {
    const supplier = this.materialized.storeSupplier ?? (this.inMemory(config) ? Stores.inMemoryKeyValueStore(this.storeName) : Stores.persistentTimestampedKeyValueStore(this.storeName));
    const builder = Stores.timestampedKeyValueStoreBuilder(supplier, this.keySerde, this.valueSerde);
    if (this.materialized.loggingEnabled) builder.withLoggingEnabled(this.materialized.topicConfig);
    else builder.withLoggingDisabled();
    if (this.materialized.cachingEnabled) builder.withCachingEnabled();
    else builder.withCachingDisabled();
    return builder as unknown as StoreBuilder<StateStore>;
  }
}
