import { IllegalArgumentError, InvalidStateStoreError } from '../../errors/streams-error.js';
import type { Serializer } from '../../serde/serde.js';
import { ArrayKeyValueIterator, EmptyKeyValueIterator, type SyncKeyValueIterator } from '../iterators.js';
import type { KeyValue } from '../key-value.js';
import type { KeyValueStore, StateStore, StateStoreContext } from '../state-store.js';

/** Called with the entry a put pushed out of the cache (the change-logging layer logs a delete for it). */
export type EldestEntryRemovalListener = (key: Buffer, value: Buffer) => void;

/**
 * Java's `MemoryLRUCache` / `MemoryNavigableLRUCache` (what `Stores.lruMap` supplies): an in-memory
 * `KeyValueStore<Buffer, Buffer>` holding at most `maxCacheSize` entries. A put that takes it over the
 * limit evicts the least recently used entry; `get`, `put` and `putIfAbsent` count as uses.
 *
 * A JavaScript `Map` iterates in insertion order, so "use" is delete + re-insert and the eldest entry is
 * the first one. Scans (range, all, prefixScan) sort a snapshot of the entries — keys and values — in
 * unsigned byte order and do not count as uses, as in Java.
 */
export class MemoryLRUCache implements KeyValueStore<Buffer, Buffer> {
  private readonly map = new Map<string, Buffer>();
  private listener: EldestEntryRemovalListener | null = null;
  private opened = false;
  private closed = false;

  constructor(
    private readonly storeName: string,
    private readonly maxCacheSize: number,
  ) {
    if (!Number.isInteger(maxCacheSize) || maxCacheSize < 0) {
      throw new IllegalArgumentError(`maxCacheSize cannot be negative (got ${maxCacheSize})`);
    }
  }

  /** Java's `setWhenEldestRemoved`: for the layer above to hear of evictions. */
  setWhenEldestRemoved(listener: EldestEntryRemovalListener | null): void {
    this.listener = listener;
  }

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

  flush(): void {}

  close(): void {
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
    this.checkNotClosed();
    const k = key.toString('latin1');
    const value = this.map.get(k);
    if (value === undefined) return null;
    this.map.delete(k);
    this.map.set(k, value);
    return value;
  }

  put(key: Buffer, value: Buffer | null): void {
    this.checkNotClosed();
    const k = key.toString('latin1');
    const map = this.map;
    map.delete(k);
    if (value === null || value === undefined) return;
    map.set(k, value);
    if (map.size > this.maxCacheSize) {
      const eldest = map.keys().next().value as string;
      const eldestValue = map.get(eldest)!;
      map.delete(eldest);
      this.listener?.(Buffer.from(eldest, 'latin1'), eldestValue);
    }
  }

  putIfAbsent(key: Buffer, value: Buffer | null): Buffer | null {
    const existing = this.get(key);
    if (existing === null) this.put(key, value);
    return existing;
  }

  putAll(entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>): void {
    for (const entry of entries) this.put(entry.key, entry.value);
  }

  delete(key: Buffer): Buffer | null {
    this.checkNotClosed();
    const k = key.toString('latin1');
    const value = this.map.get(k);
    if (value === undefined) return null;
    this.map.delete(k);
    return value;
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

  prefixScan<P>(prefix: P, prefixKeySerializer: Serializer<P>): SyncKeyValueIterator<Buffer, Buffer> {
    this.checkNotClosed();
    if (prefix === null || prefix === undefined) throw new IllegalArgumentError('prefix cannot be null');
    const bytes = prefixKeySerializer.serialize(this.storeName, prefix);
    if (bytes === null) throw new IllegalArgumentError(`the prefix serializer turned the prefix into null (store ${this.storeName})`);
    const p = bytes.toString('latin1');
    return this.snapshot((k) => k.startsWith(p), true);
  }

  approximateNumEntries(): number {
    this.checkNotClosed();
    return this.map.size;
  }

  private scan(from: Buffer | null, to: Buffer | null, forward: boolean): SyncKeyValueIterator<Buffer, Buffer> {
    this.checkNotClosed();
    const lo = from === null || from === undefined ? null : from.toString('latin1');
    const hi = to === null || to === undefined ? null : to.toString('latin1');
    if (lo !== null && hi !== null && lo > hi) return new EmptyKeyValueIterator<Buffer, Buffer>();
    return this.snapshot((k) => (lo === null || k >= lo) && (hi === null || k <= hi), forward);
  }

  private snapshot(include: (key: string) => boolean, forward: boolean): SyncKeyValueIterator<Buffer, Buffer> {
    const keys: string[] = [];
    for (const k of this.map.keys()) if (include(k)) keys.push(k);
    keys.sort();
    if (!forward) keys.reverse();
    const entries = keys.map((k) => ({ key: Buffer.from(k, 'latin1'), value: this.map.get(k)! }));
    return new ArrayKeyValueIterator(entries, this.storeName);
  }

  private checkNotClosed(): void {
    if (this.closed) throw new InvalidStateStoreError(`Store ${this.storeName} is currently closed`);
  }
}
