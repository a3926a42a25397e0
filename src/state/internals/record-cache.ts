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

/**
 * A cached entry in its store's LRU list (least recently used at the head).
 *
 * Memory per entry matters: a 64 MiB cache holds hundreds of thousands of entries, and under steady
 * eviction every evicted entry is old-generation garbage. So a node is one small object plus two strings:
 * the key as its latin1 string (one char per byte; also the map key, and JavaScript orders such strings as
 * the bytes), and a small value as a latin1 string too — one heap object, where a `Buffer` is a view
 * object plus its share of a pool slab (about twice the memory for a 100-byte value). Values of the pool's
 * size and more stay Buffers, so reading them copies nothing.
 */
interface Node {
  readonly k: string;
  /** The value: latin1 string (small), Buffer (large), or null (a cached delete). */
  v: string | Buffer | null;
  dirty: boolean;
  context: unknown;
  prev: Node | null;
  next: Node | null;
}

/** Bytes a cached entry is charged for, beyond its key and value (Java's per-entry bookkeeping). */
const ENTRY_OVERHEAD = 64;
/** Values shorter than this are kept as strings (Node's own threshold for its Buffer pool). */
const AS_STRING = Buffer.poolSize >>> 1;

const keyOf = (key: Buffer): string => key.toString('latin1');
const bufferOf = (k: string): Buffer => Buffer.from(k, 'latin1');
const packValue = (value: Buffer | null): string | Buffer | null =>
  value === null || value.length >= AS_STRING ? value : value.toString('latin1');
const unpackValue = (v: string | Buffer | null): Buffer | null => (typeof v === 'string' ? Buffer.from(v, 'latin1') : v);
/** A string or a Buffer: its length is the value's byte count either way. */
const sizeOf = (node: Node): number => node.k.length + (node.v === null ? 0 : node.v.length) + ENTRY_OVERHEAD;

/**
 * Java's `NamedCache`: one store's entries in a doubly linked LRU list (Java's too) indexed by a map, and
 * its dirty keys. (A `Map`'s insertion order would give the LRU order for free, but taking its first entry
 * again and again after deletes walks over the deleted slots each time: quadratic under steady eviction.)
 */
class NamedCache {
  readonly nodes = new Map<string, Node>();
  /** Least recently used. */
  private head: Node | null = null;
  /** Most recently used. */
  private tail: Node | null = null;
  /** Keys written since the last flush, in the order of their last write. */
  readonly dirty = new Set<string>();
  bytes = 0;
  listener: DirtyEntryFlushListener | null = null;

  constructor(readonly name: string) {}

  get(k: string): Node | undefined {
    const node = this.nodes.get(k);
    if (node !== undefined && node !== this.tail) {
      this.unlink(node);
      this.append(node);
    }
    return node;
  }

  put(key: Buffer, entry: CacheEntry): void {
    const k = keyOf(key);
    const v = packValue(entry.value);
    const dirty = entry.dirty;
    const existing = this.nodes.get(k);
    if (existing !== undefined) {
      this.bytes -= sizeOf(existing);
      // a dirty key moves to the end of the dirty order (the order of the last writes)
      if (dirty) this.dirty.delete(k);
      existing.v = v;
      existing.dirty = dirty;
      existing.context = entry.context;
      this.bytes += sizeOf(existing);
      if (existing !== this.tail) {
        this.unlink(existing);
        this.append(existing);
      }
    } else {
      const node: Node = { k, v, dirty, context: entry.context, prev: null, next: null };
      this.nodes.set(k, node);
      this.append(node);
      this.bytes += sizeOf(node);
    }
    if (dirty) this.dirty.add(k);
  }

  remove(k: string): Node | undefined {
    const node = this.nodes.get(k);
    if (node === undefined) return undefined;
    this.nodes.delete(k);
    this.unlink(node);
    this.dirty.delete(k); // also a clean entry's: a clean write over a dirty one leaves its key in the set
    this.bytes -= sizeOf(node);
    return node;
  }

  /** Hands every dirty entry (the evicted one first) to the listener; deletes are then dropped. */
  flush(evicted?: Node): MaybePromise<void> {
    if (this.dirty.size === 0 && evicted === undefined) return;
    if (this.listener === null) throw new Error(`No flush listener registered for cache ${this.name}`);
    const entries: DirtyEntry[] = [];
    const deleted: string[] = [];
    if (evicted !== undefined) entries.push({ key: bufferOf(evicted.k), value: unpackValue(evicted.v), context: evicted.context });
    for (const k of this.dirty) {
      const node = this.nodes.get(k)!;
      entries.push({ key: bufferOf(k), value: unpackValue(node.v), context: node.context });
      node.dirty = false;
      if (node.v === null) deleted.push(k);
    }
    // cleared before the listener runs: it may write to this cache again
    this.dirty.clear();
    return thenMaybe(this.listener(entries), () => {
      for (const k of deleted) {
        const node = this.nodes.get(k);
        if (node !== undefined && !node.dirty) this.remove(k);
      }
    });
  }

  /** Removes the least recently used entry; a dirty one is flushed (with all other dirty entries). */
  evictEldest(): MaybePromise<void> {
    const eldest = this.head;
    if (eldest === null) return;
    this.remove(eldest.k);
    if (eldest.dirty) return this.flush(eldest);
  }

  private append(node: Node): void {
    node.prev = this.tail;
    node.next = null;
    if (this.tail === null) this.head = node;
    else this.tail.next = node;
    this.tail = node;
  }

  private unlink(node: Node): void {
    if (node.prev === null) this.head = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = null;
    node.next = null;
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

  /** The cached entry of a key (now most recently used), or null when the key is not cached. */
  get(namespace: string, key: Buffer): CacheEntry | null {
    const node = this.caches.get(namespace)?.get(keyOf(key));
    return node === undefined ? null : { value: unpackValue(node.v), dirty: node.dirty, context: node.context };
  }

  /**
   * The cached value of a key (now most recently used): a Buffer, null for a cached delete, or undefined
   * when the key is not cached. `get` without the entry object, for the read path.
   */
  getValue(namespace: string, key: Buffer): Buffer | null | undefined {
    const node = this.caches.get(namespace)?.get(keyOf(key));
    return node === undefined ? undefined : unpackValue(node.v);
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
    const node = cache?.remove(keyOf(key));
    return node === undefined ? null : { value: unpackValue(node.v), dirty: node.dirty, context: node.context };
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
    const lo = from === null ? null : keyOf(from);
    const hi = to === null ? null : keyOf(to);
    const nodes: Node[] = [];
    for (const node of cache.nodes.values()) {
      if (lo !== null && node.k < lo) continue;
      if (hi !== null && node.k > hi) continue;
      nodes.push(node);
    }
    nodes.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
    // the entries as they are now (later writes replace a node's fields)
    return nodes.map((node) => ({ key: bufferOf(node.k), entry: { value: unpackValue(node.v), dirty: node.dirty, context: node.context } }));
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
