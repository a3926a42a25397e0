import { TimeWindow, Windowed } from '../../dsl/windowed.js';
import { InvalidStateStoreError } from '../../errors/streams-error.js';
import { droppedRecordsSensor, metricsOf, type Counter } from '../../processor/internals/streams-metrics.js';
import { ArrayKeyValueIterator, EmptyKeyValueIterator } from '../iterators.js';
import type { KeyValue } from '../key-value.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import type { WindowStoreIterator } from '../window-store.js';
import { AbstractWindowStore } from './abstract-window-store.js';
import { SortedNumbers } from './sorted-numbers.js';
import { MAX_SEQNUM, SEQNUM_SIZE, windowEndForSize, windowStoreKeyBytes, windowStoreTimestamp } from './window-key-schema.js';

const latin1 = (b: Buffer): string => b.toString('latin1');

/**
 * Java's `InMemoryWindowStore`: windows by start time, and within a start time keys in byte order. So its
 * multi-key scans (`fetch(keyFrom, keyTo, …)`, `fetchAll`, `all`) come out by window start, then key —
 * unlike the persistent store, which orders by segment, then key (as Java's two stores differ).
 *
 * Retention: the newest window start put so far is the store's stream time; a put of a window starting at
 * or before `streamTime - retention` is dropped (and counted in `dropped-records-total`), and windows older
 * than that are removed before every operation, so fetches never return them.
 *
 * With `retainDuplicates` every put is kept under a fresh sequence number (stream-stream joins' layout:
 * key bytes + 4-byte seqnum); `put(key, null)` is then a no-op and `fetch(key, time)` finds nothing, as in
 * Java. Iterators are snapshots taken when they are created (Java's are weakly consistent).
 */
export class InMemoryWindowStore extends AbstractWindowStore<Buffer, Buffer> {
  /** window start → latin1(key bytes [+ seqnum]) → value */
  private readonly slots = new Map<number, Map<string, Buffer>>();
  private readonly starts = new SortedNumbers();
  /** The sorted keys of a slot, computed on the first scan after its key set changed. */
  private readonly sortedKeys = new Map<number, string[]>();
  private seqnum = 0;
  private lastBound: Buffer | null = null;
  private lastBoundString = '';
  private observedStreamTime = -1;
  private open = false;
  private expired: Counter = droppedRecordsSensor(null, '');

  constructor(
    private readonly storeName: string,
    private readonly retentionPeriod: number,
    private readonly windowSize: number,
    private readonly retainDuplicates: boolean,
  ) {
    super();
  }

  name(): string {
    return this.storeName;
  }

  init(context: StateStoreContext, root: StateStore): void {
    this.expired = droppedRecordsSensor(metricsOf(context), context?.taskId?.() ?? '');
    context?.register(root, (key, value) => this.put(windowStoreKeyBytes(key), value, windowStoreTimestamp(key)));
    this.open = true;
  }

  flush(): void {}

  close(): void {
    this.slots.clear();
    this.starts.clear();
    this.sortedKeys.clear();
    this.open = false;
  }

  persistent(): boolean {
    return false;
  }

  isOpen(): boolean {
    return this.open;
  }

  put(key: Buffer, value: Buffer | null, windowStartTimestamp: number): void {
    this.checkOpen();
    this.removeExpired();
    if (windowStartTimestamp > this.observedStreamTime) this.observedStreamTime = windowStartTimestamp;
    if (windowStartTimestamp <= this.observedStreamTime - this.retentionPeriod) {
      this.expired.record();
      return;
    }
    if (value !== null && value !== undefined) {
      let k: string;
      if (this.retainDuplicates) {
        this.seqnum = (this.seqnum + 1) & MAX_SEQNUM;
        k = latin1(withSeqnum(key, this.seqnum));
      } else {
        k = latin1(key);
      }
      let slot = this.slots.get(windowStartTimestamp);
      if (slot === undefined) {
        this.slots.set(windowStartTimestamp, (slot = new Map()));
        this.starts.add(windowStartTimestamp);
      }
      if (!slot.has(k)) this.sortedKeys.delete(windowStartTimestamp);
      slot.set(k, value);
    } else if (!this.retainDuplicates) {
      const slot = this.slots.get(windowStartTimestamp);
      if (slot !== undefined && slot.delete(latin1(key))) {
        this.sortedKeys.delete(windowStartTimestamp);
        if (slot.size === 0) this.dropSlot(windowStartTimestamp);
      }
    }
  }

  protected fetchOne(key: Buffer, time: number): Buffer | null {
    this.checkOpen();
    this.removeExpired();
    if (time <= this.observedStreamTime - this.retentionPeriod) return null;
    return this.slots.get(time)?.get(latin1(key)) ?? null;
  }

  protected fetchKey(key: Buffer, timeFrom: number, timeTo: number, forward: boolean): WindowStoreIterator<Buffer> {
    this.checkOpen();
    this.removeExpired();
    const out: Array<KeyValue<number, Buffer>> = [];
    for (const start of this.startsIn(timeFrom, timeTo, forward)) {
      const slot = this.slots.get(start)!;
      if (!this.retainDuplicates) {
        const v = slot.get(latin1(key));
        if (v !== undefined) out.push({ key: start, value: v });
      } else {
        for (const k of this.keysIn(start, key, key, forward)) out.push({ key: start, value: slot.get(k)! });
      }
    }
    return new ArrayKeyValueIterator(out, this.storeName);
  }

