import { TimeWindow, Windowed } from '../../dsl/windowed.js';
import { thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import type { WindowStore, WindowStoreIterator } from '../window-store.js';
import { AbstractWindowStore } from './abstract-window-store.js';
import { eachMaybe } from '../../util/maybe-each.js';
import { isBatchWindowWriter, type WindowWrite } from './window-batch.js';
import type { DirtyEntry, RecordCache } from './record-cache.js';
import { SortedNumbers } from './sorted-numbers.js';
import { MergedSortedIterator } from './window-iterators.js';
import { windowEndForSize, windowStoreKey, windowStoreKeyBytes, windowStoreTimestamp } from './window-key-schema.js';

/** Called for each flushed window with the bytes of its new and (if asked for) old value. */
export type RawWindowFlushListener = (key: Windowed<Buffer>, newValue: Buffer | null, oldValue: Buffer | null) => MaybePromise<void>;

/** The iteration order of the store below for multi-key scans (forward). */
export type WindowOrder = (a: Windowed<Buffer>, b: Windowed<Buffer>) => number;

const latin1 = (b: Buffer): string => b.toString('latin1');
/** How often (in puts) the index forgets windows the cache has evicted. */
const PRUNE_EVERY = 100_000;

/**
 * Java's `CachingWindowStore`: writes go to the record cache (keyed by the window store key with seqnum 0)
 * and reach the store below — and its changelog — when the cache flushes (commit) or evicts them. On flush
 * each window is written under the record context of its last write and handed to the flush listener (the
 * windowed aggregation's downstream); a delete of a window that exists neither below nor in the cache
 * leaves no trace. Reads overlay the cached windows on the store's, in the store's order. Without a record
 * cache (`statestore.cache.max.bytes` 0) everything passes straight through.
 *
 * Reads of one key (what a sliding-window aggregation does per record) find its cached windows through an
 * index of cached window starts per key, built on the first such read (tumbling and hopping aggregations
 * never read ranges, so they never pay for it); multi-key reads scan this store's cache.
 * As in Java, cached windows are returned without a retention check (the store below applies retention).
 */
export class CachingWindowStore extends AbstractWindowStore<Buffer, Buffer> {
  private context: StateStoreContext | null = null;
  private cache: RecordCache | null = null;
  private namespace = '';
  private listener: RawWindowFlushListener | null = null;
  private sendOldValues = false;
  /** latin1(key) → window starts that may be cached (checked against the cache when read). */
  private index: Map<string, SortedNumbers> | null = null;
  private putsSincePrune = 0;

  constructor(
    private readonly inner: WindowStore<Buffer, Buffer>,
    private readonly windowSize: number,
    /** Kept for parity with Java's constructor; cached windows are not checked against it (as in Java). */
    readonly retentionPeriod: number,
    private readonly order: WindowOrder,
  ) {
    super();
  }

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

  /** Returns whether changes will reach `listener` from cache flushes (true only with a live cache). */
  setFlushListener(listener: RawWindowFlushListener, sendOldValues: boolean): boolean {
    this.listener = listener;
    this.sendOldValues = sendOldValues;
    return this.cache !== null;
  }

  flush(): MaybePromise<void> {
    return thenMaybe(this.flushCache(), () => this.inner.flush());
  }

  /** Only the record cache (a commit): see StateStore.flushCache. */
  flushCache(): MaybePromise<void> {
    return this.cache?.flush(this.namespace);
  }

  close(): MaybePromise<void> {
    return thenMaybe(this.flush(), () => {
      this.cache?.close(this.namespace);
      this.index = null;
      return this.inner.close();
    });
  }

  persistent(): boolean {
    return this.inner.persistent();
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  put(key: Buffer, value: Buffer | null, windowStartTimestamp: number): MaybePromise<void> {
    const cache = this.cache;
    if (cache === null) return this.inner.put(key, value, windowStartTimestamp);
    const index = this.index;
    if (index !== null) {
      const k = latin1(key);
      let starts = index.get(k);
      if (starts === undefined) index.set(k, (starts = new SortedNumbers()));
      starts.add(windowStartTimestamp);
      if (++this.putsSincePrune >= PRUNE_EVERY) this.pruneIndex();
    }
    return cache.put(this.namespace, windowStoreKey(key, windowStartTimestamp, 0), {
      value: value ?? null,
      dirty: true,
      context: this.context!.recordContext(),
    });
  }

  protected fetchOne(key: Buffer, time: number): MaybePromise<Buffer | null> {
    const cache = this.cache;
    if (cache !== null) {
      const hit = cache.get(this.namespace, windowStoreKey(key, time, 0));
      if (hit !== null) return hit.value;
    }
    return this.inner.fetch(key, time);
  }

  protected fetchKey(key: Buffer, timeFrom: number, timeTo: number, forward: boolean): MaybePromise<WindowStoreIterator<Buffer>> {
    const below = forward ? this.inner.fetch(key, timeFrom, timeTo) : this.inner.backwardFetch(key, timeFrom, timeTo);
    if (this.cache === null) return below;
    const cached = this.cachedOfKey(key, timeFrom, timeTo).map((c) => ({ key: c.start, value: c.value }));
    if (!forward) cached.reverse();
    return thenMaybe(below, (it) => new MergedSortedIterator<number, Buffer>(cached, it, forward ? (a, b) => a - b : (a, b) => b - a));
  }

  /** The cached windows of one key starting in `[timeFrom, timeTo]`, oldest first, found through the index. */
  private cachedOfKey(key: Buffer, timeFrom: number, timeTo: number): Array<{ start: number; value: Buffer | null }> {
    const cache = this.cache!;
    const index = this.index ?? this.buildIndex();
    const out: Array<{ start: number; value: Buffer | null }> = [];
    const starts = index.get(latin1(key));
    if (starts === undefined) return out;
    for (const start of starts.between(timeFrom, timeTo)) {
      const hit = cache.get(this.namespace, windowStoreKey(key, start, 0));
      if (hit === null) starts.delete(start);
      else out.push({ start, value: hit.value });
    }
    return out;
  }

  /** The index of cached window starts per key, from what the cache holds now. */
  private buildIndex(): Map<string, SortedNumbers> {
    const index = new Map<string, SortedNumbers>();
    for (const { key } of this.cache!.range(this.namespace, null, null)) {
      const k = latin1(windowStoreKeyBytes(key));
      let starts = index.get(k);
      if (starts === undefined) index.set(k, (starts = new SortedNumbers()));
      starts.add(windowStoreTimestamp(key));
    }
    this.index = index;
    return index;
  }

  protected fetchRange(keyFrom: Buffer | null, keyTo: Buffer | null, timeFrom: number, timeTo: number, forward: boolean) {
    const below = forward ? this.inner.fetch(keyFrom, keyTo, timeFrom, timeTo) : this.inner.backwardFetch(keyFrom, keyTo, timeFrom, timeTo);
    if (this.cache !== null && keyFrom !== null && keyTo !== null && keyFrom.equals(keyTo)) {
      // one key: its windows come in time order whatever the store's multi-key order
      const window = (start: number) => new TimeWindow(start, windowEndForSize(start, this.windowSize));
      const cached = this.cachedOfKey(keyFrom, timeFrom, timeTo).map((c) => ({ key: new Windowed(keyFrom, window(c.start)), value: c.value }));
      if (!forward) cached.reverse();
      const byStart = (a: Windowed<Buffer>, b: Windowed<Buffer>) => (forward ? a.window.start - b.window.start : b.window.start - a.window.start);
      return thenMaybe(below, (it) => new MergedSortedIterator(cached, it, byStart));
    }
    return this.merged(below, keyFrom, keyTo, timeFrom, timeTo, forward);
  }

  protected fetchAllRange(timeFrom: number, timeTo: number, forward: boolean): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    const below = forward ? this.inner.fetchAll(timeFrom, timeTo) : this.inner.backwardFetchAll(timeFrom, timeTo);
    return this.merged(below, null, null, timeFrom, timeTo, forward);
  }

  protected allEntries(forward: boolean): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    const below = forward ? this.inner.all() : this.inner.backwardAll();
    return this.merged(below, null, null, 0, Number.MAX_SAFE_INTEGER, forward);
  }

  /** The store's windows overlaid with every matching cached window (a scan of this store's cache). */
  private merged(
    below: MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>>,
    keyFrom: Buffer | null,
    keyTo: Buffer | null,
    timeFrom: number,
    timeTo: number,
    forward: boolean,
  ): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    const cache = this.cache;
    if (cache === null) return below;
    if (keyFrom !== null && keyTo !== null && Buffer.compare(keyFrom, keyTo) > 0) return below;
    const cached: Array<{ key: Windowed<Buffer>; value: Buffer | null }> = [];
    for (const { key: storeKey, entry } of cache.range(this.namespace, null, null)) {
      const keyBytes = windowStoreKeyBytes(storeKey);
      const start = windowStoreTimestamp(storeKey);
      if (start < timeFrom || start > timeTo) continue;
      if (keyFrom !== null && Buffer.compare(keyBytes, keyFrom) < 0) continue;
      if (keyTo !== null && Buffer.compare(keyBytes, keyTo) > 0) continue;
      cached.push({ key: new Windowed(Buffer.from(keyBytes), new TimeWindow(start, windowEndForSize(start, this.windowSize))), value: entry.value });
    }
    const compare = forward ? this.order : (a: Windowed<Buffer>, b: Windowed<Buffer>) => this.order(b, a);
    cached.sort((a, b) => compare(a.key, b.key));
    return thenMaybe(below, (it) => new MergedSortedIterator(cached, it, compare));
  }

  /**
   * Writes a flush of the cache below and hands each window to the flush listener under the record context
   * of its last write (Java's `putAndMaybeForward`). When the layers below can (LevelDB), all windows are
   * written first in one batch per segment, then logged and forwarded one by one in order; nobody can tell
   * through this layer, whose cache still holds the flushed windows (and the keys of one flush are distinct,
   * so reading every old value first reads what Java's read-then-write per window reads).
   */
  private flushEntries(entries: DirtyEntry[]): MaybePromise<void> {
    const listener = this.listener;
    const sendOldValues = this.sendOldValues;
    const writes: WindowWrite[] = entries.map((e) => ({ key: windowStoreKeyBytes(e.key), value: e.value, windowStart: windowStoreTimestamp(e.key) }));
    if (listener === null) return this.writeFlushed(entries, writes, null);
    const olds: Array<Buffer | null> = new Array(writes.length).fill(null);
    const read = eachMaybe(writes, (w, i) => {
      if (w.value !== null && !sendOldValues) return;
      return thenMaybe(this.inner.fetch(w.key, w.windowStart), (old) => void (olds[i] = old));
    });
    return thenMaybe(read, () => {
      // a window absent below and deleted in the cache: nothing to write, nothing to forward
      const keep = writes.map((w, i) => w.value !== null || olds[i] !== null);
      return this.writeFlushed(
        entries.filter((_e, i) => keep[i]),
        writes.filter((_w, i) => keep[i]),
        olds.filter((_o, i) => keep[i]),
      );
    });
  }

  private writeFlushed(entries: DirtyEntry[], writes: WindowWrite[], olds: Array<Buffer | null> | null): MaybePromise<void> {
    if (writes.length === 0) return;
    const ctx = this.context!;
    const listener = this.listener;
    const sendOldValues = this.sendOldValues;
    const afterWrite = (i: number, log: (() => void) | null): MaybePromise<void> => {
      if (log === null && listener === null) return;
      const w = writes[i]!;
      return ctx.withRecordContext(entries[i]!.context, () => {
        if (log !== null) log();
        if (listener === null) return;
        const windowed = new Windowed(Buffer.from(w.key), new TimeWindow(w.windowStart, windowEndForSize(w.windowStart, this.windowSize)));
        return listener(windowed, w.value, sendOldValues && olds !== null ? olds[i]! : null);
      });
    };
    const inner = this.inner;
    if (isBatchWindowWriter(inner)) return inner.putManyThenEach(writes, afterWrite);
    // a store below without batching: write, then forward, window by window, each under its record context
    return eachMaybe(writes, (w, i) =>
      ctx.withRecordContext(entries[i]!.context, () => thenMaybe(inner.put(w.key, w.value, w.windowStart), () => afterWrite(i, null))),
    );
  }

  /** Forgets index entries the cache no longer holds (evicted), so that the index stays as small as the cache. */
  private pruneIndex(): void {
    this.putsSincePrune = 0;
    const live = new Map<string, Set<number>>();
    for (const { key } of this.cache!.range(this.namespace, null, null)) {
      const k = latin1(windowStoreKeyBytes(key));
      let starts = live.get(k);
      if (starts === undefined) live.set(k, (starts = new Set()));
      starts.add(windowStoreTimestamp(key));
    }
    for (const [k, starts] of this.index!) {
      const cached = live.get(k);
      if (cached === undefined) {
        this.index!.delete(k);
        continue;
      }
      for (const start of [...starts.values()]) if (!cached.has(start)) starts.delete(start);
    }
  }
}
