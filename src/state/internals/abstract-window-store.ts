import type { Windowed, WindowedLike } from '../../dsl/windowed.js';
import { IllegalArgumentError } from '../../errors/streams-error.js';
import type { MaybePromise } from '../../util/maybe-promise.js';
import { SESSION_STORE, type SessionStore } from '../session-store.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import { WINDOW_STORE, type WindowStore, type WindowStoreIterator } from '../window-store.js';
import { MAX_TIME } from './window-key-schema.js';

/*
 * Java's window and session store interfaces overload `fetch`/`findSessions` by argument count. These bases
 * turn the overloads into a few canonical methods, so that every layer (bytes stores, caching, logging,
 * metered, facades) implements each operation once.
 */

export abstract class AbstractWindowStore<K, V> implements WindowStore<K, V> {
  readonly [WINDOW_STORE] = true as const;

  abstract name(): string;
  abstract init(context: StateStoreContext, root: StateStore): MaybePromise<void>;
  abstract flush(): MaybePromise<void>;
  abstract close(): MaybePromise<void>;
  abstract persistent(): boolean;
  abstract isOpen(): boolean;
  abstract put(key: K, value: V | null, windowStartTimestamp: number): MaybePromise<void>;

  protected abstract fetchOne(key: K, time: number): MaybePromise<V | null>;
  protected abstract fetchKey(key: K, timeFrom: number, timeTo: number, forward: boolean): MaybePromise<WindowStoreIterator<V>>;
  protected abstract fetchRange(
    keyFrom: K | null,
    keyTo: K | null,
    timeFrom: number,
    timeTo: number,
    forward: boolean,
  ): MaybePromise<KeyValueIterator<Windowed<K>, V>>;
  protected abstract fetchAllRange(timeFrom: number, timeTo: number, forward: boolean): MaybePromise<KeyValueIterator<Windowed<K>, V>>;
  protected abstract allEntries(forward: boolean): MaybePromise<KeyValueIterator<Windowed<K>, V>>;

  fetch(key: K, time: number): MaybePromise<V | null>;
  fetch(key: K, timeFrom: number, timeTo: number): MaybePromise<WindowStoreIterator<V>>;
  fetch(keyFrom: K | null, keyTo: K | null, timeFrom: number, timeTo: number): MaybePromise<KeyValueIterator<Windowed<K>, V>>;
  fetch(...args: unknown[]): MaybePromise<unknown> {
    switch (args.length) {
      case 2:
        return this.fetchOne(requireKey(args[0] as K), args[1] as number);
      case 3:
        return this.fetchKey(requireKey(args[0] as K), args[1] as number, args[2] as number, true);
      case 4:
        return this.fetchRange(args[0] as K | null, args[1] as K | null, args[2] as number, args[3] as number, true);
      default:
        throw new IllegalArgumentError(`fetch takes 2, 3 or 4 arguments, got ${args.length}`);
    }
  }

  backwardFetch(key: K, timeFrom: number, timeTo: number): MaybePromise<WindowStoreIterator<V>>;
  backwardFetch(keyFrom: K | null, keyTo: K | null, timeFrom: number, timeTo: number): MaybePromise<KeyValueIterator<Windowed<K>, V>>;
  backwardFetch(...args: unknown[]): MaybePromise<unknown> {
    switch (args.length) {
      case 3:
        return this.fetchKey(requireKey(args[0] as K), args[1] as number, args[2] as number, false);
      case 4:
        return this.fetchRange(args[0] as K | null, args[1] as K | null, args[2] as number, args[3] as number, false);
      default:
        throw new IllegalArgumentError(`backwardFetch takes 3 or 4 arguments, got ${args.length}`);
    }
  }

  fetchAll(timeFrom: number, timeTo: number): MaybePromise<KeyValueIterator<Windowed<K>, V>> {
    return this.fetchAllRange(timeFrom, timeTo, true);
  }

  backwardFetchAll(timeFrom: number, timeTo: number): MaybePromise<KeyValueIterator<Windowed<K>, V>> {
    return this.fetchAllRange(timeFrom, timeTo, false);
  }

