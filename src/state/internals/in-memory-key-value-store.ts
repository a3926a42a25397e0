import { IllegalArgumentError, InvalidStateStoreError, NoSuchElementError } from '../../errors/streams-error.js';
import type { Serializer } from '../../serde/serde.js';
import { EmptyKeyValueIterator, SyncKeyValueIterator } from '../iterators.js';
import type { KeyValue } from '../key-value.js';
import type { KeyValueStore, StateStore, StateStoreContext } from '../state-store.js';
import { SortedKeyList } from './sorted-key-list.js';

/**
 * Java's `InMemoryKeyValueStore`: a `KeyValueStore<Buffer, Buffer>` whose scans return keys in unsigned
 * byte order (as RocksDB and Java's `Bytes` comparator do). Every method answers synchronously.
 *
 * Data structure. Point operations sit on the per-record path, so the entries live in a
 * `Map<string, Buffer>` keyed by the key's `latin1` string (one char per byte): get/put/delete are one
 * hash lookup plus the Buffer→string conversion. For latin1 strings JavaScript's `<` is unsigned byte
 * order, so the same strings, sorted, give the scan order. The sorted index (a chunked sorted list, see
 * `SortedKeyList`) is maintained lazily:
 * - it does not exist until the first scan, so a store that is never scanned pays nothing for order;
 * - once it exists, new keys are only appended to `pending` (O(1)); the next scan inserts them (O(log n)
 *   each) or, when there are many, rebuilds the index with one native sort;
 * - deletes remove the key from the index at once (O(log n)), so the index never holds absent keys;
 * - if `pending` outgrows the store (many inserts and no scan), the index is dropped and rebuilt on demand,
 *   so memory stays bounded.
 *
 * Iterators follow Java's: a scan takes a snapshot of the keys in range when it is created, reads each
 * value when it gets to it, and skips keys deleted in the meantime. Keys added after the snapshot are not
 * seen. Values are stored and returned without copying (as Java's byte arrays).
 */
export class InMemoryKeyValueStore implements KeyValueStore<Buffer, Buffer> {
  private readonly map = new Map<string, Buffer>();
  private index: SortedKeyList | null = null;
  private pending: string[] = [];
  private opened = false;
  private closed = false;
  private readonly openIterators = new Set<InMemoryKeyValueIterator>();

  constructor(private readonly storeName: string) {}

  name(): string {
    return this.storeName;
  }

  init(context: StateStoreContext, root: StateStore): void {
    context?.register(root, (key, value) => {
      if (value === null) this.delete(key);
      else this.put(key, value);
    });
    this.opened = true;
    this.closed = false;
  }

  flush(): void {
    // nothing to flush: the map is the store
  }

  /** As Java's: closes the open iterators and drops the contents. Later operations throw. */
  close(): void {
    for (const iterator of [...this.openIterators]) iterator.close();
    this.map.clear();
    this.index = null;
    this.pending = [];
    this.opened = false;
    this.closed = true;
  }

  persistent(): boolean {
    return false;
  }

  isOpen(): boolean {
    return this.opened;
  }

  get(key: Buffer): Buffer | null {
    if (this.closed) this.throwClosed();
    return this.map.get(key.toString('latin1')) ?? null;
  }

  put(key: Buffer, value: Buffer | null): void {
    if (this.closed) this.throwClosed();
    const k = key.toString('latin1');
    if (value === null || value === undefined) {
      this.remove(k);
      return;
    }
    const map = this.map;
    const sizeBefore = map.size;
    map.set(k, value);
    if (map.size !== sizeBefore && this.index !== null) this.keyAdded(k);
  }

  putIfAbsent(key: Buffer, value: Buffer | null): Buffer | null {
    if (this.closed) this.throwClosed();
    const k = key.toString('latin1');
    const existing = this.map.get(k);
    if (existing !== undefined) return existing;
    if (value !== null && value !== undefined) {
      this.map.set(k, value);
      if (this.index !== null) this.keyAdded(k);
    }
    return null;
  }

  putAll(entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>): void {
    for (const entry of entries) this.put(entry.key, entry.value);
  }

  delete(key: Buffer): Buffer | null {
    if (this.closed) this.throwClosed();
    return this.remove(key.toString('latin1'));
  }

  range(from: Buffer | null, to: Buffer | null): SyncKeyValueIterator<Buffer, Buffer> {
    return this.scan(from, to, true);
  }

  reverseRange(from: Buffer | null, to: Buffer | null): SyncKeyValueIterator<Buffer, Buffer> {
    return this.scan(from, to, false);
  }

  all(): SyncKeyValueIterator<Buffer, Buffer> {
    return this.scan(null, null, true);
  }

  reverseAll(): SyncKeyValueIterator<Buffer, Buffer> {
    return this.scan(null, null, false);
  }

