import type { Serializer } from '../../serde/serde.js';
import type { MaybePromise } from '../../util/maybe-promise.js';
import { MappedKeyValueIterator } from '../iterators.js';
import type { KeyValue } from '../key-value.js';
import type { KeyValueIterator, KeyValueStore, ReadOnlyKeyValueStore, StateStore, StateStoreContext } from '../state-store.js';
import type { ReadOnlyTimestampedKeyValueStore, TimestampedKeyValueStore } from '../timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../value-and-timestamp.js';
import { thenMaybe } from '../../util/maybe-promise.js';

/** Java's `ConsumerRecord.NO_TIMESTAMP`: the timestamp the facade writes with. */
export const NO_TIMESTAMP = -1;

const identity = <T>(x: T): T => x;
const plainValue = <V>(vt: ValueAndTimestamp<V> | null): V | null => (vt === null ? null : vt.value);

/**
 * Java's `ReadOnlyKeyValueStoreFacade`: a timestamped store seen as a plain-value read-only store
 * (the timestamps are dropped). What interactive queries return for `QueryableStoreTypes.keyValueStore()`
 * over a timestamped store.
 */
export class ReadOnlyKeyValueStoreFacade<K, V> implements ReadOnlyKeyValueStore<K, V> {
  constructor(protected readonly inner: ReadOnlyTimestampedKeyValueStore<K, V>) {}

  get(key: K): MaybePromise<V | null> {
    return thenMaybe(this.inner.get(key), plainValue);
  }

  range(from: K | null, to: K | null): MaybePromise<KeyValueIterator<K, V>> {
    return thenMaybe(this.inner.range(from, to), plainIterator);
  }

  reverseRange(from: K | null, to: K | null): MaybePromise<KeyValueIterator<K, V>> {
    return thenMaybe(this.inner.reverseRange(from, to), plainIterator);
  }

  all(): MaybePromise<KeyValueIterator<K, V>> {
    return thenMaybe(this.inner.all(), plainIterator);
  }

  reverseAll(): MaybePromise<KeyValueIterator<K, V>> {
    return thenMaybe(this.inner.reverseAll(), plainIterator);
  }

  prefixScan<P>(prefix: P, prefixKeySerializer: Serializer<P>): MaybePromise<KeyValueIterator<K, V>> {
    return thenMaybe(this.inner.prefixScan(prefix, prefixKeySerializer), plainIterator);
  }

  approximateNumEntries(): MaybePromise<number> {
    return this.inner.approximateNumEntries();
  }
}

/**
 * Java's `KeyValueStoreFacade` (used by the TopologyTestDriver's `getKeyValueStore` for timestamped
 * stores): a timestamped store seen as a plain-value `KeyValueStore`. Reads drop the timestamps; writes
 * store `ValueAndTimestamp.make(value, NO_TIMESTAMP)`, i.e. timestamp -1, as Java does.
 */
export class KeyValueStoreFacade<K, V> extends ReadOnlyKeyValueStoreFacade<K, V> implements KeyValueStore<K, V> {
  constructor(protected override readonly inner: TimestampedKeyValueStore<K, V>) {
    super(inner);
  }

  /** The timestamped store behind the facade. */
  timestampedStore(): TimestampedKeyValueStore<K, V> {
    return this.inner;
  }

  put(key: K, value: V | null): MaybePromise<void> {
    return this.inner.put(key, ValueAndTimestamp.make(value, NO_TIMESTAMP));
  }

  putIfAbsent(key: K, value: V | null): MaybePromise<V | null> {
    return thenMaybe(this.inner.putIfAbsent(key, ValueAndTimestamp.make(value, NO_TIMESTAMP)), plainValue);
  }

  putAll(entries: ReadonlyArray<KeyValue<K, V | null>>): MaybePromise<void> {
    return this.inner.putAll(entries.map((e) => ({ key: e.key, value: ValueAndTimestamp.make(e.value, NO_TIMESTAMP) })));
  }

  delete(key: K): MaybePromise<V | null> {
    return thenMaybe(this.inner.delete(key), plainValue);
  }

  name(): string {
    return this.inner.name();
  }

  init(context: StateStoreContext, root: StateStore): MaybePromise<void> {
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
}

function plainIterator<K, V>(iterator: KeyValueIterator<K, ValueAndTimestamp<V>>): KeyValueIterator<K, V> {
  return new MappedKeyValueIterator(iterator, identity<K>, (vt: ValueAndTimestamp<V>) => vt.value);
}
