import { IllegalArgumentError } from '../errors/streams-error.js';
import type { Serde } from '../serde/serde.js';
import {
  InMemorySessionBytesStoreSupplier,
  InMemoryWindowBytesStoreSupplier,
  PersistentSessionBytesStoreSupplier,
  PersistentWindowBytesStoreSupplier,
} from './internals/window-store-suppliers.js';
import { SessionStoreBuilder, TimestampedWindowStoreBuilder, WindowStoreBuilder } from './internals/window-store-builder.js';
import type { SessionBytesStoreSupplier, SessionStore } from './session-store.js';
import type { StoreBuilder } from './state-store.js';
import type { TimestampedWindowStore, WindowBytesStoreSupplier, WindowStore } from './window-store.js';

/*
 * The window and session parts of Java's `Stores` (the `Stores` class delegates here). Persistent stores are
 * LevelDB, time-segmented with Java's default segment interval, max(retention / 2, 60 s).
 */

export function persistentWindowStore(
  name: string,
  retentionPeriodMs: number,
  windowSizeMs: number,
  retainDuplicates: boolean,
  timestamped: boolean,
): WindowBytesStoreSupplier {
  return new PersistentWindowBytesStoreSupplier(name, retentionPeriodMs, windowSizeMs, retainDuplicates, timestamped);
}

export function inMemoryWindowStore(name: string, retentionPeriodMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowBytesStoreSupplier {
  return new InMemoryWindowBytesStoreSupplier(name, retentionPeriodMs, windowSizeMs, retainDuplicates);
}

export function persistentSessionStore(name: string, retentionPeriodMs: number): SessionBytesStoreSupplier {
  return new PersistentSessionBytesStoreSupplier(name, retentionPeriodMs);
}

export function inMemorySessionStore(name: string, retentionPeriodMs: number): SessionBytesStoreSupplier {
  return new InMemorySessionBytesStoreSupplier(name, retentionPeriodMs);
}

function requireSupplier(supplier: unknown): void {
  if (supplier === null || supplier === undefined) throw new IllegalArgumentError('supplier cannot be null');
}

export function windowStoreBuilder<K, V>(
  supplier: WindowBytesStoreSupplier,
  keySerde: Serde<K> | null,
  valueSerde: Serde<V> | null,
): StoreBuilder<WindowStore<K, V>> {
  requireSupplier(supplier);
  return new WindowStoreBuilder(supplier, keySerde, valueSerde);
}

export function timestampedWindowStoreBuilder<K, V>(
  supplier: WindowBytesStoreSupplier,
  keySerde: Serde<K> | null,
  valueSerde: Serde<V> | null,
): StoreBuilder<TimestampedWindowStore<K, V>> {
  requireSupplier(supplier);
  return new TimestampedWindowStoreBuilder(supplier, keySerde, valueSerde);
}

export function sessionStoreBuilder<K, V>(
  supplier: SessionBytesStoreSupplier,
  keySerde: Serde<K> | null,
  valueSerde: Serde<V> | null,
): StoreBuilder<SessionStore<K, V>> {
  requireSupplier(supplier);
  return new SessionStoreBuilder(supplier, keySerde, valueSerde);
}
