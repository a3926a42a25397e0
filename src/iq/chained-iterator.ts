import { NoSuchElementError } from '../errors/streams-error.js';
import { AbstractKeyValueIterator } from '../state/iterators.js';
import type { KeyValue } from '../state/key-value.js';
import type { KeyValueIterator } from '../state/state-store.js';
import type { MaybePromise } from '../util/maybe-promise.js';
import { guarded } from './migration-guard.js';

/**
 * Java's `CompositeKeyValueIterator`: the entries of one store after the other (each store keeps its
 * own order; stores are not merged). Each store's iterator is opened only when the previous one is done.
 */
export class ChainedKeyValueIterator<K, V> extends AbstractKeyValueIterator<K, V> {
  private current: KeyValueIterator<K, V> | null = null;
  private position = 0;
  private closed = false;

  constructor(
    private readonly storeName: string,
    private readonly openers: ReadonlyArray<() => MaybePromise<KeyValueIterator<K, V>>>,
  ) {
    super();
  }

  async hasNext(): Promise<boolean> {
    if (this.closed) return false;
    for (;;) {
      if (this.current !== null) {
        const it = this.current;
        if (await guarded(this.storeName, () => it.hasNext())) return true;
        this.current = null;
        await it.close();
      }
      if (this.position >= this.openers.length) return false;
      this.current = await guarded(this.storeName, this.openers[this.position++]!);
    }
  }

  async next(): Promise<KeyValue<K, V>> {
    if (!(await this.hasNext())) throw new NoSuchElementError(`No more entries in the iterator of store ${this.storeName}`);
    const it = this.current!;
    return guarded(this.storeName, () => it.next());
  }

  async peekNextKey(): Promise<K> {
    if (!(await this.hasNext())) throw new NoSuchElementError(`No more entries in the iterator of store ${this.storeName}`);
    const it = this.current!;
    return guarded(this.storeName, () => it.peekNextKey());
  }

  async close(): Promise<void> {
    this.closed = true;
    const it = this.current;
    this.current = null;
    await it?.close();
  }
}
