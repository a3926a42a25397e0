import type { Windowed } from '../../dsl/windowed.js';
import { IllegalArgumentError } from '../../errors/streams-error.js';
import type { Serde } from '../../serde/serde.js';
import type { StateStore } from '../state-store.js';
import type { SessionBytesStoreSupplier, SessionStore } from '../session-store.js';
import type { TimestampedWindowStore, WindowBytesStoreSupplier, WindowStore } from '../window-store.js';
import { AbstractStoreBuilder } from './abstract-store-builder.js';
import { CachingSessionStore, type SessionOrder } from './caching-session-store.js';
import { CachingWindowStore, type WindowOrder } from './caching-window-store.js';
import { ChangeLoggingSessionBytesStore } from './change-logging-session-store.js';
import { ChangeLoggingWindowBytesStore } from './change-logging-window-store.js';
import { MeteredSessionStore } from './metered-session-store.js';
import { MeteredTimestampedWindowStore, MeteredWindowStore } from './metered-window-store.js';

/*
 * The one place where the layers of window and session stores are assembled, as Java's builders do:
 * metered → caching → change-logging → bytes store (from the outside in).
 */

/** Window start, then key: the order of stores that do not say otherwise. */
const byStartThenKey: WindowOrder = (a, b) => a.window.start - b.window.start || Buffer.compare(a.key, b.key);
/** End, then key, then start (descending): Java's in-memory session order. */
const byEndThenKey: SessionOrder = (a, b) => a.window.end - b.window.end || Buffer.compare(a.key, b.key) || b.window.start - a.window.start;

function windowOrderOf(store: WindowStore<Buffer, Buffer>): WindowOrder {
  const own = (store as { compareWindowed?: (a: Windowed<Buffer>, b: Windowed<Buffer>) => number }).compareWindowed;
  return typeof own === 'function' ? own.bind(store) : byStartThenKey;
}

function sessionOrderOf(store: SessionStore<Buffer, Buffer>): SessionOrder {
  const own = (store as { compareSessions?: (a: Windowed<Buffer>, b: Windowed<Buffer>) => number }).compareSessions;
  return typeof own === 'function' ? own.bind(store) : byEndThenKey;
}

function checkSupplier(supplier: { metricsScope(): string } | null | undefined): void {
  if (supplier === null || supplier === undefined) throw new IllegalArgumentError("storeSupplier can't be null");
  if (supplier.metricsScope() === null || supplier.metricsScope() === undefined) {
    throw new IllegalArgumentError("storeSupplier's metricsScope can't be null");
  }
}

/** The middle layers of a window store. Caching is off for stores that retain duplicates, as in Java. */
function wrapWindowBytesStore(
  supplier: WindowBytesStoreSupplier,
  caching: boolean,
  logging: boolean,
  timestamped: boolean,
): WindowStore<Buffer, Buffer> {
  const bytes = supplier.get();
  let store = bytes;
  if (logging) store = new ChangeLoggingWindowBytesStore(store, supplier.retainDuplicates(), timestamped);
  if (caching && !supplier.retainDuplicates()) {
    store = new CachingWindowStore(store, supplier.windowSize(), supplier.retentionPeriod(), windowOrderOf(bytes));
  }
  return store;
}

/**
 * What Java's window and session store builders share: the supplier, the serdes, and `retentionPeriod()`,
 * which also sizes the changelog's retention (a windowed changelog is `compact,delete`).
 */
abstract class RetainingStoreBuilder<S extends WindowBytesStoreSupplier | SessionBytesStoreSupplier, K, V, T extends StateStore> extends AbstractStoreBuilder<T> {
  protected constructor(
    protected readonly supplier: S,
    protected readonly keySerde: Serde<K> | null,
    protected readonly valueSerde: Serde<V> | null,
  ) {
    checkSupplier(supplier);
    super(supplier.name());
  }

  storeSupplier(): S {
    return this.supplier;
  }

  retentionPeriod(): number {
    return this.supplier.retentionPeriod();
  }
}

/** Java's `WindowStoreBuilder`. */
export class WindowStoreBuilder<K, V> extends RetainingStoreBuilder<WindowBytesStoreSupplier, K, V, WindowStore<K, V>> {
  constructor(supplier: WindowBytesStoreSupplier, keySerde: Serde<K> | null, valueSerde: Serde<V> | null) {
    super(supplier, keySerde, valueSerde);
  }

  build(): WindowStore<K, V> {
    const inner = wrapWindowBytesStore(this.supplier, this.cachingEnabled(), this.loggingEnabled(), false);
    return new MeteredWindowStore<K, V>(inner, this.supplier.metricsScope(), this.keySerde ?? null, this.valueSerde ?? null);
  }
}

/** Java's `TimestampedWindowStoreBuilder`: values are `ValueAndTimestamp<V>`; the serde is V's. */
export class TimestampedWindowStoreBuilder<K, V> extends RetainingStoreBuilder<WindowBytesStoreSupplier, K, V, TimestampedWindowStore<K, V>> {
  constructor(supplier: WindowBytesStoreSupplier, keySerde: Serde<K> | null, valueSerde: Serde<V> | null) {
    super(supplier, keySerde, valueSerde);
  }

  build(): MeteredTimestampedWindowStore<K, V> {
    const inner = wrapWindowBytesStore(this.supplier, this.cachingEnabled(), this.loggingEnabled(), true);
    return new MeteredTimestampedWindowStore<K, V>(inner, this.supplier.metricsScope(), this.keySerde ?? null, this.valueSerde ?? null);
  }
}

/** Java's `SessionStoreBuilder`. */
export class SessionStoreBuilder<K, V> extends RetainingStoreBuilder<SessionBytesStoreSupplier, K, V, SessionStore<K, V>> {
  constructor(supplier: SessionBytesStoreSupplier, keySerde: Serde<K> | null, valueSerde: Serde<V> | null) {
    super(supplier, keySerde, valueSerde);
  }

  build(): MeteredSessionStore<K, V> {
    const bytes = this.supplier.get();
    let store = bytes;
    if (this.loggingEnabled()) store = new ChangeLoggingSessionBytesStore(store);
    if (this.cachingEnabled()) store = new CachingSessionStore(store, this.supplier.retentionPeriod(), sessionOrderOf(bytes));
    return new MeteredSessionStore<K, V>(store, this.supplier.metricsScope(), this.keySerde ?? null, this.valueSerde ?? null);
  }
}
