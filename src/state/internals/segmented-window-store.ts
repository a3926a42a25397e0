import { TimeWindow, Windowed } from '../../dsl/windowed.js';
import { thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';
import { ArrayKeyValueIterator, EmptyKeyValueIterator } from '../iterators.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import type { WindowStoreIterator } from '../window-store.js';
import { AbstractWindowStore } from './abstract-window-store.js';
import { SegmentedBytesStore, upperBoundFor } from './segmented-bytes-store.js';
import { drain } from './window-iterators.js';
import type { WindowWrite } from './window-batch.js';
import { eachMaybe } from '../../util/maybe-each.js';
import {
  MAX_SEQNUM,
  SEQNUM_SIZE,
  TIMESTAMP_SIZE,
  windowEndForSize,
  windowStoreKey,
  windowStoreKeyBytes,
  windowStoreTimestamp,
} from './window-key-schema.js';

/**
 * Java's `RocksDBWindowStore` over LevelDB segments (`Stores.persistentWindowStore` and
 * `persistentTimestampedWindowStore`): entries keyed `[key][8-byte window start][4-byte seqnum]` in
 * segments by window start; expired segments are dropped whole.
 *
 * Scan order is Java's: by segment, then by stored key bytes — so a single key's windows come oldest
 * first, and a multi-key scan gives each segment's keys in byte order. A `timeOrdered` store (what the DSL
 * uses with `EmitStrategy.onWindowClose()`, Java's time-ordered window store) orders multi-key scans by
 * window start, then key, instead.
 */
export class SegmentedWindowStore extends AbstractWindowStore<Buffer, Buffer> {
  private readonly bytes: SegmentedBytesStore;
  private seqnum = 0;

  constructor(
    private readonly storeName: string,
    retentionPeriod: number,
    segmentInterval: number,
    private readonly windowSize: number,
    private readonly retainDuplicates: boolean,
    private readonly timeOrdered = false,
  ) {
    super();
    this.bytes = new SegmentedBytesStore(storeName, retentionPeriod, segmentInterval, windowStoreTimestamp, timeOrdered);
  }

  name(): string {
    return this.storeName;
  }

  init(context: StateStoreContext, root: StateStore): Promise<void> {
    return this.bytes.init(context, root);
  }

  flush(): MaybePromise<void> {
    return this.bytes.flush();
  }

  close(): Promise<void> {
    return this.bytes.close();
  }

  persistent(): boolean {
    return true;
  }

  isOpen(): boolean {
    return this.bytes.isOpen();
  }

  /** The ids of the open segments (for tests: retention drops whole segments). */
  segmentIds(): number[] {
    return this.bytes.segments.segmentIds();
  }

  put(key: Buffer, value: Buffer | null, windowStartTimestamp: number): MaybePromise<void> {
    // with duplicates every put is a new entry, so a delete has nothing to delete (Java skips it)
    if ((value === null || value === undefined) && this.retainDuplicates) return;
    if (this.retainDuplicates) this.seqnum = (this.seqnum + 1) & MAX_SEQNUM;
    const storeKey = windowStoreKey(key, windowStartTimestamp, this.seqnum);
    return this.bytes.whenReady(() => this.bytes.put(storeKey, value ?? null));
  }

  /** The batched write of a cache flush (see `BatchWindowWriter`): one LevelDB batch per segment. */
  putManyThenEach(entries: readonly WindowWrite[], afterWrite: (index: number, log: (() => void) | null) => MaybePromise<void>): MaybePromise<void> {
    const writes: Array<{ key: Buffer; value: Buffer | null }> = [];
    for (const e of entries) {
      if ((e.value === null || e.value === undefined) && this.retainDuplicates) continue;
      if (this.retainDuplicates) this.seqnum = (this.seqnum + 1) & MAX_SEQNUM;
      writes.push({ key: windowStoreKey(e.key, e.windowStart, this.seqnum), value: e.value ?? null });
    }
    return thenMaybe(
      this.bytes.whenReady(() => this.bytes.putAll(writes)),
      () => eachMaybe(entries, (_e, i) => afterWrite(i, null)),
    );
  }

  protected fetchOne(key: Buffer, time: number): MaybePromise<Buffer | null> {
    return this.bytes.whenReady(() => this.bytes.get(windowStoreKey(key, time, this.seqnum)));
  }

  protected fetchKey(key: Buffer, timeFrom: number, timeTo: number, forward: boolean): MaybePromise<WindowStoreIterator<Buffer>> {
    return this.bytes.whenReady(() => {
      const from = this.bytes.actualFrom(timeFrom);
      if (timeTo < from) return new EmptyKeyValueIterator<number, Buffer>();
      return this.bytes.scan(
        from,
        timeTo,
        windowStoreKey(key, Math.max(0, from), 0),
        windowStoreKey(key, timeTo, MAX_SEQNUM),
        forward,
        (k) => windowStoreKeyBytes(k).equals(key) && inTime(windowStoreTimestamp(k), from, timeTo),
        (e) => ({ key: windowStoreTimestamp(e.key), value: e.value }),
      );
    });
  }

  protected fetchRange(
    keyFrom: Buffer | null,
    keyTo: Buffer | null,
    timeFrom: number,
    timeTo: number,
    forward: boolean,
  ): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    if (keyFrom !== null && keyTo !== null && Buffer.compare(keyFrom, keyTo) > 0) return new EmptyKeyValueIterator<Windowed<Buffer>, Buffer>();
    return this.scanWindows(keyFrom, keyTo, timeFrom, timeTo, forward);
  }

  protected fetchAllRange(timeFrom: number, timeTo: number, forward: boolean): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    return this.scanWindows(null, null, timeFrom, timeTo, forward);
  }

  protected allEntries(forward: boolean): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    return this.scanWindows(null, null, 0, Number.MAX_SAFE_INTEGER, forward);
  }

  /** The order of multi-key scans (see the class comment), for merging with a cache. */
  compareWindowed(a: Windowed<Buffer>, b: Windowed<Buffer>): number {
    if (this.timeOrdered) return a.window.start - b.window.start || Buffer.compare(a.key, b.key);
    const segments = this.bytes.segments;
    return (
      segments.segmentId(a.window.start) - segments.segmentId(b.window.start) ||
      Buffer.compare(windowStoreKey(a.key, a.window.start, 0), windowStoreKey(b.key, b.window.start, 0))
    );
  }

  private scanWindows(
    keyFrom: Buffer | null,
    keyTo: Buffer | null,
    timeFrom: number,
    timeTo: number,
    forward: boolean,
  ): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    return this.bytes.whenReady(() => {
      const from = this.bytes.actualFrom(timeFrom);
      if (timeTo < from) return new EmptyKeyValueIterator<Windowed<Buffer>, Buffer>();
      const it = this.bytes.scan(
        from,
        timeTo,
        keyFrom,
        keyTo === null ? null : upperBoundFor(keyTo, TIMESTAMP_SIZE + SEQNUM_SIZE),
        forward,
        (k) => {
          const keyBytes = windowStoreKeyBytes(k);
          return (
            (keyFrom === null || Buffer.compare(keyBytes, keyFrom) >= 0) &&
            (keyTo === null || Buffer.compare(keyBytes, keyTo) <= 0) &&
            inTime(windowStoreTimestamp(k), from, timeTo)
          );
        },
        (e) => {
          const start = windowStoreTimestamp(e.key);
          return { key: new Windowed(Buffer.from(windowStoreKeyBytes(e.key)), new TimeWindow(start, windowEndForSize(start, this.windowSize))), value: e.value };
        },
      );
      if (!this.timeOrdered) return it;
      // Java's time-ordered store keeps [start][key][seqnum]: the same entries, by start time then key
      return thenMaybe(drain(it), (entries) => {
        entries.sort((a, b) => (forward ? 1 : -1) * (a.key.window.start - b.key.window.start || Buffer.compare(a.key.key, b.key.key)));
        return new ArrayKeyValueIterator(entries, this.storeName);
      });
    });
  }
}

function inTime(t: number, from: number, to: number): boolean {
  return t >= from && t <= to;
}
