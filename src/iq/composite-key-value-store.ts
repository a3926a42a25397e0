import { IllegalArgumentError } from '../errors/streams-error.js';
import type { Serializer } from '../serde/serde.js';
import type { KeyValueIterator, ReadOnlyKeyValueStore } from '../state/state-store.js';
import type { MaybePromise } from '../util/maybe-promise.js';
import { ChainedKeyValueIterator } from './chained-iterator.js';
import { firstFound, guarded } from './migration-guard.js';

/**
 * Java's `CompositeReadOnlyKeyValueStore`: one read-only view over the store of every local task (each holds
 * the keys of one partition). `stores` is asked at every call, so the view follows rebalances and throws
 * the not-ready errors while the stores may not be read. Scans give one store's entries after the other's.
 */
export class CompositeReadOnlyKeyValueStore<K, V> implements ReadOnlyKeyValueStore<K, V> {
  constructor(
    private readonly storeName: string,
    private readonly stores: () => ReadonlyArray<ReadOnlyKeyValueStore<K, V>>,
  ) {}

  /** The value of `key` in whichever local store holds it, or null. */
  async get(key: K): Promise<V | null> {
    requireNonNull(key, 'key');
    return firstFound(this.storeName, this.stores(), (store) => store.get(key));
  }

  range(from: K | null, to: K | null): KeyValueIterator<K, V> {
    return this.chain((s) => s.range(from, to));
  }

  reverseRange(from: K | null, to: K | null): KeyValueIterator<K, V> {
    return this.chain((s) => s.reverseRange(from, to));
  }

  all(): KeyValueIterator<K, V> {
    return this.chain((s) => s.all());
  }

  reverseAll(): KeyValueIterator<K, V> {
    return this.chain((s) => s.reverseAll());
  }

  prefixScan<P>(prefix: P, prefixKeySerializer: Serializer<P>): KeyValueIterator<K, V> {
    requireNonNull(prefix, 'prefix');
    requireNonNull(prefixKeySerializer, 'prefixKeySerializer');
    return this.chain((s) => s.prefixScan(prefix, prefixKeySerializer));
  }

  /** The sum over the local stores (an estimate, as each store's is). */
  async approximateNumEntries(): Promise<number> {
    let total = 0;
    for (const store of this.stores()) total += await guarded(this.storeName, () => store.approximateNumEntries());
    return Math.min(total, Number.MAX_SAFE_INTEGER);
  }

  private chain(open: (store: ReadOnlyKeyValueStore<K, V>) => MaybePromise<KeyValueIterator<K, V>>): KeyValueIterator<K, V> {
    return new ChainedKeyValueIterator(this.storeName, this.stores().map((s) => () => open(s)));
  }
}

export function requireNonNull(value: unknown, what: string): void {
  if (value === null || value === undefined) throw new IllegalArgumentError(`${what} cannot be null`);
}