  protected fetchRange(keyFrom: Buffer | null, keyTo: Buffer | null, timeFrom: number, timeTo: number, forward: boolean) {
    this.checkOpen();
    this.removeExpired();
    // Java returns nothing for an inverted key range (e.g. serdes whose bytes do not keep the keys' order)
    if (keyFrom !== null && keyTo !== null && Buffer.compare(keyFrom, keyTo) > 0) return new EmptyKeyValueIterator<Windowed<Buffer>, Buffer>();
    return this.scan(keyFrom, keyTo, timeFrom, timeTo, forward);
  }

  protected fetchAllRange(timeFrom: number, timeTo: number, forward: boolean): KeyValueIterator<Windowed<Buffer>, Buffer> {
    this.checkOpen();
    this.removeExpired();
    return this.scan(null, null, timeFrom, timeTo, forward);
  }

  protected allEntries(forward: boolean): KeyValueIterator<Windowed<Buffer>, Buffer> {
    this.checkOpen();
    this.removeExpired();
    return this.scan(null, null, 0, Number.MAX_SAFE_INTEGER, forward);
  }

  /** Java's order for multi-key scans: by window start, then key bytes (both reversed when backward). */
  compareWindowed(a: Windowed<Buffer>, b: Windowed<Buffer>): number {
    return a.window.start - b.window.start || Buffer.compare(a.key, b.key);
  }

  private scan(keyFrom: Buffer | null, keyTo: Buffer | null, timeFrom: number, timeTo: number, forward: boolean): KeyValueIterator<Windowed<Buffer>, Buffer> {
    const out: Array<KeyValue<Windowed<Buffer>, Buffer>> = [];
    for (const start of this.startsIn(timeFrom, timeTo, forward)) {
      const slot = this.slots.get(start)!;
      const window = new TimeWindow(start, windowEndForSize(start, this.windowSize));
      for (const k of this.keysIn(start, keyFrom, keyTo, forward)) {
        let keyBytes = Buffer.from(k, 'latin1');
        if (this.retainDuplicates) keyBytes = keyBytes.subarray(0, keyBytes.length - SEQNUM_SIZE);
        out.push({ key: new Windowed(keyBytes, window), value: slot.get(k)! });
      }
    }
    return new ArrayKeyValueIterator(out, this.storeName);
  }

  /** The live window starts in `[timeFrom, timeTo]`, in iteration order. */
  private startsIn(timeFrom: number, timeTo: number, forward: boolean): number[] {
    const minTime = Math.max(timeFrom, this.observedStreamTime - this.retentionPeriod + 1);
    if (timeTo < minTime) return [];
    const starts = this.starts.between(minTime, timeTo);
    return forward ? starts : starts.reverse();
  }

  /** The slot's stored keys within `[from, to]` (null: open), in byte order (reversed when backward). */
  private keysIn(start: number, from: Buffer | null, to: Buffer | null, forward: boolean): string[] {
    let keys = this.sortedKeys.get(start);
    if (keys === undefined) this.sortedKeys.set(start, (keys = [...this.slots.get(start)!.keys()].sort()));
    const lo = from === null ? null : this.keyString(from);
    const hi = to === null ? null : this.keyString(to);
    // With duplicates a stored key is the key plus a 4-byte seqnum: bounds apply to the key itself, as in
    // Java's iterator (a longer key that `from` prefixes sorts between from+seqnum 0 and from+seqnum max).
    const dups = this.retainDuplicates;
    const out: string[] = [];
    for (const k of keys) {
      const key = dups ? k.slice(0, k.length - SEQNUM_SIZE) : k;
      if (lo !== null && key < lo) continue;
      if (hi !== null && key > hi) {
        if (dups) continue;
        break;
      }
      out.push(k);
    }
    return forward ? out : out.reverse();
  }

  /** latin1 of a bound, remembered for the last buffer: a fetch asks once per window start with the same key. */
  private keyString(b: Buffer): string {
    if (b !== this.lastBound) {
      this.lastBound = b;
      this.lastBoundString = latin1(b);
    }
    return this.lastBoundString;
  }

  /** Java's `removeExpiredSegments`: drops every window older than `streamTime - retention + 1`. */
  private removeExpired(): void {
    const minLiveTime = Math.max(0, this.observedStreamTime - this.retentionPeriod + 1);
    for (const start of this.starts.removeBelow(minLiveTime)) {
      this.slots.delete(start);
      this.sortedKeys.delete(start);
    }
  }

  private dropSlot(start: number): void {
    this.slots.delete(start);
    this.sortedKeys.delete(start);
    this.starts.delete(start);
  }

  private checkOpen(): void {
    if (!this.open) throw new InvalidStateStoreError(`Store ${this.storeName} is currently closed`);
  }
}

/** Java's `wrapForDups`: the key followed by a 4-byte big-endian sequence number. */
function withSeqnum(key: Buffer, seqnum: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + SEQNUM_SIZE);
  key.copy(out, 0);
  out.writeInt32BE(seqnum, key.length);
  return out;
}
