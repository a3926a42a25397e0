import type { Serializer } from '../../serde/serde.js';
import type { MaybePromise } from '../../util/maybe-promise.js';
import type { KeyValue } from '../key-value.js';
import type { KeyValueIterator, KeyValueStore, StateStore, StateStoreContext } from '../state-store.js';
import { isPromise, thenMaybe } from '../../util/maybe-promise.js';

/**
 * Java's `ChangeLoggingKeyValueBytesStore`: every write to the bytes store below is also sent to the store's
 * changelog topic, so that the store can be rebuilt elsewhere. For a timestamped store the changelog record
 * carries the plain value with the value's timestamp as the record timestamp, as Java does.
 */
export class ChangeLoggingKeyValueBytesStore implements KeyValueStore<Buffer, Buffer> {
  private context: StateStoreContext | null = null;

  constructor(
    private readonly inner: KeyValueStore<Buffer, Buffer>,
    private readonly timestamped: boolean,
  ) {}

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

  private log(key: Buffer, value: Buffer | null): void {
    const ctx = this.context!;
    if (this.timestamped && value !== null) {
      ctx.logChange(this.name(), key, value.subarray(8), Number(value.readBigInt64BE(0)));
    } else {
      ctx.logChange(this.name(), key, value, ctx.recordTimestamp());
    }
  }

  put(key: Buffer, value: Buffer | null): MaybePromise<void> {
    return thenMaybe(this.inner.put(key, value), () => this.log(key, value));
  }

  putIfAbsent(key: Buffer, value: Buffer | null): MaybePromise<Buffer | null> {
    return thenMaybe(this.inner.putIfAbsent(key, value), (previous) => {
      if (previous === null) this.log(key, value);
      return previous;
    });
  }

  putAll(entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>): MaybePromise<void> {
    return thenMaybe(this.inner.putAll(entries), () => {
      for (const e of entries) this.log(e.key, e.value);
    });
  }

  /**
   * The batched write of a cache flush: writes all entries below in one `putAll`, then for each entry, in
   * order, calls `afterWrite(i, log)`, where `log()` sends that entry's changelog record (the caching layer
   * calls it under the entry's record context, then hands the change to its flush listener).
   */
  putAllThenLog(
    entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>,
    afterWrite: (index: number, log: () => void) => MaybePromise<void>,
  ): MaybePromise<void> {
    return thenMaybe(this.inner.putAll(entries), () =>
      eachInOrder(entries.length, (i) => afterWrite(i, () => this.log(entries[i]!.key, entries[i]!.value))),
    );
  }

  delete(key: Buffer): MaybePromise<Buffer | null> {
    return thenMaybe(this.inner.delete(key), (previous) => {
      this.log(key, null);
      return previous;
    });
  }

  get(key: Buffer): MaybePromise<Buffer | null> {
    return this.inner.get(key);
  }

  range(from: Buffer | null, to: Buffer | null): MaybePromise<KeyValueIterator<Buffer, Buffer>> {
    return this.inner.range(from, to);
  }

  reverseRange(from: Buffer | null, to: Buffer | null): MaybePromise<KeyValueIterator<Buffer, Buffer>> {
    return this.inner.reverseRange(from, to);
  }

  all(): MaybePromise<KeyValueIterator<Buffer, Buffer>> {
    return this.inner.all();
  }

  reverseAll(): MaybePromise<KeyValueIterator<Buffer, Buffer>> {
    return this.inner.reverseAll();
  }

  prefixScan<P>(prefix: P, prefixKeySerializer: Serializer<P>): MaybePromise<KeyValueIterator<Buffer, Buffer>> {
    return this.inner.prefixScan(prefix, prefixKeySerializer);
  }

  approximateNumEntries(): MaybePromise<number> {
    return this.inner.approximateNumEntries();
  }
}

/** Calls `fn(0)`, `fn(1)`, … `fn(n - 1)` one after the other, waiting for those that return a promise. */
export function eachInOrder(n: number, fn: (index: number) => MaybePromise<void>): MaybePromise<void> {
  const from = (start: number): MaybePromise<void> => {
    for (let i = start; i < n; i++) {
      const r = fn(i);
      if (isPromise(r)) return r.then(() => from(i + 1));
    }
  };
  return from(0);
}
