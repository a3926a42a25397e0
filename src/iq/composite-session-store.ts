import type { Windowed } from '../dsl/windowed.js';
import { AbstractSessionStore } from '../state/internals/abstract-window-store.js';
import type { ReadOnlySessionStore } from '../state/session-store.js';
import type { KeyValueIterator } from '../state/state-store.js';
import { ChainedKeyValueIterator } from './chained-iterator.js';
import { firstFound } from './migration-guard.js';
import { readOnly } from './read-only.js';

/**
 * Java's `CompositeReadOnlySessionStore`: a read-only view over the session store of every local task.
 * Extends the store base only to share its overload dispatch; handed out typed as `ReadOnlySessionStore`.
 */
export class CompositeReadOnlySessionStore<K, AGG> extends AbstractSessionStore<K, AGG> {
  constructor(
    private readonly storeName: string,
    private readonly stores: () => ReadonlyArray<ReadOnlySessionStore<K, AGG>>,
  ) {
    super();
  }

  async fetchSession(key: K, sessionStartTime: number, sessionEndTime: number): Promise<AGG | null> {
    return firstFound(this.storeName, this.stores(), (store) => store.fetchSession(key, sessionStartTime, sessionEndTime));
  }

  protected findRange(keyFrom: K | null, keyTo: K | null, earliestEnd: number, latestStart: number, forward: boolean): KeyValueIterator<Windowed<K>, AGG> {
    return this.chain((s) => (forward ? s.findSessions(keyFrom, keyTo, earliestEnd, latestStart) : s.backwardFindSessions(keyFrom, keyTo, earliestEnd, latestStart)));
  }

  protected findByEndTime(earliestEnd: number, latestEnd: number): KeyValueIterator<Windowed<K>, AGG> {
    return this.chain((s) => s.findSessions(earliestEnd, latestEnd));
  }

  private chain(open: (store: ReadOnlySessionStore<K, AGG>) => ReturnType<ReadOnlySessionStore<K, AGG>['fetch']>): KeyValueIterator<Windowed<K>, AGG> {
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
  remove(): never {
    throw readOnly(this.storeName, 'remove');
  }
}
