// The store internals the engine and the test driver use. Not public: not for src/index.ts.
export { InMemoryKeyValueStore } from './in-memory-key-value-store.js';
export { MemoryLRUCache, type EldestEntryRemovalListener } from './lru-memory-store.js';
export { MeteredKeyValueStore, MeteredTimestampedKeyValueStore, storeChangelogTopic } from './metered-key-value-store.js';
export { KeyValueStoreFacade, ReadOnlyKeyValueStoreFacade, NO_TIMESTAMP } from './key-value-store-facade.js';
export {
  ValueAndTimestampSerde,
  ValueAndTimestampSerializer,
  ValueAndTimestampDeserializer,
  timestampOf,
  rawValueOf,
} from './value-and-timestamp-serde.js';
export { AbstractStoreBuilder } from './abstract-store-builder.js';
export { KeyValueStoreBuilder, TimestampedKeyValueStoreBuilder, wrapKeyValueBytesStore } from './key-value-store-builder.js';
export { InMemoryKeyValueBytesStoreSupplier, LruMapBytesStoreSupplier } from './in-memory-suppliers.js';
export { LevelKeyValueStore, type LevelStoreOptions } from './level-key-value-store.js';
export { LevelKeyValueBytesStoreSupplier } from './level-suppliers.js';
export { StateDirectory } from './state-directory.js';
