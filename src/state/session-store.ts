import type { Windowed, WindowedLike } from '../dsl/windowed.js';
import type { MaybePromise } from '../util/maybe-promise.js';
import type { KeyValueIterator, StateStore } from './state-store.js';

/**
 * Java's `ReadOnlySessionStore`. A session's window is `[start, end]`, both inclusive. Sessions whose end is
 * older than the retention period (measured from the newest session end seen) are never returned.
 */
export interface ReadOnlySessionStore<K, AGG> {
  /**
   * The sessions of `key` that end at or after `earliestSessionEndTime` and start at or before
   * `latestSessionStartTime` (the sessions a record at `t` with gap `g` may merge with: `(t - g, t + g)`).
   */
  findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  findSessions(
    keyFrom: K | null,
    keyTo: K | null,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  /** Every session ending in `[earliestSessionEndTime, latestSessionEndTime]` (in end-time order). */
  findSessions(earliestSessionEndTime: number, latestSessionEndTime: number): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  backwardFindSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  backwardFindSessions(
    keyFrom: K | null,
    keyTo: K | null,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  /** The aggregate of exactly this session, or null. */
  fetchSession(key: K, sessionStartTime: number, sessionEndTime: number): MaybePromise<AGG | null>;
  /** Every session of `key` (or of the keys in `[keyFrom, keyTo]`). */
  fetch(key: K): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  fetch(keyFrom: K | null, keyTo: K | null): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  backwardFetch(key: K): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  backwardFetch(keyFrom: K | null, keyTo: K | null): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
}

/** Java's `SessionStore`: `put(sessionKey, null)` removes the session. */
export interface SessionStore<K, AGG> extends StateStore, ReadOnlySessionStore<K, AGG> {
  remove(sessionKey: WindowedLike<K>): MaybePromise<void>;
  put(sessionKey: WindowedLike<K>, aggregate: AGG | null): MaybePromise<void>;
}

/** Java's `SessionBytesStoreSupplier`. */
export interface SessionBytesStoreSupplier {
  name(): string;
  get(): SessionStore<Buffer, Buffer>;
  metricsScope(): string;
  segmentIntervalMs(): number;
  retentionPeriod(): number;
}

/** Marks session stores (Java tells them apart with `instanceof SessionStore`). */
export const SESSION_STORE: unique symbol = Symbol.for('kstreams-ts.session-store');

export function isSessionStore<K = unknown, AGG = unknown>(store: unknown): store is SessionStore<K, AGG> {
  return typeof store === 'object' && store !== null && (store as { [SESSION_STORE]?: unknown })[SESSION_STORE] === true;
}
