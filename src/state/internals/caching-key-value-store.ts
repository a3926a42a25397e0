import type { Serializer } from '../../serde/serde.js';
import { isPromise, thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';
import { AbstractKeyValueIterator } from '../iterators.js';
import type { KeyValue } from '../key-value.js';
import type { KeyValueIterator, KeyValueStore, StateStore, StateStoreContext } from '../state-store.js';
import { ChangeLoggingKeyValueBytesStore, eachInOrder } from './change-logging-key-value-store.js';
import type { CacheEntry, DirtyEntry, RecordCache } from './record-cache.js';

/** Called for each flushed key with the bytes of its new and (if asked for) old value. */
export type RawFlushListener = (key: Buffer, newValue: Buffer | null, oldValue: Buffer | null) => MaybePromise<void>;

/**
 * Java's `CachingKeyValueStore`: writes go to the record cache and reach the store below (and its changelog)
 * only when the cache is flushed (commit) or evicts them. On flush, each entry is written with the record
 * context of its last write, and the flush listener (a KTable operator's downstream) gets the change; a
 * delete of a key that exists neither below nor in the cache is dropped without a trace, as in Java.
 * Without a record cache (`statestore.cache.max.bytes` 0) it passes everything straight through.
 */
export class CachingKeyValueStore implements KeyValueStore<Buffer, Buffer> {
  private context: StateStoreContext | null = null;
  private cache: RecordCache | null = null;
  private namespace = '';
  private listener: RawFlushListener | null = null;
  private sendOldValues = false;

  constructor(private readonly inner: KeyValueStore<Buffer, Buffer>) {}

  name(): string {
    return this.inner.name();
  }

  init(context: StateStoreContext, root: StateStore): MaybePromise<void> {
    this.context = context;
    this.cache = context.cache();
    this.namespace = `${context.taskId()}-${this.name()}`;
    this.cache?.addDirtyEntryFlushListener(this.namespace, (entries) => this.flushEntries(entries));
    return this.inner.init(context, root);
  }

  /** Returns whether changes will be forwarded from cache flushes (true only with a live cache). */
  setFlushListener(listener: RawFlushListener, sendOldValues: boolean): boolean {
    this.listener = listener;
    this.sendOldValues = sendOldValues;
    return this.cache !== null;
  }

  /**
   * Writes a flush of the cache to the store below in one batch (`putAll`; for LevelDB one write batch
   * instead of one awaited write per entry), then, entry by entry in the order of their last writes and
   * each under its own record context, sends its changelog record (when the layer below logs) and hands
   * the change to the flush listener. That is the order Java's per-entry flush gives the changelog and
   * downstream; the only difference is that the store below holds all the entries before the first
   * listener runs, which nobody can see through this layer: the flushed entries are still in the cache.
   * (The keys of one flush are distinct, so reading every old value before writing reads what Java's
   * read-then-write per entry reads.)
   */
  private flushEntries(entries: DirtyEntry[]): MaybePromise<void> {
    const listener = this.listener;
    const sendOldValues = this.sendOldValues;
    let needOld = false;
    if (listener !== null) {
      if (sendOldValues) needOld = true;
      else for (let i = 0; i < entries.length && !needOld; i++) needOld = entries[i]!.value === null;
    }
    if (!needOld) return this.writeFlushed(entries, null);
    return thenMaybe(this.readOldValues(entries), (olds) => {
      // a delete of a key that is neither below nor was in the cache leaves no trace, as in Java
      let kept = entries;
      let keptOlds = olds;
      if (entries.some((e, i) => e.value === null && olds[i] === null)) {
        kept = [];
        keptOlds = [];
        for (let i = 0; i < entries.length; i++) {
          if (entries[i]!.value === null && olds[i] === null) continue;
          kept.push(entries[i]!);
          keptOlds.push(olds[i]!);
        }
      }
      return this.writeFlushed(kept, sendOldValues ? keptOlds : null);
    });
  }

  /** The current values below of the entries' keys, read one by one (synchronous for in-memory and LevelDB stores). */
  private readOldValues(entries: DirtyEntry[]): MaybePromise<Array<Buffer | null>> {
    const olds: Array<Buffer | null> = new Array(entries.length);
    const readFrom = (i: number): MaybePromise<Array<Buffer | null>> => {
      for (; i < entries.length; i++) {
        const old = this.inner.get(entries[i]!.key);
        if (isPromise(old)) {
          const at = i;
          return old.then((v) => {
            olds[at] = v;
            return readFrom(at + 1);
          });
        }
        olds[i] = old;
      }
      return olds;
    };
    return readFrom(0);
  }

  private writeFlushed(entries: DirtyEntry[], olds: Array<Buffer | null> | null): MaybePromise<void> {
    if (entries.length === 0) return;
    const listener = this.listener;
    const ctx = this.context!;
    const kvs: ReadonlyArray<KeyValue<Buffer, Buffer | null>> = entries; // a DirtyEntry is a key and a value
    const afterWrite = (i: number, log: (() => void) | null): MaybePromise<void> => {
      const e = entries[i]!;
      if (log === null && listener === null) return;
      return ctx.withRecordContext(e.context, () => {
        if (log !== null) log();
        if (listener !== null) return listener(e.key, e.value, olds === null ? null : olds[i]!);
      });
    };
    const inner = this.inner;
    if (inner instanceof ChangeLoggingKeyValueBytesStore) return inner.putAllThenLog(kvs, afterWrite);
    return thenMaybe(inner.putAll(kvs), () => eachInOrder(entries.length, (i) => afterWrite(i, null)));
  }

  get(key: Buffer): MaybePromise<Buffer | null> {
    const cache = this.cache;
    if (cache === null) return this.inner.get(key);
    const hit = cache.getValue(this.namespace, key);
    if (hit !== undefined) return hit;
    return thenMaybe(this.inner.get(key), (raw) => {
      if (raw === null) return null;
      // reads are cached too (clean), which may evict and flush other entries
      return thenMaybe(cache.put(this.namespace, key, { value: raw, dirty: false, context: null }), () => raw);
    });
  }

  put(key: Buffer, value: Buffer | null): MaybePromise<void> {
    const cache = this.cache;
    if (cache === null) return this.inner.put(key, value);
    return cache.put(this.namespace, key, { value, dirty: true, context: this.context!.recordContext() });
  }

  putIfAbsent(key: Buffer, value: Buffer | null): MaybePromise<Buffer | null> {
    return thenMaybe(this.get(key), (existing) => (existing !== null ? existing : thenMaybe(this.put(key, value), () => null)));
  }

  putAll(entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>): MaybePromise<void> {
    if (this.cache === null) return this.inner.putAll(entries);
    const putFrom = (i: number): MaybePromise<void> => {
      for (; i < entries.length; i++) {
        const r = this.put(entries[i]!.key, entries[i]!.value);
        if (r !== undefined) return thenMaybe(r, () => putFrom(i + 1));
      }
    };
    return putFrom(0);
  }

  delete(key: Buffer): MaybePromise<Buffer | null> {
    if (this.cache === null) return this.inner.delete(key);
    return thenMaybe(this.get(key), (old) => thenMaybe(this.put(key, null), () => old));
  }

  range(from: Buffer | null, to: Buffer | null): MaybePromise<KeyValueIterator<Buffer, Buffer>> {
    return this.merged(from, to, true, this.inner.range(from, to));
  }

  reverseRange(from: Buffer | null, to: Buffer | null): MaybePromise<KeyValueIterator<Buffer, Buffer>> {
    return this.merged(from, to, false, this.inner.reverseRange(from, to));
  }

  all(): MaybePromise<KeyValueIterator<Buffer, Buffer>> {
    return this.merged(null, null, true, this.inner.all());
  }

  reverseAll(): MaybePromise<KeyValueIterator<Buffer, Buffer>> {
    return this.merged(null, null, false, this.inner.reverseAll());
  }

  prefixScan<P>(prefix: P, prefixKeySerializer: Serializer<P>): MaybePromise<KeyValueIterator<Buffer, Buffer>> {
    const from = prefixKeySerializer.serialize(this.name(), prefix) ?? Buffer.alloc(0);
    const cached = this.cache === null ? [] : this.cache.range(this.namespace, from, null).filter((e) => startsWith(e.key, from));
    return thenMaybe(this.inner.prefixScan(prefix, prefixKeySerializer), (it) => new MergedCacheIterator(cached, it, true));
  }

  approximateNumEntries(): MaybePromise<number> {
    return this.inner.approximateNumEntries();
  }

  flush(): MaybePromise<void> {
    return thenMaybe(this.flushCache(), () => this.inner.flush());
  }

  flushCache(): MaybePromise<void> {
    return this.cache?.flush(this.namespace);
  }

  close(): MaybePromise<void> {
    return thenMaybe(this.flush(), () => {
      this.cache?.close(this.namespace);
      return this.inner.close();
    });
  }

  persistent(): boolean {
    return this.inner.persistent();
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  private merged(
    from: Buffer | null,
    to: Buffer | null,
    forward: boolean,
    storeIterator: MaybePromise<KeyValueIterator<Buffer, Buffer>>,
  ): MaybePromise<KeyValueIterator<Buffer, Buffer>> {
    if (this.cache === null) return storeIterator;
    const cached = this.cache.range(this.namespace, from, to);
    if (!forward) cached.reverse();
    return thenMaybe(storeIterator, (it) => new MergedCacheIterator(cached, it, forward));
  }
}

function startsWith(key: Buffer, prefix: Buffer): boolean {
  return key.length >= prefix.length && key.subarray(0, prefix.length).equals(prefix);
}

/**
 * Java's `MergedSortedCacheKeyValueBytesStoreIterator`: the store's entries overlaid with the cache's
 * (a cached value wins; a cached delete hides the store's entry), in key order.
 */
class MergedCacheIterator extends AbstractKeyValueIterator<Buffer, Buffer> {
  private ci = 0;
  private storePeek: KeyValue<Buffer, Buffer> | null = null;
  private storeDone = false;
  private nextEntry: KeyValue<Buffer, Buffer> | null = null;

  constructor(
    private readonly cached: ReadonlyArray<{ key: Buffer; entry: CacheEntry }>,
    private readonly store: KeyValueIterator<Buffer, Buffer>,
    private readonly forward: boolean,
  ) {
    super();
  }

  /** Positions `nextEntry` on the next visible entry. */
  private advance(): MaybePromise<void> {
    if (this.nextEntry !== null) return;
    if (this.storePeek === null && !this.storeDone) {
      return thenMaybe(this.store.hasNext(), (has) => {
        if (!has) {
          this.storeDone = true;
          return this.advance();
        }
        return thenMaybe(this.store.next(), (kv) => {
          this.storePeek = kv;
          return this.advance();
        });
      });
    }
    const c = this.cached[this.ci];
    const s = this.storePeek;
    if (c === undefined && s === null) return;
    // < 0: the cached entry comes first; 0: same key (the cache wins); > 0: the store's entry comes first
    const order = c === undefined ? 1 : s === null ? -1 : this.forward ? Buffer.compare(c.key, s.key) : Buffer.compare(s.key, c.key);
    if (c !== undefined && order <= 0) {
      this.ci++;
      if (order === 0) this.storePeek = null;
      if (c.entry.value === null) return this.advance();
      this.nextEntry = { key: c.key, value: c.entry.value };
      return;
    }
    this.storePeek = null;
    this.nextEntry = s;
  }

  hasNext(): MaybePromise<boolean> {
    return thenMaybe(this.advance(), () => this.nextEntry !== null);
  }

  next(): MaybePromise<KeyValue<Buffer, Buffer>> {
    return thenMaybe(this.advance(), () => {
      const e = this.nextEntry;
      if (e === null) throw new Error('The iterator has no more entries');
      this.nextEntry = null;
      return e;
    });
  }

  peekNextKey(): MaybePromise<Buffer> {
    return thenMaybe(this.advance(), () => {
      if (this.nextEntry === null) throw new Error('The iterator has no more entries');
      return this.nextEntry.key;
    });
  }

  close(): MaybePromise<void> {
    return this.store.close();
  }
}
