import { KeyValueStoreBuilder, TimestampedKeyValueStoreBuilder } from '../state/internals/key-value-store-builder.js';
import { SessionStoreBuilder, TimestampedWindowStoreBuilder, WindowStoreBuilder } from '../state/internals/window-store-builder.js';
import type { StateStore, StoreBuilder } from '../state/state-store.js';
import type { InternalTopologyBuilder } from '../topology/internal-topology-builder.js';

/** The kind of a store, which decides the `QueryableStoreTypes` it is queried with. */
export type StoreKind = 'keyValue' | 'timestampedKeyValue' | 'window' | 'timestampedWindow' | 'session' | 'custom';

function kindOf(builder: StoreBuilder<StateStore>): StoreKind {
  if (builder instanceof TimestampedKeyValueStoreBuilder) return 'timestampedKeyValue';
  if (builder instanceof KeyValueStoreBuilder) return 'keyValue';
  if (builder instanceof TimestampedWindowStoreBuilder) return 'timestampedWindow';
  if (builder instanceof WindowStoreBuilder) return 'window';
  if (builder instanceof SessionStoreBuilder) return 'session';
  return 'custom';
}

/** Every store of a topology (global stores included) with its kind, by name. */
export function storeCatalog(builder: InternalTopologyBuilder): ReadonlyMap<string, StoreKind> {
  const factories = [...builder.buildTopology().stores, ...(builder.buildGlobalStateTopology()?.stores ?? [])];
  return new Map(factories.map((f) => [f.builder.name(), kindOf(f.builder)]));
}
