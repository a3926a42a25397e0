import type { Windowed } from '../../dsl/windowed.js';
import { thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import type { WindowStore, WindowStoreIterator } from '../window-store.js';
import { AbstractWindowStore } from './abstract-window-store.js';
import { timestampOf } from './value-and-timestamp-serde.js';
import { MAX_SEQNUM, windowStoreKey } from './window-key-schema.js';
import { isBatchWindowWriter, type WindowWrite } from './window-batch.js';
import { eachMaybe } from '../../util/maybe-each.js';

/**
 * Java's `ChangeLoggingWindowBytesStore` (and its timestamped variant): every write also goes to the
 * store's changelog topic, keyed by the window store key `[key][window start][seqnum]` (a fresh seqnum per
 * write when the store retains duplicates, 0 otherwise). For a timestamped store the changelog record
 * carries the plain value, with the value's timestamp as the record timestamp, as Java does.
 */
export class ChangeLoggingWindowBytesStore extends AbstractWindowStore<Buffer, Buffer> {
  private context: StateStoreContext | null = null;
  private seqnum = 0;

  constructor(
    private readonly inner: WindowStore<Buffer, Buffer>,
    private readonly retainDuplicates: boolean,
    private readonly timestamped: boolean,
  ) {
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

  put(key: Buffer, value: Buffer | null, windowStartTimestamp: number): MaybePromise<void> {
    return thenMaybe(this.inner.put(key, value, windowStartTimestamp), () => {
      if (this.retainDuplicates) this.seqnum = (this.seqnum + 1) & MAX_SEQNUM;
      this.log(windowStoreKey(key, windowStartTimestamp, this.seqnum), value);
    });
  }

  /** The batched write of a cache flush: the store below writes at once; each entry is logged when asked. */
  putManyThenEach(entries: readonly WindowWrite[], afterWrite: (index: number, log: (() => void) | null) => MaybePromise<void>): MaybePromise<void> {
    const logOf = (i: number) => () => {
      const e = entries[i]!;
      if (this.retainDuplicates) this.seqnum = (this.seqnum + 1) & MAX_SEQNUM;
      this.log(windowStoreKey(e.key, e.windowStart, this.seqnum), e.value);
    };
    if (isBatchWindowWriter(this.inner)) return this.inner.putManyThenEach(entries, (i) => afterWrite(i, logOf(i)));
    return eachMaybe(entries, (e, i) => thenMaybe(this.inner.put(e.key, e.value, e.windowStart), () => afterWrite(i, logOf(i))));
  }

  private log(storeKey: Buffer, value: Buffer | null): void {
    const ctx = this.context!;
    if (this.timestamped && value !== null) ctx.logChange(this.name(), storeKey, value.subarray(8), timestampOf(value));
    else ctx.logChange(this.name(), storeKey, value, ctx.recordTimestamp());
  }

  protected fetchOne(key: Buffer, time: number): MaybePromise<Buffer | null> {
    return this.inner.fetch(key, time);
  }

  protected fetchKey(key: Buffer, timeFrom: number, timeTo: number, forward: boolean): MaybePromise<WindowStoreIterator<Buffer>> {
    return forward ? this.inner.fetch(key, timeFrom, timeTo) : this.inner.backwardFetch(key, timeFrom, timeTo);
  }

  protected fetchRange(keyFrom: Buffer | null, keyTo: Buffer | null, timeFrom: number, timeTo: number, forward: boolean) {
    return forward ? this.inner.fetch(keyFrom, keyTo, timeFrom, timeTo) : this.inner.backwardFetch(keyFrom, keyTo, timeFrom, timeTo);
  }

  protected fetchAllRange(timeFrom: number, timeTo: number, forward: boolean): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    return forward ? this.inner.fetchAll(timeFrom, timeTo) : this.inner.backwardFetchAll(timeFrom, timeTo);
  }

  protected allEntries(forward: boolean): MaybePromise<KeyValueIterator<Windowed<Buffer>, Buffer>> {
    return forward ? this.inner.all() : this.inner.backwardAll();
  }
}
