import { ReadOnlyKeyValueStoreFacade } from '../state/internals/key-value-store-facade.js';
import { WindowStoreFacade } from '../state/internals/window-store-facade.js';
import { isSessionStore, type ReadOnlySessionStore } from '../state/session-store.js';
import type { KeyValueStore, ReadOnlyKeyValueStore, StateStore } from '../state/state-store.js';
import { isTimestampedStore, type ReadOnlyTimestampedKeyValueStore, type TimestampedKeyValueStore } from '../state/timestamped-key-value-store.js';
import { isWindowStore, type ReadOnlyWindowStore, type TimestampedWindowStore } from '../state/window-store.js';
import type { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import { CompositeReadOnlyKeyValueStore } from './composite-key-value-store.js';
import { CompositeReadOnlySessionStore } from './composite-session-store.js';
import { CompositeReadOnlyWindowStore } from './composite-window-store.js';

/**
 * Java's `QueryableStoreType<T>`: which stores a query accepts and the read-only view it gets over them.
 * `stores` gives the accepted local stores afresh at every call of the view (tasks come and go).
 */
export interface QueryableStoreType<T> {
  /** For error messages, e.g. `keyValueStore`. */
  readonly description: string;
  accepts(store: StateStore): boolean;
  create(storeName: string, stores: () => readonly StateStore[]): T;
}

const isKeyValueStore = (s: StateStore): boolean =>
  typeof (s as Partial<KeyValueStore<unknown, unknown>>).putIfAbsent === 'function' && !isWindowStore(s) && !isSessionStore(s);

/** Java's `QueryableStoreTypes`. Plain-value types read timestamped stores through a facade, as Java. */
export const QueryableStoreTypes = {
  keyValueStore<K, V>(): QueryableStoreType<ReadOnlyKeyValueStore<K, V>> {
    return {
      description: 'keyValueStore',
      accepts: isKeyValueStore,
      create: (name, stores) =>
        new CompositeReadOnlyKeyValueStore<K, V>(name, () =>
          stores().map((s) =>
            isTimestampedStore(s) ? new ReadOnlyKeyValueStoreFacade<K, V>(s as unknown as ReadOnlyTimestampedKeyValueStore<K, V>) : (s as unknown as ReadOnlyKeyValueStore<K, V>),
          ),
        ),
    };
  },

  timestampedKeyValueStore<K, V>(): QueryableStoreType<ReadOnlyKeyValueStore<K, ValueAndTimestamp<V>>> {
    return {
      description: 'timestampedKeyValueStore',
      accepts: (s) => isKeyValueStore(s) && isTimestampedStore(s),
      create: (name, stores) => new CompositeReadOnlyKeyValueStore<K, ValueAndTimestamp<V>>(name, () => stores() as unknown as Array<TimestampedKeyValueStore<K, V>>),
    };
  },

  windowStore<K, V>(): QueryableStoreType<ReadOnlyWindowStore<K, V>> {
    return {
      description: 'windowStore',
      accepts: (s) => isWindowStore(s),
      create: (name, stores) =>
        new CompositeReadOnlyWindowStore<K, V>(name, () =>
          stores().map((s) => (isTimestampedStore(s) ? new WindowStoreFacade<K, V>(s as unknown as TimestampedWindowStore<K, V>) : (s as unknown as ReadOnlyWindowStore<K, V>))),
        ),
    };
  },

  timestampedWindowStore<K, V>(): QueryableStoreType<ReadOnlyWindowStore<K, ValueAndTimestamp<V>>> {
    return {
      description: 'timestampedWindowStore',
      accepts: (s) => isWindowStore(s) && isTimestampedStore(s),
      create: (name, stores) => new CompositeReadOnlyWindowStore<K, ValueAndTimestamp<V>>(name, () => stores() as unknown as Array<TimestampedWindowStore<K, V>>),
    };
  },

  sessionStore<K, V>(): QueryableStoreType<ReadOnlySessionStore<K, V>> {
    return {
      description: 'sessionStore',
      accepts: (s) => isSessionStore(s),
      create: (name, stores) => new CompositeReadOnlySessionStore<K, V>(name, () => stores() as unknown as Array<ReadOnlySessionStore<K, V>>),
    };
  },
};
