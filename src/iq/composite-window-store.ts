import type { Windowed } from '../dsl/windowed.js';
import { AbstractWindowStore } from '../state/internals/abstract-window-store.js';
import type { KeyValueIterator } from '../state/state-store.js';
import type { ReadOnlyWindowStore, WindowStoreIterator } from '../state/window-store.js';
import type { MaybePromise } from '../util/maybe-promise.js';
import { ChainedKeyValueIterator } from './chained-iterator.js';
import { firstFound } from './migration-guard.js';
import { readOnly } from './read-only.js';

/**
 * Java's `CompositeReadOnlyWindowStore`: a read-only view over the window store of every local task.
 * Extends the store base only to share its overload dispatch (`fetch` by argument count); the view
 * itself is read-only, and handed out typed as `ReadOnlyWindowStore`.
 */
export class CompositeReadOnlyWindowStore<K, V> extends AbstractWindowStore<K, V> {
  constructor(
    private readonly storeName: string,
    private readonly stores: () => ReadonlyArray<ReadOnlyWindowStore<K, V>>,
  ) {
    super();
  }

  protected async fetchOne(key: K, time: number): Promise<V | null> {
    return firstFound(this.storeName, this.stores(), (store) => store.fetch(key, time));
  }

  protected fetchKey(key: K, timeFrom: number, timeTo: number, forward: boolean): WindowStoreIterator<V> {
    return this.chain((s) => (forward ? s.fetch(key, timeFrom, timeTo) : s.backwardFetch(key, timeFrom, timeTo)));
  }

  protected fetchRange(keyFrom: K | null, keyTo: K | null, timeFrom: number, timeTo: number, forward: boolean): KeyValueIterator<Windowed<K>, V> {
    return this.chain((s) => (forward ? s.fetch(keyFrom, keyTo, timeFrom, timeTo) : s.backwardFetch(keyFrom, keyTo, timeFrom, timeTo)));
  }

  protected fetchAllRange(timeFrom: number, timeTo: number, forward: boolean): KeyValueIterator<Windowed<K>, V> {
    return this.chain((s) => (forward ? s.fetchAll(timeFrom, timeTo) : s.backwardFetchAll(timeFrom, timeTo)));
  }

  protected allEntries(forward: boolean): KeyValueIterator<Windowed<K>, V> {
    return this.chain((s) => (forward ? s.all() : s.backwardAll()));
  }

  private chain<KK, VV>(open: (store: ReadOnlyWindowStore<K, V>) => MaybePromise<KeyValueIterator<KK, VV>>): KeyValueIterator<KK, VV> {
    return new ChainedKeyValueIterator(this.storeName, this.stores().map((s) => () => open(s)));
  }

  name(): string {
    return this.storeName;
  }
  persistent(): boolean {
    return false;
  }
  isOpen(): boolean {
    return true;
  }
  init(): never {
    throw readOnly(this.storeName, 'init');
  }
  flush(): never {
    throw readOnly(this.storeName, 'flush');
  }
  close(): never {
    throw readOnly(this.storeName, 'close');
  }
  put(): never {
    throw readOnly(this.storeName, 'put');
  }
}
