import { SessionWindow, Windowed, type WindowedLike } from '../../dsl/windowed.js';
import { thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';
import { ArrayKeyValueIterator, EmptyKeyValueIterator } from '../iterators.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import { AbstractSessionStore } from './abstract-window-store.js';
import { SegmentedBytesStore, upperBoundFor } from './segmented-bytes-store.js';
import { drain } from './window-iterators.js';
import { MAX_TIME, TIMESTAMP_SIZE, sessionEnd, sessionKey, sessionKeyBytes, sessionStart } from './window-key-schema.js';

/**
 * Java's `RocksDBSessionStore` over LevelDB segments (`Stores.persistentSessionStore`): sessions keyed
 * `[key][8-byte end][8-byte start]` in segments by session end; expired segments are dropped whole.
 * Scans run by segment, then stored key bytes (a key's sessions by end, then start).
 *
 * `findSessions(earliestEnd, latestEnd)` — which Java serves only from its time-ordered session store, the
 * one the DSL picks with `EmitStrategy.onWindowClose()` — is served here too, in that store's order (end
 * time, then key, then start), by reading the segments in range.
 */
export class SegmentedSessionStore extends AbstractSessionStore<Buffer, Buffer> {
  private readonly bytes: SegmentedBytesStore;

  constructor(
    private readonly storeName: string,
    retentionPeriod: number,
    segmentInterval: number,
  ) {
    super();
    this.bytes = new SegmentedBytesStore(storeName, retentionPeriod, segmentInterval, sessionEnd);
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

  segmentIds(): number[] {
    return this.bytes.segments.segmentIds();
  }

  put(key: WindowedLike<Buffer>, aggregate: Buffer | null): MaybePromise<void> {
    const binary = sessionKey(key.key, key.window.start, key.window.end);
    return this.bytes.whenReady(() => this.bytes.put(binary, aggregate ?? null));
  }

  remove(key: WindowedLike<Buffer>): MaybePromise<void> {
    const binary = sessionKey(key.key, key.window.start, key.window.end);
    return this.bytes.whenReady(() => this.bytes.remove(binary));
  }

  fetchSession(key: Buffer, sessionStartTime: number, sessionEndTime: number): MaybePromise<Buffer | null> {
    return this.bytes.whenReady(() => this.bytes.get(sessionKey(key, sessionStartTime, sessionEndTime)));
  }

  protected findRange(
    keyFrom: Buffer | null,
    keyTo: Buffer | null,
    earliestSessionEndTime: number,
    latestSessionStartTime: number,
    forward: boolean,
  ): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    if (keyFrom !== null && keyTo !== null && Buffer.compare(keyFrom, keyTo) > 0) return new EmptyKeyValueIterator<Windowed<Buffer>, Buffer>();
    return this.bytes.whenReady(() => {
      const from = this.bytes.actualFrom(earliestSessionEndTime);
      const singleKey = keyFrom !== null && keyTo !== null && keyFrom.equals(keyTo);
      // one key: Java's fixed-size bounds [key][from][0] .. [key][MAX][latestStart]
      const lower = singleKey ? sessionKey(keyFrom, 0, Math.max(0, from)) : keyFrom;
      const upper = singleKey ? sessionKey(keyTo, latestSessionStartTime, MAX_TIME) : keyTo === null ? null : upperBoundFor(keyTo, 2 * TIMESTAMP_SIZE);
      return this.bytes.scan(
        from,
        MAX_TIME,
        lower,
        upper,
        forward,
        (k) => {
          const keyBytes = sessionKeyBytes(k);
          return (
            (keyFrom === null || Buffer.compare(keyBytes, keyFrom) >= 0) &&
            (keyTo === null || Buffer.compare(keyBytes, keyTo) <= 0) &&
            sessionEnd(k) >= from &&
            sessionStart(k) <= latestSessionStartTime
          );
        },
        toWindowed,
      );
    });
  }

  protected findByEndTime(earliestSessionEndTime: number, latestSessionEndTime: number): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    return this.bytes.whenReady(() => {
      // as Java's time-ordered session store: only the live segments bound this read, not the retention
      const from = earliestSessionEndTime;
      const it = this.bytes.scan(from, latestSessionEndTime, null, null, true, (k) => {
        const end = sessionEnd(k);
        return end >= from && end <= latestSessionEndTime;
      }, toWindowed);
      return thenMaybe(drain(it), (entries) => {
        entries.sort((a, b) => a.key.window.end - b.key.window.end || Buffer.compare(a.key.key, b.key.key) || a.key.window.start - b.key.window.start);
        return new ArrayKeyValueIterator(entries, this.storeName);
      });
    });
  }

  /** The forward scan order (segment, then stored key bytes), for merging with a cache. */
  compareSessions(a: Windowed<Buffer>, b: Windowed<Buffer>): number {
    const segments = this.bytes.segments;
    return (
      segments.segmentId(a.window.end) - segments.segmentId(b.window.end) ||
      Buffer.compare(sessionKey(a.key, a.window.start, a.window.end), sessionKey(b.key, b.window.start, b.window.end))
    );
  }
}

function toWindowed(e: { key: Buffer; value: Buffer }): { key: Windowed<Buffer>; value: Buffer } {
  return {
    key: new Windowed(Buffer.from(sessionKeyBytes(e.key)), new SessionWindow(sessionStart(e.key), sessionEnd(e.key))),
    value: e.value,
  };
}
