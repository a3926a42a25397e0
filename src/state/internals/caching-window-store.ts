import { TimeWindow, Windowed } from '../../dsl/windowed.js';
import { thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import type { WindowStore, WindowStoreIterator } from '../window-store.js';
import { AbstractWindowStore } from './abstract-window-store.js';
import { eachInOrder } from './change-logging-key-value-store.js';
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
 * Reads of one key find its cached windows through a small index of cached window starts per key, so a
 * sliding-window aggregation's per-record fetch does not scan the whole cache; multi-key reads scan it.
 * As in Java, cached windows are returned without a retention check (the store below applies retention).
 */
export class CachingWindowStore extends AbstractWindowStore<Buffer, Buffer> {
  private context: StateStoreContext | null = null;
  private cache: RecordCache | null = null;
  private namespace = '';
  private listener: RawWindowFlushListener | null = null;
  private sendOldValues = false;
  /** latin1(key) → window starts that may be cached (checked against the cache when read). */
  private readonly index = new Map<string, SortedNumbers>();
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
    return thenMaybe(this.cache?.flush(this.namespace), () => this.inner.flush());
  }

  close(): MaybePromise<void> {
    return thenMaybe(this.flush(), () => {
      this.cache?.close(this.namespace);
      this.index.clear();
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
    const k = latin1(key);
    let starts = this.index.get(k);
    if (starts === undefined) this.index.set(k, (starts = new SortedNumbers()));
    starts.add(windowStartTimestamp);
    if (++this.putsSincePrune >= PRUNE_EVERY) this.pruneIndex();
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
    const cache = this.cache;
    if (cache === null) return below;
    const cached: Array<{ key: number; value: Buffer | null }> = [];
    const starts = this.index.get(latin1(key));
    if (starts !== undefined) {
      for (const start of starts.between(timeFrom, timeTo)) {
        const hit = cache.get(this.namespace, windowStoreKey(key, start, 0));
        if (hit === null) starts.delete(start);
        else cached.push({ key: start, value: hit.value });
      }
    }
    if (!forward) cached.reverse();
    return thenMaybe(below, (it) => new MergedSortedIterator<number, Buffer>(cached, it, forward ? (a, b) => a - b : (a, b) => b - a));
  }

  protected fetchRange(keyFrom: Buffer | null, keyTo: Buffer | null, timeFrom: number, timeTo: number, forward: boolean) {
    const below = forward ? this.inner.fetch(keyFrom, keyTo, timeFrom, timeTo) : this.inner.backwardFetch(keyFrom, keyTo, timeFrom, timeTo);
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
   * Writes a flush of the cache below, one window after the other, each under the record context of its
   * last write, then hands it to the flush listener (Java's `putAndMaybeForward`).
   */
  private flushEntries(entries: DirtyEntry[]): MaybePromise<void> {
    const ctx = this.context!;
    const listener = this.listener;
    const sendOldValues = this.sendOldValues;
    return eachInOrder(entries.length, (i) => {
      const e = entries[i]!;
      const keyBytes = windowStoreKeyBytes(e.key);
      const start = windowStoreTimestamp(e.key);
      const newValue = e.value;
      if (listener === null) return ctx.withRecordContext(e.context, () => this.inner.put(keyBytes, newValue, start));
      const old = newValue === null || sendOldValues ? this.inner.fetch(keyBytes, start) : null;
      return thenMaybe(old, (oldValue) => {
        // a window absent below and deleted in the cache: nothing to write, nothing to forward
        if (newValue === null && oldValue === null) return;
        const windowed = new Windowed(Buffer.from(keyBytes), new TimeWindow(start, windowEndForSize(start, this.windowSize)));
        return ctx.withRecordContext(e.context, () =>
          thenMaybe(this.inner.put(keyBytes, newValue, start), () => listener(windowed, newValue, sendOldValues ? oldValue : null)),
        );
      });
    });
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
    for (const [k, starts] of this.index) {
      const cached = live.get(k);
      if (cached === undefined) {
        this.index.delete(k);
        continue;
      }
      for (const start of [...starts.values()]) if (!cached.has(start)) starts.delete(start);
    }
  }
}
