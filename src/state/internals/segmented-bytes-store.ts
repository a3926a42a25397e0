import { droppedRecordsSensor, metricsOf, type Counter } from '../../processor/internals/streams-metrics.js';
import { thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';
import type { KeyValue } from '../key-value.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import { KeyValueSegments } from './key-value-segments.js';
import { ChainedIterator } from './window-iterators.js';

/**
 * Java's `AbstractRocksDBSegmentedBytesStore`, over LevelDB segments: a bytes store whose keys carry a
 * timestamp (`segmentTimestamp`: the window start, or the session end) that picks their segment.
 *
 * The newest segment timestamp written is the store's stream time. A write whose segment has expired
 * (older than stream time minus retention, rounded down to its segment) is dropped and counted in
 * `dropped-records-total`; reads never return entries older than `streamTime - retention + 1`.
 * The window and session stores above it add their key layouts.
 */
export class SegmentedBytesStore {
  readonly segments: KeyValueSegments;
  private observedStreamTime = -1;
  private expired: Counter = droppedRecordsSensor(null, '');
  /** Changelog records being written back during restoration; operations wait for them. */
  private restoring: Promise<void> | null = null;
  private open = false;

  constructor(
    readonly name: string,
    readonly retentionPeriod: number,
    segmentInterval: number,
    private readonly segmentTimestamp: (storeKey: Buffer) => number,
    /**
     * Java's time-first (time-ordered) window stores keep one millisecond more: their reads drop entries
     * older than `streamTime - retention`, the others older than `streamTime - retention + 1`.
     */
    private readonly timeFirst = false,
  ) {
    this.segments = new KeyValueSegments(name, retentionPeriod, segmentInterval);
  }

  async init(context: StateStoreContext, root: StateStore): Promise<void> {
    this.expired = droppedRecordsSensor(metricsOf(context), context.taskId());
    await this.segments.openExisting(context);
    context.register(root, (key, value) => {
      this.restoring = (this.restoring ?? Promise.resolve()).then(() => this.put(key, value));
    });
    this.open = true;
  }

  isOpen(): boolean {
    return this.open;
  }

  /** Runs `fn` once restored records have been written (at once in the common case). */
  whenReady<T>(fn: () => MaybePromise<T>): MaybePromise<T> {
    const restoring = this.restoring;
    if (restoring === null) return fn();
    return restoring.then(() => {
      if (this.restoring === restoring) this.restoring = null;
      return this.whenReady(fn);
    });
  }

  /** The lower time bound reads apply: nothing older than the retention period. */
  actualFrom(from: number): number {
    return Math.max(from, this.minLiveTime());
  }

  private minLiveTime(): number {
    return this.observedStreamTime - this.retentionPeriod + (this.timeFirst ? 0 : 1);
  }

  put(storeKey: Buffer, value: Buffer | null): MaybePromise<void> {
    const timestamp = this.segmentTimestamp(storeKey);
    if (timestamp > this.observedStreamTime) this.observedStreamTime = timestamp;
    const segmentId = this.segments.segmentId(timestamp);
    return thenMaybe(this.segments.getOrCreateSegmentIfLive(segmentId, this.observedStreamTime), (segment) => {
      if (segment === null) {
        this.expired.record();
        return;
      }
      return segment.put(storeKey, value);
    });
  }

  /**
   * Writes many entries: each in its segment (expired ones dropped and counted), one batch per segment.
   * Stream time moves as if they were written one by one, in order.
   */
  putAll(entries: ReadonlyArray<{ key: Buffer; value: Buffer | null }>): MaybePromise<void> {
    // group by segment, noting the stream time at each segment's last entry (when its liveness is checked)
    const bySegment = new Map<number, { ops: Array<{ key: Buffer; value: Buffer | null }>; streamTime: number }>();
    for (const entry of entries) {
      const timestamp = this.segmentTimestamp(entry.key);
      if (timestamp > this.observedStreamTime) this.observedStreamTime = timestamp;
      const segmentId = this.segments.segmentId(timestamp);
      let group = bySegment.get(segmentId);
      if (group === undefined) bySegment.set(segmentId, (group = { ops: [], streamTime: this.observedStreamTime }));
      group.ops.push(entry);
      group.streamTime = this.observedStreamTime;
    }
    const pending: Array<Promise<void>> = [];
    for (const [segmentId, { ops, streamTime }] of bySegment) {
      const r = thenMaybe(this.segments.getOrCreateSegmentIfLive(segmentId, streamTime), (segment) => {
        if (segment === null) {
          this.expired.record(ops.length);
          return;
        }
        return segment.putAll(ops);
      });
      if (r instanceof Promise) pending.push(r);
    }
    return pending.length === 0 ? undefined : Promise.all(pending).then(() => undefined);
  }

  get(storeKey: Buffer): MaybePromise<Buffer | null> {
    const timestamp = this.segmentTimestamp(storeKey);
    if (timestamp < this.minLiveTime()) return null;
    return this.segments.getSegmentForTimestamp(timestamp)?.get(storeKey) ?? null;
  }

  /** Deletes one entry; as Java's, a removal also advances stream time to its timestamp. */
  remove(storeKey: Buffer): MaybePromise<void> {
    const timestamp = this.segmentTimestamp(storeKey);
    if (timestamp > this.observedStreamTime) this.observedStreamTime = timestamp;
    return this.segments.getSegmentForTimestamp(timestamp)?.put(storeKey, null);
  }

  /**
   * Scans the segments covering `[timeFrom, timeTo]` between the byte bounds (null: open), keeping the
   * entries `accept` likes (the key schema's exact condition: the byte bounds are only approximate).
   */
  scan<K, V>(
    timeFrom: number,
    timeTo: number,
    lower: Buffer | null,
    upper: Buffer | null,
    forward: boolean,
    accept: (storeKey: Buffer) => boolean,
    map: (entry: KeyValue<Buffer, Buffer>) => KeyValue<K, V>,
  ): KeyValueIterator<K, V> {
    const sources = this.segments
      .segmentsFor(timeFrom, timeTo, forward)
      .map((segment) => () => (forward ? segment.range(lower, upper) : segment.reverseRange(lower, upper)));
    return new ChainedIterator(sources, accept, map);
  }

  flush(): MaybePromise<void> {
    return this.whenReady(() => this.segments.flush());
  }

  async close(): Promise<void> {
    this.open = false;
    await this.restoring?.catch(() => undefined);
    await this.segments.close();
  }
}

/** `[key][0xff × suffixLength]`: an upper byte bound for every stored key whose key part is at most `key`. */
export function upperBoundFor(key: Buffer, suffixLength: number): Buffer {
  const out = Buffer.alloc(key.length + suffixLength, 0xff);
  key.copy(out, 0);
  return out;
}
