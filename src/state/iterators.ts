import { InvalidStateStoreError, NoSuchElementError } from '../errors/streams-error.js';
import type { MaybePromise } from '../util/maybe-promise.js';
import type { KeyValue } from './key-value.js';
import type { KeyValueIterator } from './state-store.js';
import { thenMaybe } from '../util/maybe-promise.js';

/**
 * A base for `KeyValueIterator`s: supplies the async iteration (`for await (const { key, value } of it)`),
 * which closes the iterator when the loop ends, however it ends (break, return, throw).
 */
export abstract class AbstractKeyValueIterator<K, V> implements KeyValueIterator<K, V> {
  abstract hasNext(): MaybePromise<boolean>;
  abstract next(): MaybePromise<KeyValue<K, V>>;
  abstract peekNextKey(): MaybePromise<K>;
  abstract close(): MaybePromise<void>;

  async *[Symbol.asyncIterator](): AsyncGenerator<KeyValue<K, V>, void, undefined> {
    try {
      while (await this.hasNext()) yield await this.next();
    } finally {
      await this.close();
    }
  }
}

/**
 * A base for iterators that answer synchronously (in-memory stores). Also iterable with a plain
 * `for (const kv of it)`, which closes it when the loop ends.
 */
export abstract class SyncKeyValueIterator<K, V> extends AbstractKeyValueIterator<K, V> implements Iterable<KeyValue<K, V>> {
  abstract override hasNext(): boolean;
  abstract override next(): KeyValue<K, V>;
  abstract override peekNextKey(): K;
  abstract override close(): void;

  *[Symbol.iterator](): Generator<KeyValue<K, V>, void, undefined> {
    try {
      while (this.hasNext()) yield this.next();
    } finally {
      this.close();
    }
  }
}

/** An iterator over nothing (Java's `KeyValueIterators.emptyIterator()`). */
export class EmptyKeyValueIterator<K, V> extends SyncKeyValueIterator<K, V> {
  hasNext(): boolean {
    return false;
  }

  next(): KeyValue<K, V> {
    throw new NoSuchElementError('The iterator has no more entries');
  }

  peekNextKey(): K {
    throw new NoSuchElementError('The iterator has no more entries');
  }

  close(): void {}
}

/**
 * An iterator over a fixed list of entries (a snapshot). `storeName` names the store in the error thrown
 * when the iterator is used after `close()`.
 */
export class ArrayKeyValueIterator<K, V> extends SyncKeyValueIterator<K, V> {
  private position = 0;
  private open = true;

  constructor(
    private readonly entries: ReadonlyArray<KeyValue<K, V>>,
    private readonly storeName = '<unnamed>',
  ) {
    super();
  }

  hasNext(): boolean {
    this.checkOpen();
    return this.position < this.entries.length;
  }

  next(): KeyValue<K, V> {
    if (!this.hasNext()) throw new NoSuchElementError(`No more entries in the iterator of store ${this.storeName}`);
    return this.entries[this.position++]!;
  }

  peekNextKey(): K {
    if (!this.hasNext()) throw new NoSuchElementError(`No more entries in the iterator of store ${this.storeName}`);
    return this.entries[this.position]!.key;
  }

  close(): void {
    this.open = false;
  }

  private checkOpen(): void {
    if (!this.open) throw new InvalidStateStoreError(`Iterator for store ${this.storeName} has already been closed`);
  }
}

/**
 * Maps the keys and values of another iterator, which may answer synchronously or not; stays
 * synchronous when the inner iterator is.
 */
export class MappedKeyValueIterator<K1, V1, K2, V2> extends AbstractKeyValueIterator<K2, V2> {
  constructor(
    private readonly inner: KeyValueIterator<K1, V1>,
    private readonly mapKey: (key: K1) => K2,
    private readonly mapValue: (value: V1) => V2,
  ) {
    super();
  }

  hasNext(): MaybePromise<boolean> {
    return this.inner.hasNext();
  }

  next(): MaybePromise<KeyValue<K2, V2>> {
    return thenMaybe(this.inner.next(), (kv) => ({ key: this.mapKey(kv.key), value: this.mapValue(kv.value) }));
  }

  peekNextKey(): MaybePromise<K2> {
    return thenMaybe(this.inner.peekNextKey(), this.mapKey);
  }

  close(): MaybePromise<void> {
    return this.inner.close();
  }
}

/**
 * Reads an iterator (or a promise of one, e.g. `toArray(store.all())`) to the end into an array, and
 * closes it.
 */
export async function toArray<K, V>(iterator: MaybePromise<KeyValueIterator<K, V>>): Promise<Array<KeyValue<K, V>>> {
  const it = await iterator;
  const result: Array<KeyValue<K, V>> = [];
  try {
    while (await it.hasNext()) result.push(await it.next());
  } finally {
    await it.close();
  }
  return result;
}
