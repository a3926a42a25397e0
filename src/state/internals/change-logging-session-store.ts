import type { Windowed, WindowedLike } from '../../dsl/windowed.js';
import { thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';
import type { SessionStore } from '../session-store.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import { AbstractSessionStore } from './abstract-window-store.js';
import { sessionKey } from './window-key-schema.js';

/**
 * Java's `ChangeLoggingSessionBytesStore`: every put and remove also goes to the changelog topic, keyed
 * `[key][end][start]` (a remove as a tombstone), with the timestamp of the record being processed.
 */
export class ChangeLoggingSessionBytesStore extends AbstractSessionStore<Buffer, Buffer> {
  private context: StateStoreContext | null = null;

  constructor(private readonly inner: SessionStore<Buffer, Buffer>) {
    super();
  }

  name(): string {
    return this.inner.name();
  }

  init(context: StateStoreContext, root: StateStore): MaybePromise<void> {
    this.context = context;
    return this.inner.init(context, root);
  }

  flush(): MaybePromise<void> {
    return this.inner.flush();
  }

  close(): MaybePromise<void> {
    return this.inner.close();
  }

  persistent(): boolean {
    return this.inner.persistent();
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  put(key: WindowedLike<Buffer>, aggregate: Buffer | null): MaybePromise<void> {
    return thenMaybe(this.inner.put(key, aggregate), () => this.log(key, aggregate));
  }

  remove(key: WindowedLike<Buffer>): MaybePromise<void> {
    return thenMaybe(this.inner.remove(key), () => this.log(key, null));
  }

  private log(key: WindowedLike<Buffer>, value: Buffer | null): void {
    const ctx = this.context!;
    ctx.logChange(this.name(), sessionKey(key.key, key.window.start, key.window.end), value, ctx.recordTimestamp());
  }

  fetchSession(key: Buffer, sessionStartTime: number, sessionEndTime: number): MaybePromise<Buffer | null> {
    return this.inner.fetchSession(key, sessionStartTime, sessionEndTime);
  }

  protected findRange(keyFrom: Buffer | null, keyTo: Buffer | null, earliestEnd: number, latestStart: number, forward: boolean) {
    return forward
      ? this.inner.findSessions(keyFrom, keyTo, earliestEnd, latestStart)
      : this.inner.backwardFindSessions(keyFrom, keyTo, earliestEnd, latestStart);
  }

  protected findByEndTime(earliestEnd: number, latestEnd: number): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    return this.inner.findSessions(earliestEnd, latestEnd);
  }
}
