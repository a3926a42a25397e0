import { SessionWindow, Windowed, type WindowedLike } from '../../dsl/windowed.js';
import { thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';
import type { SessionStore } from '../session-store.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import { AbstractSessionStore } from './abstract-window-store.js';
import { eachInOrder } from './change-logging-key-value-store.js';
import type { DirtyEntry, RecordCache } from './record-cache.js';
import { MergedSortedIterator } from './window-iterators.js';
import { sessionEnd, sessionKey, sessionKeyBytes, sessionStart } from './window-key-schema.js';

/** Called for each flushed session with the bytes of its new and (if asked for) old aggregate. */
export type RawSessionFlushListener = (key: Windowed<Buffer>, newValue: Buffer | null, oldValue: Buffer | null) => MaybePromise<void>;

/** The forward iteration order of the session store below. */
export type SessionOrder = (a: Windowed<Buffer>, b: Windowed<Buffer>) => number;

const latin1 = (b: Buffer): string => b.toString('latin1');
/** How often (in puts) the index forgets sessions the cache has evicted. */
const PRUNE_EVERY = 100_000;

/**
 * Java's `CachingSessionStore`: puts and removes (a remove is a cached null) go to the record cache keyed
 * `[key][end][start]`, and reach the store below when the cache flushes or evicts them, each under the record
 * context of its last write, then to the flush listener. A removal of a session that exists neither below
 * nor in the cache is dropped. Reads overlay cached sessions on the store's — as in Java, cached sessions
 * are returned without a retention check. Without a record cache everything passes straight through.
 */
export class CachingSessionStore extends AbstractSessionStore<Buffer, Buffer> {
  private context: StateStoreContext | null = null;
  private cache: RecordCache | null = null;
  private namespace = '';
  private listener: RawSessionFlushListener | null = null;
  private sendOldValues = false;
  /** latin1(key) → latin1 cache keys of sessions that may be cached (checked against the cache when read). */
  private readonly index = new Map<string, Set<string>>();
  private putsSincePrune = 0;

  constructor(
    private readonly inner: SessionStore<Buffer, Buffer>,
    /** Kept for parity with Java's constructor; cached sessions are not checked against it (as in Java). */
    readonly retentionPeriod: number,
    private readonly order: SessionOrder,
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

  setFlushListener(listener: RawSessionFlushListener, sendOldValues: boolean): boolean {
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

  put(key: WindowedLike<Buffer>, aggregate: Buffer | null): MaybePromise<void> {
    const cache = this.cache;
    if (cache === null) return this.inner.put(key, aggregate);
    const binary = sessionKey(key.key, key.window.start, key.window.end);
    const k = latin1(key.key);
    let cachedKeys = this.index.get(k);
    if (cachedKeys === undefined) this.index.set(k, (cachedKeys = new Set()));
    cachedKeys.add(latin1(binary));
    if (++this.putsSincePrune >= PRUNE_EVERY) this.pruneIndex();
    return cache.put(this.namespace, binary, { value: aggregate ?? null, dirty: true, context: this.context!.recordContext() });
  }

  remove(key: WindowedLike<Buffer>): MaybePromise<void> {
    return this.put(key, null);
  }

  fetchSession(key: Buffer, sessionStartTime: number, sessionEndTime: number): MaybePromise<Buffer | null> {
    const cache = this.cache;
    if (cache !== null) {
      const hit = cache.get(this.namespace, sessionKey(key, sessionStartTime, sessionEndTime));
      if (hit !== null) return hit.value;
    }
    return this.inner.fetchSession(key, sessionStartTime, sessionEndTime);
  }

  protected findRange(keyFrom: Buffer | null, keyTo: Buffer | null, earliestEnd: number, latestStart: number, forward: boolean) {
    const below = forward
      ? this.inner.findSessions(keyFrom, keyTo, earliestEnd, latestStart)
      : this.inner.backwardFindSessions(keyFrom, keyTo, earliestEnd, latestStart);
    const cache = this.cache;
    if (cache === null) return below;
    if (keyFrom !== null && keyTo !== null && Buffer.compare(keyFrom, keyTo) > 0) return below;
    const accept = (binary: Buffer): boolean => {
      const keyBytes = sessionKeyBytes(binary);
      return (
        sessionEnd(binary) >= earliestEnd &&
        sessionStart(binary) <= latestStart &&
        (keyFrom === null || Buffer.compare(keyBytes, keyFrom) >= 0) &&
        (keyTo === null || Buffer.compare(keyBytes, keyTo) <= 0)
      );
    };
    // one key (what the session aggregation asks per record): its index entries, not the whole cache
    const single = keyFrom !== null && keyTo !== null && keyFrom.equals(keyTo);
    return this.merged(below, single ? this.cachedOfKey(keyFrom) : this.cachedAll(), accept, forward);
  }

  protected findByEndTime(earliestEnd: number, latestEnd: number): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    const below = this.inner.findSessions(earliestEnd, latestEnd);
    if (this.cache === null) return below;
    const accept = (binary: Buffer): boolean => sessionEnd(binary) >= earliestEnd && sessionEnd(binary) <= latestEnd;
    // the store below answers in end-time order here (Java's time-ordered session store)
    const byEnd = (a: Windowed<Buffer>, b: Windowed<Buffer>): number =>
      a.window.end - b.window.end || Buffer.compare(a.key, b.key) || a.window.start - b.window.start;
    const cached = this.cachedAll()
      .filter((c) => accept(c.binary))
      .map((c) => ({ key: toWindowed(c.binary), value: c.value }))
      .sort((a, b) => byEnd(a.key, b.key));
    return thenMaybe(below, (it) => new MergedSortedIterator(cached, it, byEnd));
  }

  private cachedOfKey(key: Buffer): Array<{ binary: Buffer; value: Buffer | null }> {
    const keys = this.index.get(latin1(key));
    if (keys === undefined) return [];
    const out: Array<{ binary: Buffer; value: Buffer | null }> = [];
    for (const k of keys) {
      const binary = Buffer.from(k, 'latin1');
      const hit = this.cache!.get(this.namespace, binary);
      if (hit === null) keys.delete(k);
      else out.push({ binary, value: hit.value });
    }
    if (keys.size === 0) this.index.delete(latin1(key));
    return out;
  }

  /** Forgets index entries the cache no longer holds (evicted), so that the index stays as small as the cache. */
  private pruneIndex(): void {
    this.putsSincePrune = 0;
    const live = new Set(this.cache!.range(this.namespace, null, null).map((e) => latin1(e.key)));
    for (const [k, keys] of this.index) {
      for (const binary of [...keys]) if (!live.has(binary)) keys.delete(binary);
      if (keys.size === 0) this.index.delete(k);
    }
  }

  private cachedAll(): Array<{ binary: Buffer; value: Buffer | null }> {
    return this.cache!.range(this.namespace, null, null).map(({ key, entry }) => ({ binary: key, value: entry.value }));
  }

  private merged(
    below: MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>>,
    candidates: Array<{ binary: Buffer; value: Buffer | null }>,
    accept: (binary: Buffer) => boolean,
    forward: boolean,
  ): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    const compare = forward ? this.order : (a: Windowed<Buffer>, b: Windowed<Buffer>) => this.order(b, a);
    const cached = candidates
      .filter((c) => accept(c.binary))
      .map((c) => ({ key: toWindowed(c.binary), value: c.value }))
      .sort((a, b) => compare(a.key, b.key));
    return thenMaybe(below, (it) => new MergedSortedIterator(cached, it, compare));
  }

  /** Java's `putAndMaybeForward`: writes each flushed session below, then hands it to the listener. */
  private flushEntries(entries: DirtyEntry[]): MaybePromise<void> {
    const ctx = this.context!;
    const listener = this.listener;
    const sendOldValues = this.sendOldValues;
    return eachInOrder(entries.length, (i) => {
      const e = entries[i]!;
      const windowed = toWindowed(e.key);
      const newValue = e.value;
      if (listener === null) return ctx.withRecordContext(e.context, () => this.inner.put(windowed, newValue));
      const old = newValue === null || sendOldValues ? this.inner.fetchSession(windowed.key, windowed.window.start, windowed.window.end) : null;
      return thenMaybe(old, (oldValue) => {
        if (newValue === null && oldValue === null) return;
        return ctx.withRecordContext(e.context, () =>
          thenMaybe(this.inner.put(windowed, newValue), () => listener(windowed, newValue, sendOldValues ? oldValue : null)),
        );
      });
    });
  }

}

function toWindowed(binary: Buffer): Windowed<Buffer> {
  return new Windowed(Buffer.from(sessionKeyBytes(binary)), new SessionWindow(sessionStart(binary), sessionEnd(binary)));
}

