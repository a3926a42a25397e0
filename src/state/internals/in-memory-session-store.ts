import { SessionWindow, Windowed, type WindowedLike } from '../../dsl/windowed.js';
import { InvalidStateStoreError } from '../../errors/streams-error.js';
import { droppedRecordsSensor, metricsOf, type Counter } from '../../processor/internals/streams-metrics.js';
import { ArrayKeyValueIterator, EmptyKeyValueIterator } from '../iterators.js';
import type { KeyValue } from '../key-value.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import { AbstractSessionStore } from './abstract-window-store.js';
import { SortedNumbers } from './sorted-numbers.js';
import { MAX_TIME, sessionEnd, sessionKeyBytes, sessionStart } from './window-key-schema.js';

const latin1 = (b: Buffer): string => b.toString('latin1');

/**
 * Java's `InMemorySessionStore`: sessions by end time, then key (byte order), then start time. Forward
 * scans go up in end time and key and down in start time; backward scans the reverse — Java's order.
 *
 * Retention: the newest session end put so far is the store's stream time; a session ending at or before
 * `streamTime - retention` is not stored (counted in `dropped-records-total`), and older sessions are
 * removed before every operation. Iterators are snapshots taken when they are created.
 */
export class InMemorySessionStore extends AbstractSessionStore<Buffer, Buffer> {
  /** session end → latin1(key) → session start → aggregate */
  private readonly byEnd = new Map<number, Map<string, Map<number, Buffer>>>();
  private readonly ends = new SortedNumbers();
  private readonly sortedKeys = new Map<number, string[]>();
  private observedStreamTime = -1;
  private open = false;
  private expired: Counter = droppedRecordsSensor(null, '');

  constructor(
    private readonly storeName: string,
    private readonly retentionPeriod: number,
  ) {
    super();
  }

  name(): string {
    return this.storeName;
  }

  init(context: StateStoreContext, root: StateStore): void {
    this.expired = droppedRecordsSensor(metricsOf(context), context?.taskId?.() ?? '');
    context?.register(root, (key, value) =>
      this.put(new Windowed(sessionKeyBytes(key), new SessionWindow(sessionStart(key), sessionEnd(key))), value),
    );
    this.open = true;
  }

  flush(): void {}

  close(): void {
    this.byEnd.clear();
    this.ends.clear();
    this.sortedKeys.clear();
    this.open = false;
  }

  persistent(): boolean {
    return false;
  }

  isOpen(): boolean {
    return this.open;
  }

  put(sessionKey: WindowedLike<Buffer>, aggregate: Buffer | null): void {
    this.checkOpen();
    this.removeExpired();
    const end = sessionKey.window.end;
    if (end > this.observedStreamTime) this.observedStreamTime = end;
    if (end <= this.observedStreamTime - this.retentionPeriod) {
      this.expired.record();
      return;
    }
    if (aggregate === null || aggregate === undefined) {
      this.remove(sessionKey);
      return;
    }
    let keys = this.byEnd.get(end);
    if (keys === undefined) {
      this.byEnd.set(end, (keys = new Map()));
      this.ends.add(end);
    }
    const k = latin1(sessionKey.key);
    let starts = keys.get(k);
    if (starts === undefined) {
      keys.set(k, (starts = new Map()));
      this.sortedKeys.delete(end);
    }
    starts.set(sessionKey.window.start, aggregate);
  }

  remove(sessionKey: WindowedLike<Buffer>): void {
    this.checkOpen();
    const end = sessionKey.window.end;
    const keys = this.byEnd.get(end);
    if (keys === undefined) return;
    const k = latin1(sessionKey.key);
    const starts = keys.get(k);
    if (starts === undefined) return;
    starts.delete(sessionKey.window.start);
    if (starts.size === 0) {
      keys.delete(k);
      this.sortedKeys.delete(end);
      if (keys.size === 0) {
        this.byEnd.delete(end);
        this.ends.delete(end);
      }
    }
  }

  fetchSession(key: Buffer, sessionStartTime: number, sessionEndTime: number): Buffer | null {
    this.checkOpen();
    this.removeExpired();
    if (sessionEndTime <= this.observedStreamTime - this.retentionPeriod) return null;
    return this.byEnd.get(sessionEndTime)?.get(latin1(key))?.get(sessionStartTime) ?? null;
  }

  protected findRange(
    keyFrom: Buffer | null,
    keyTo: Buffer | null,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
    forward: boolean,
  ): KeyValueIterator<Windowed<Buffer>, Buffer> {
    this.checkOpen();
    this.removeExpired();
    if (keyFrom !== null && keyTo !== null && Buffer.compare(keyFrom, keyTo) > 0) return new EmptyKeyValueIterator<Windowed<Buffer>, Buffer>();
    return this.scan(keyFrom, keyTo, earliestSessionEndTime, MAX_TIME, latestSessionStartTime, forward);
  }

  protected findByEndTime(earliestSessionEndTime: number, latestSessionEndTime: number): KeyValueIterator<Windowed<Buffer>, Buffer> {
    this.checkOpen();
    this.removeExpired();
    return this.scan(null, null, earliestSessionEndTime, latestSessionEndTime, MAX_TIME, true);
  }

  /** The forward iteration order (end, key, start descending), for merging with a cache. */
  compareSessions(a: Windowed<Buffer>, b: Windowed<Buffer>): number {
    return a.window.end - b.window.end || Buffer.compare(a.key, b.key) || b.window.start - a.window.start;
  }

  private scan(
    keyFrom: Buffer | null,
    keyTo: Buffer | null,
    endFrom: number,
    endTo: number,
    latestStart: number,
    forward: boolean,
  ): KeyValueIterator<Windowed<Buffer>, Buffer> {
    const out: Array<KeyValue<Windowed<Buffer>, Buffer>> = [];
    const ends = this.ends.between(endFrom, endTo);
    if (!forward) ends.reverse();
    const lo = keyFrom === null ? null : latin1(keyFrom);
    const hi = keyTo === null ? null : latin1(keyTo);
    for (const end of ends) {
      const keys = this.byEnd.get(end)!;
      let sorted = this.sortedKeys.get(end);
      if (sorted === undefined) this.sortedKeys.set(end, (sorted = [...keys.keys()].sort()));
      const inRange = sorted.filter((k) => (lo === null || k >= lo) && (hi === null || k <= hi));
      if (!forward) inRange.reverse();
      for (const k of inRange) {
        const keyBytes = Buffer.from(k, 'latin1');
        const starts = [...keys.get(k)!.entries()].filter(([s]) => s <= latestStart);
        // Java: forward scans give a key's sessions newest start first, backward scans oldest first
        starts.sort(forward ? (a, b) => b[0] - a[0] : (a, b) => a[0] - b[0]);
        for (const [start, value] of starts) out.push({ key: new Windowed(keyBytes, new SessionWindow(start, end)), value });
      }
    }
    return new ArrayKeyValueIterator(out, this.storeName);
  }

  private removeExpired(): void {
    const minLiveTime = Math.max(0, this.observedStreamTime - this.retentionPeriod + 1);
    for (const end of this.ends.removeBelow(minLiveTime)) {
      this.byEnd.delete(end);
      this.sortedKeys.delete(end);
    }
  }

  private checkOpen(): void {
    if (!this.open) throw new InvalidStateStoreError(`Store ${this.storeName} is currently closed`);
  }
}
