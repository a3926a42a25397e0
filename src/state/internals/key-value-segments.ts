import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isPromise, type MaybePromise } from '../../util/maybe-promise.js';
import type { StateStoreContext } from '../state-store.js';
import { LevelKeyValueStore } from './level-key-value-store.js';
import { SortedNumbers } from './sorted-numbers.js';

/**
 * Java's `KeyValueSegments`: the time segments of a persistent window or session store. Each segment is a
 * LevelDB database holding the entries whose segment timestamp (window start, or session end) falls in
 * `[id * interval, (id + 1) * interval)`, stored at `<task dir>/<store>/<store>.<id * interval>` (Java's
 * names). Retention drops whole segments: once stream time has moved past a segment's time plus the
 * retention period, the segment is closed and its directory deleted, instead of deleting key by key.
 */
export class KeyValueSegments {
  private readonly segments = new Map<number, LevelKeyValueStore>();
  private readonly ids = new SortedNumbers();
  /** Segments being opened (LevelDB opens asynchronously); concurrent callers share the promise. */
  private readonly opening = new Map<number, Promise<LevelKeyValueStore>>();
  /** Expired segments being closed and deleted. */
  private dropping: Promise<void> | null = null;
  private context: StateStoreContext | null = null;

  constructor(
    private readonly name: string,
    private readonly retentionPeriod: number,
    readonly segmentInterval: number,
  ) {}

  /** Java's `segmentId`: integer division (truncating, as Java's `/`). */
  segmentId(timestamp: number): number {
    return Math.trunc(timestamp / this.segmentInterval);
  }

  segmentName(segmentId: number): string {
    return `${this.name}.${segmentId * this.segmentInterval}`;
  }

  /** The directory holding the segments: `<task state dir>/<store name>`. */
  private directory(): string {
    return join(this.context!.stateDir(), this.name);
  }

  /** Opens the segments left by an earlier run (Java's `openExisting`). */
  async openExisting(context: StateStoreContext): Promise<void> {
    this.context = context;
    const dir = this.directory();
    if (!existsSync(dir)) return;
    const prefix = `${this.name}.`;
    for (const entry of readdirSync(dir)) {
      if (!entry.startsWith(prefix)) continue;
      const time = Number(entry.slice(prefix.length));
      if (!Number.isSafeInteger(time)) continue;
      await this.getOrCreateSegment(this.segmentId(time));
    }
  }

  getSegmentForTimestamp(timestamp: number): LevelKeyValueStore | null {
    return this.segments.get(this.segmentId(timestamp)) ?? null;
  }

  /**
   * The segment, opened or created, if it is still within retention at `streamTime`; null if it has
   * expired. Drops the segments that have expired (Java's `getOrCreateSegmentIfLive` + cleanup).
   */
  getOrCreateSegmentIfLive(segmentId: number, streamTime: number): MaybePromise<LevelKeyValueStore | null> {
    const minLiveSegment = this.segmentId(streamTime - this.retentionPeriod);
    const segment = segmentId >= minLiveSegment ? this.getOrCreateSegment(segmentId) : null;
    this.cleanupExpiredSegments(minLiveSegment);
    return segment;
  }

  private getOrCreateSegment(segmentId: number): MaybePromise<LevelKeyValueStore> {
    const existing = this.segments.get(segmentId);
    if (existing !== undefined) return existing;
    let pending = this.opening.get(segmentId);
    if (pending === undefined) {
      const store = new LevelKeyValueStore(this.segmentName(segmentId));
      pending = Promise.resolve(store.init(this.segmentContext(), store)).then(() => {
        this.opening.delete(segmentId);
        this.segments.set(segmentId, store);
        this.ids.add(segmentId);
        return store;
      });
      this.opening.set(segmentId, pending);
    }
    return pending;
  }

  /** What a segment sees of the task: its directory is the store's; the store itself registers, not the segments. */
  private segmentContext(): StateStoreContext {
    const dir = this.directory();
    return Object.assign(Object.create(this.context) as StateStoreContext, {
      stateDir: () => dir,
      register: () => undefined,
    });
  }

  /** The open segments whose ids cover `[timeFrom, timeTo]`, oldest first (newest first when backward). */
  segmentsFor(timeFrom: number, timeTo: number, forward: boolean): LevelKeyValueStore[] {
    const ids = this.ids.between(this.segmentId(Math.max(0, timeFrom)), this.segmentId(timeTo));
    if (!forward) ids.reverse();
    return ids.map((id) => this.segments.get(id)!);
  }

  allSegments(forward: boolean): LevelKeyValueStore[] {
    const ids = [...this.ids.values()];
    if (!forward) ids.reverse();
    return ids.map((id) => this.segments.get(id)!);
  }

  /** The id of each open segment, ascending (for tests and tools). */
  segmentIds(): number[] {
    return [...this.ids.values()];
  }

  /**
   * Drops the expired segments: out of the maps at once, closed and deleted in the background (flush and
   * close wait for that). Never the segment being written: a write older than the expired ones was handed
   * to its segment before (as in Java, where it is written before later records expire it).
   */
  private cleanupExpiredSegments(minLiveSegment: number): void {
    const expired = this.ids.removeBelow(minLiveSegment);
    if (expired.length === 0) return;
    const drops = expired.map((id) => {
      const store = this.segments.get(id)!;
      this.segments.delete(id);
      const location = store.location();
      return store.close().then(() => (location === null ? undefined : rm(location, { recursive: true, force: true })));
    });
    const previous = this.dropping;
    const dropping: Promise<void> = Promise.all([previous, ...drops]).then(() => {
      if (this.dropping === dropping) this.dropping = null;
    });
    dropping.catch(() => undefined); // a failed drop fails the next flush (the commit), not the process
    this.dropping = dropping;
  }

  flush(): MaybePromise<void> {
    if (this.dropping !== null) return this.dropping.then(() => this.flush());
    let pending: Promise<void> | null = null;
    for (const store of this.segments.values()) {
      const r = store.flush();
      if (isPromise(r)) pending = pending === null ? r : pending.then(() => r);
    }
    return pending ?? undefined;
  }

  async close(): Promise<void> {
    await Promise.all([...this.opening.values()]).catch(() => undefined);
    await this.dropping;
    const stores = [...this.segments.values()];
    this.segments.clear();
    this.ids.clear();
    for (const store of stores) await store.close();
  }
}

/** Java's default segment interval of persistent window and session stores: max(retention / 2, 60 s). */
export function defaultSegmentInterval(retentionPeriod: number): number {
  return Math.max(Math.trunc(retentionPeriod / 2), 60_000);
}