  all(): MaybePromise<KeyValueIterator<Windowed<K>, V>> {
    return this.allEntries(true);
  }

  backwardAll(): MaybePromise<KeyValueIterator<Windowed<K>, V>> {
    return this.allEntries(false);
  }
}

export abstract class AbstractSessionStore<K, AGG> implements SessionStore<K, AGG> {
  readonly [SESSION_STORE] = true as const;

  abstract name(): string;
  abstract init(context: StateStoreContext, root: StateStore): MaybePromise<void>;
  abstract flush(): MaybePromise<void>;
  abstract close(): MaybePromise<void>;
  abstract persistent(): boolean;
  abstract isOpen(): boolean;
  abstract put(sessionKey: WindowedLike<K>, aggregate: AGG | null): MaybePromise<void>;
  abstract remove(sessionKey: WindowedLike<K>): MaybePromise<void>;
  abstract fetchSession(key: K, sessionStartTime: number, sessionEndTime: number): MaybePromise<AGG | null>;

  protected abstract findRange(
    keyFrom: K | null,
    keyTo: K | null,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
    forward: boolean,
  ): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  protected abstract findByEndTime(earliestSessionEndTime: number, latestSessionEndTime: number): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;

  findSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  findSessions(keyFrom: K | null, keyTo: K | null, earliestSessionEndTime: number, latestSessionStartTime: number): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  findSessions(earliestSessionEndTime: number, latestSessionEndTime: number): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  findSessions(...args: unknown[]): MaybePromise<KeyValueIterator<Windowed<K>, AGG>> {
    switch (args.length) {
      case 2:
        return this.findByEndTime(args[0] as number, args[1] as number);
      case 3: {
        const key = requireKey(args[0] as K);
        return this.findRange(key, key, args[1] as number, args[2] as number, true);
      }
      case 4:
        return this.findRange(args[0] as K | null, args[1] as K | null, args[2] as number, args[3] as number, true);
      default:
        throw new IllegalArgumentError(`findSessions takes 2, 3 or 4 arguments, got ${args.length}`);
    }
  }

  backwardFindSessions(key: K, earliestSessionEndTime: number, latestSessionStartTime: number): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  backwardFindSessions(
    keyFrom: K | null,
    keyTo: K | null,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
  ): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  backwardFindSessions(...args: unknown[]): MaybePromise<KeyValueIterator<Windowed<K>, AGG>> {
    switch (args.length) {
      case 3: {
        const key = requireKey(args[0] as K);
        return this.findRange(key, key, args[1] as number, args[2] as number, false);
      }
      case 4:
        return this.findRange(args[0] as K | null, args[1] as K | null, args[2] as number, args[3] as number, false);
      default:
        throw new IllegalArgumentError(`backwardFindSessions takes 3 or 4 arguments, got ${args.length}`);
    }
  }

  fetch(key: K): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  fetch(keyFrom: K | null, keyTo: K | null): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  fetch(...args: unknown[]): MaybePromise<KeyValueIterator<Windowed<K>, AGG>> {
    if (args.length === 1) {
      const key = requireKey(args[0] as K);
      return this.findRange(key, key, 0, MAX_TIME, true);
    }
    return this.findRange(args[0] as K | null, args[1] as K | null, 0, MAX_TIME, true);
  }

  backwardFetch(key: K): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  backwardFetch(keyFrom: K | null, keyTo: K | null): MaybePromise<KeyValueIterator<Windowed<K>, AGG>>;
  backwardFetch(...args: unknown[]): MaybePromise<KeyValueIterator<Windowed<K>, AGG>> {
    if (args.length === 1) {
      const key = requireKey(args[0] as K);
      return this.findRange(key, key, 0, MAX_TIME, false);
    }
    return this.findRange(args[0] as K | null, args[1] as K | null, 0, MAX_TIME, false);
  }
}

function requireKey<K>(key: K): K {
  if (key === null || key === undefined) throw new IllegalArgumentError('key cannot be null');
  return key;
}