  /**
   * The entries whose key starts with the serialized `prefix`, ascending. (Java passes a null topic to
   * the prefix serializer; this passes the store's name. The metered layer serializes the prefix itself,
   * with the changelog topic, and hands this store the bytes.)
   */
  prefixScan<P>(prefix: P, prefixKeySerializer: Serializer<P>): SyncKeyValueIterator<Buffer, Buffer> {
    if (this.closed) this.throwClosed();
    if (prefix === null || prefix === undefined) throw new IllegalArgumentError('prefix cannot be null');
    const bytes = prefixKeySerializer.serialize(this.storeName, prefix);
    if (bytes === null) throw new IllegalArgumentError(`the prefix serializer turned the prefix into null (store ${this.storeName})`);
    return this.iterator(this.sortedIndex().withPrefix(bytes.toString('latin1')), true);
  }

  approximateNumEntries(): number {
    if (this.closed) this.throwClosed();
    return this.map.size;
  }

  private scan(from: Buffer | null, to: Buffer | null, forward: boolean): SyncKeyValueIterator<Buffer, Buffer> {
    if (this.closed) this.throwClosed();
    const fromKey = from === null || from === undefined ? null : from.toString('latin1');
    const toKey = to === null || to === undefined ? null : to.toString('latin1');
    // Java logs a warning and returns an empty iterator when from > to (e.g. serdes whose bytes do not
    // preserve the order of the values, like negative numbers in the built-in numeric serdes).
    if (fromKey !== null && toKey !== null && fromKey > toKey) return new EmptyKeyValueIterator<Buffer, Buffer>();
    return this.iterator(this.sortedIndex().range(fromKey, toKey), forward);
  }

  private iterator(keys: string[], forward: boolean): SyncKeyValueIterator<Buffer, Buffer> {
    const iterator = new InMemoryKeyValueIterator(this.map, keys, forward, this.storeName, this.openIterators);
    this.openIterators.add(iterator);
    return iterator;
  }

  private remove(k: string): Buffer | null {
    const old = this.map.get(k);
    if (old === undefined) return null;
    this.map.delete(k);
    // a key still in `pending` is not in the index; the next scan skips it because it is not in the map
    if (this.index !== null) this.index.delete(k);
    return old;
  }

  private keyAdded(k: string): void {
    const pending = this.pending;
    pending.push(k);
    if (pending.length > 1024 && pending.length > this.map.size) {
      // many inserts and no scan: cheaper to rebuild on the next scan than to keep the backlog
      this.index = null;
      this.pending = [];
    }
  }

  private sortedIndex(): SortedKeyList {
    const map = this.map;
    let index = this.index;
    const pending = this.pending;
    if (index === null || pending.length > (index.size >>> 1)) {
      index = SortedKeyList.fromSorted([...map.keys()].sort());
    } else if (pending.length > 0) {
      for (let i = 0; i < pending.length; i++) {
        const k = pending[i]!;
        if (map.has(k)) index.add(k); // add is a no-op for a key already there (deleted and re-added)
      }
    }
    this.index = index;
    this.pending = [];
    return index;
  }

  private throwClosed(): never {
    throw new InvalidStateStoreError(`Store ${this.storeName} is currently closed`);
  }
}

/** Iterates a snapshot of keys, reading values from the live map and skipping keys deleted since. */
class InMemoryKeyValueIterator extends SyncKeyValueIterator<Buffer, Buffer> {
  private position: number;
  private readonly end: number;
  private readonly step: 1 | -1;
  private open = true;

  constructor(
    private readonly map: Map<string, Buffer>,
    private readonly keys: string[],
    forward: boolean,
    private readonly storeName: string,
    private readonly registry: Set<InMemoryKeyValueIterator>,
  ) {
    super();
    this.position = forward ? 0 : keys.length - 1;
    this.end = forward ? keys.length : -1;
    this.step = forward ? 1 : -1;
  }

  hasNext(): boolean {
    return this.advance() !== undefined;
  }

  next(): KeyValue<Buffer, Buffer> {
    const key = this.advance();
    if (key === undefined) throw new NoSuchElementError(`No more entries in the iterator of store ${this.storeName}`);
    const value = this.map.get(key)!;
    this.position += this.step;
    return { key: Buffer.from(key, 'latin1'), value };
  }

  peekNextKey(): Buffer {
    const key = this.advance();
    if (key === undefined) throw new NoSuchElementError(`No more entries in the iterator of store ${this.storeName}`);
    return Buffer.from(key, 'latin1');
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.registry.delete(this);
  }

  /** Moves to the next snapshot key that is still in the store, and returns it (undefined at the end). */
  private advance(): string | undefined {
    if (!this.open) throw new InvalidStateStoreError(`Iterator for store ${this.storeName} has already been closed`);
    const { keys, map, end, step } = this;
    let position = this.position;
    while (position !== end) {
      const key = keys[position]!;
      if (map.has(key)) {
        this.position = position;
        return key;
      }
      position += step;
    }
    this.position = position;
    return undefined;
  }
}
