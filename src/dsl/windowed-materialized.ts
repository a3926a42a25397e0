import type { StreamsConfig } from '../config/streams-config.js';
import { IllegalArgumentError } from '../errors/streams-error.js';
import type { SessionBytesStoreSupplier } from '../state/session-store.js';
import type { StateStore, StoreBuilder } from '../state/state-store.js';
import { Stores } from '../state/stores.js';
import type { WindowBytesStoreSupplier } from '../state/window-store.js';
import {
  InMemorySessionBytesStoreSupplier,
  InMemoryWindowBytesStoreSupplier,
  PersistentSessionBytesStoreSupplier,
  PersistentWindowBytesStoreSupplier,
} from '../state/internals/window-store-suppliers.js';
import { StoreType } from './materialized.js';
import type { MaterializedInternal } from './materialized-internal.js';

/*
 * Java's `WindowStoreMaterializer`, `SlidingWindowStoreMaterializer` and `SessionStoreMaterializer`: the
 * store of a windowed aggregation, from its `Materialized`.
 */

export interface WindowStoreParams {
  /** `Materialized.withRetention`, else the windows' minimum: size + grace (sliding: 2 × difference + grace). */
  readonly retentionMs: number;
  readonly windowSizeMs: number;
  readonly emitOnWindowClose: boolean;
  readonly sliding: boolean;
}

/**
 * Whether a DSL store without a supplier is persistent: as in Java, unless `Materialized` asks for
 * `StoreType.IN_MEMORY` or the config sets `default.dsl.store` to `in_memory`. (Windowed stores follow
 * Java's default already — retention is per segment in the persistent stores, per record in the
 * in-memory ones, which Java's outputs show; key-value DSL stores follow with persistent state.)
 */
function persistentDslStore(mi: MaterializedInternal<unknown, unknown>, config: StreamsConfig): boolean {
  const type = mi.materialized.storeType ?? (config.get('default.dsl.store') as string | undefined) ?? StoreType.ROCKS_DB;
  return type !== StoreType.IN_MEMORY;
}

export function windowStoreBuilderFor(
  mi: MaterializedInternal<any, any>,
  config: StreamsConfig,
  params: WindowStoreParams,
): StoreBuilder<StateStore> {
  const given = mi.materialized.storeSupplier as unknown as WindowBytesStoreSupplier | null;
  if (given !== null && typeof (given as Partial<WindowBytesStoreSupplier>).windowSize !== 'function') {
    throw new IllegalArgumentError(`The store supplier of ${mi.storeName} must be a window store supplier (Stores.*WindowStore)`);
  }
  const supplier =
    given ??
    (persistentDslStore(mi, config)
      ? new PersistentWindowBytesStoreSupplier(mi.storeName, params.retentionMs, params.windowSizeMs, false, true, params.emitOnWindowClose)
      : new InMemoryWindowBytesStoreSupplier(mi.storeName, params.retentionMs, params.windowSizeMs, false));
  const builder = Stores.timestampedWindowStoreBuilder(supplier, mi.keySerde, mi.valueSerde);
  if (mi.materialized.loggingEnabled) builder.withLoggingEnabled(mi.materialized.topicConfig);
  else builder.withLoggingDisabled();
  // Java: time windows keep the cache with emit-on-close; sliding (and session) windows drop it then
  if (mi.materialized.cachingEnabled && !(params.sliding && params.emitOnWindowClose)) builder.withCachingEnabled();
  else builder.withCachingDisabled();
  return builder as unknown as StoreBuilder<StateStore>;
}

export function sessionStoreBuilderFor(
  mi: MaterializedInternal<any, any>,
  config: StreamsConfig,
  params: { readonly retentionMs: number; readonly emitOnWindowClose: boolean },
): StoreBuilder<StateStore> {
  const given = mi.materialized.storeSupplier as unknown as SessionBytesStoreSupplier | null;
  if (given !== null && typeof (given as { windowSize?: unknown }).windowSize === 'function') {
    throw new IllegalArgumentError(`The store supplier of ${mi.storeName} must be a session store supplier (Stores.*SessionStore)`);
  }
  const supplier =
    given ??
    (persistentDslStore(mi, config)
      ? new PersistentSessionBytesStoreSupplier(mi.storeName, params.retentionMs)
      : new InMemorySessionBytesStoreSupplier(mi.storeName, params.retentionMs));
  const builder = Stores.sessionStoreBuilder(supplier, mi.keySerde, mi.valueSerde);
  if (mi.materialized.loggingEnabled) builder.withLoggingEnabled(mi.materialized.topicConfig);
  else builder.withLoggingDisabled();
  if (mi.materialized.cachingEnabled && !params.emitOnWindowClose) builder.withCachingEnabled();
  else builder.withCachingDisabled();
  return builder as unknown as StoreBuilder<StateStore>;
}
