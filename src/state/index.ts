// The public pieces of the state stores (the lead re-exports them from src/index.ts).
export { KeyValue } from './key-value.js';
export { ValueAndTimestamp } from './value-and-timestamp.js';
export type {
  StateStore,
  StateStoreContext,
  StateRestoreCallback,
  KeyValueIterator,
  ReadOnlyKeyValueStore,
  KeyValueStore,
  StoreBuilder,
  KeyValueBytesStoreSupplier,
} from './state-store.js';
export {
  TIMESTAMPED_STORE,
  isTimestampedStore,
  isTimestampedKeyValueStore,
  type TimestampedKeyValueStore,
  type ReadOnlyTimestampedKeyValueStore,
} from './timestamped-key-value-store.js';
export { Stores } from './stores.js';
export {
  toArray,
  AbstractKeyValueIterator,
  SyncKeyValueIterator,
  EmptyKeyValueIterator,
  ArrayKeyValueIterator,
  MappedKeyValueIterator,
} from './iterators.js';
export {
  isWindowStore,
  type WindowStore,
  type ReadOnlyWindowStore,
  type WindowStoreIterator,
  type TimestampedWindowStore,
  type WindowBytesStoreSupplier,
} from './window-store.js';
export { isSessionStore, type SessionStore, type ReadOnlySessionStore, type SessionBytesStoreSupplier } from './session-store.js';
export type { LevelStoreOptions, LevelConfigSetter } from './internals/level-key-value-store.js';
