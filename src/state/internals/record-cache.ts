import { thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';

/** A cached value: `null` is a cached delete. `context` is the opaque record context of the write. */
export interface CacheEntry {
  readonly value: Buffer | null;
  dirty: boolean;
  readonly context: unknown;
}

/** A dirty entry handed to a store's flush listener, in the order of the keys' last writes. */
export interface DirtyEntry {
  readonly key: Buffer;
  readonly value: Buffer | null;
  readonly context: unknown;
}

export type DirtyEntryFlushListener = (entries: DirtyEntry[]) => MaybePromise<void>;

interface Node {
  readonly key: Buffer;
  entry: CacheEntry;
  size: number;
}

/** Bytes a cached entry is charged for, beyond its key and value (Java's per-entry bookkeeping). */
const ENTRY_OVERHEAD = 64;

const keyOf = (key: Buffer): string => key.toString('latin1');

/** Java's `NamedCache`: one store's entries, least recently used first, and its dirty keys. */
class NamedCache {
  /** Map order is the LRU order: the first entry is the eldest. */
  readonly nodes = new Map<string, Node>();
  /** Keys written since the last flush, in the order of their last write. */
  readonly dirty = new Set<string>();
  bytes = 0;
  listener: DirtyEntryFlushListener | null = null;

  constructor(readonly name: string) {}

  get(k: string): Node | undefined {
    const node = this.nodes.get(k);
    if (node !== undefined) {
      this.nodes.delete(k);
      this.nodes.set(k, node);
    }
    return node;
  }

  put(key: Buffer, entry: CacheEntry): void {
    const k = keyOf(key);
    const existing = this.nodes.get(k);
    if (existing !== undefined) {
      this.bytes -= existing.size;
      this.nodes.delete(k);
    }
    const node: Node = { key, entry, size: key.length + (entry.value?.length ?? 0) + ENTRY_OVERHEAD };
    this.nodes.set(k, node);
    this.bytes += node.size;
    if (entry.dirty) {
      this.dirty.delete(k);
      this.dirty.add(k);
    }
  }

  remove(k: string): Node | undefined {
    const node = this.nodes.get(k);
    if (node === undefined) return undefined;
    this.nodes.delete(k);
    this.dirty.delete(k);
    this.bytes -= node.size;
    return node;
  }

  /** Hands every dirty entry (the evicted one first) to the listener; deletes are then dropped. */
  flush(evicted?: Node): MaybePromise<void> {
    if (this.dirty.size === 0 && evicted === undefined) return;
    if (this.listener === null) throw new Error(`No flush listener registered for cache ${this.name}`);
    const entries: DirtyEntry[] = [];
    const deleted: string[] = [];
    if (evicted !== undefined) entries.push({ key: evicted.key, value: evicted.entry.value, context: evicted.entry.context });
    for (const k of this.dirty) {
      const node = this.nodes.get(k)!;
      entries.push({ key: node.key, value: node.entry.value, context: node.entry.context });
      node.entry.dirty = false;
      if (node.entry.value === null) deleted.push(k);
    }
    // cleared before the listener runs: it may write to this cache again
    this.dirty.clear();
    return thenMaybe(this.listener(entries), () => {
      for (const k of deleted) {
        const node = this.nodes.get(k);
        if (node !== undefined && !node.entry.dirty) this.remove(k);
      }
    });
  }

  /** Removes the least recently used entry; a dirty one is flushed (with all other dirty entries). */
  evictEldest(): MaybePromise<void> {
    const first = this.nodes.keys().next();
    if (first.done) return;
    const node = this.remove(first.value)!;
    if (node.entry.dirty) return this.flush(node);
  }
}

/**
 * Java's `ThreadCache`, the record cache: one byte budget (`statestore.cache.max.bytes`) shared by the
 * caching stores of an instance, each with its own named cache. Writes stay in the cache until a commit
 * flushes it or eviction needs room, so downstream sees one update per key per flush. A store's dirty
 * entries are flushed together, in the order of their last write.
 */
export class RecordCache {
  private readonly caches = new Map<string, NamedCache>();

  constructor(readonly maxBytes: number) {}

  addDirtyEntryFlushListener(namespace: string, listener: DirtyEntryFlushListener): void {
    this.cache(namespace).listener = listener;
  }

  get(namespace: string, key: Buffer): CacheEntry | null {
    return this.caches.get(namespace)?.get(keyOf(key))?.entry ?? null;
  }

  /** Caches an entry; may evict (and so flush) entries of the same store to stay within the budget. */
  put(namespace: string, key: Buffer, entry: CacheEntry): MaybePromise<void> {
    const cache = this.cache(namespace);
    cache.put(key, entry);
    return this.maybeEvict(cache);
  }

  /** Drops an entry without flushing it. */
  delete(namespace: string, key: Buffer): CacheEntry | null {
    const cache = this.caches.get(namespace);
    return cache?.remove(keyOf(key))?.entry ?? null;
  }

  flush(namespace: string): MaybePromise<void> {
    return this.caches.get(namespace)?.flush();
  }

  /** Forgets a store's cache (its entries must have been flushed). */
  close(namespace: string): void {
    this.caches.delete(namespace);
  }

  /** The cached entries of a store whose keys are within [from, to] (null: unbounded), in byte order. */
  range(namespace: string, from: Buffer | null, to: Buffer | null): Array<{ key: Buffer; entry: CacheEntry }> {
    const cache = this.caches.get(namespace);
    if (cache === undefined) return [];
    const out: Array<{ key: Buffer; entry: CacheEntry }> = [];
    for (const node of cache.nodes.values()) {
      if (from !== null && Buffer.compare(node.key, from) < 0) continue;
      if (to !== null && Buffer.compare(node.key, to) > 0) continue;
      out.push({ key: node.key, entry: node.entry });
    }
    return out.sort((a, b) => Buffer.compare(a.key, b.key));
  }

  /** Bytes in use (summed per store: there are few stores, and flushes change sizes from inside). */
  sizeBytes(): number {
    let n = 0;
    for (const c of this.caches.values()) n += c.bytes;
    return n;
  }

  size(namespace?: string): number {
    if (namespace !== undefined) return this.caches.get(namespace)?.nodes.size ?? 0;
    let n = 0;
    for (const c of this.caches.values()) n += c.nodes.size;
    return n;
  }

  private cache(namespace: string): NamedCache {
    let cache = this.caches.get(namespace);
    if (cache === undefined) this.caches.set(namespace, (cache = new NamedCache(namespace)));
    return cache;
  }

  /** Java evicts from the store being written to until the whole cache is within budget. */
  private maybeEvict(cache: NamedCache): MaybePromise<void> {
    while (this.sizeBytes() > this.maxBytes && cache.nodes.size > 0) {
      const r = cache.evictEldest();
      if (r !== undefined) return thenMaybe(r, () => this.maybeEvict(cache));
    }
  }
}
