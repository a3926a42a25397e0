import type { Windowed } from '../../dsl/windowed.js';
import { thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';
import { MappedKeyValueIterator } from '../iterators.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import { ValueAndTimestamp } from '../value-and-timestamp.js';
import type { TimestampedWindowStore, WindowStoreIterator } from '../window-store.js';
import { AbstractWindowStore } from './abstract-window-store.js';
import { NO_TIMESTAMP } from './key-value-store-facade.js';

const plain = <V>(vt: ValueAndTimestamp<V> | null): V | null => (vt === null ? null : vt.value);
const identity = <T>(x: T): T => x;

/**
 * Java's `WindowStoreFacade` (what the TopologyTestDriver's `getWindowStore` returns for a timestamped
 * window store, e.g. every windowed DSL store): reads drop the timestamps; writes store the value with
 * timestamp -1, as Java does.
 */
export class WindowStoreFacade<K, V> extends AbstractWindowStore<K, V> {
  constructor(private readonly inner: TimestampedWindowStore<K, V>) {
    super();
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

  put(key: K, value: V | null, windowStartTimestamp: number): MaybePromise<void> {
    return this.inner.put(key, ValueAndTimestamp.make(value, NO_TIMESTAMP), windowStartTimestamp);
  }

  protected fetchOne(key: K, time: number): MaybePromise<V | null> {
    return thenMaybe(this.inner.fetch(key, time), plain);
  }

  protected fetchKey(key: K, timeFrom: number, timeTo: number, forward: boolean): MaybePromise<WindowStoreIterator<V>> {
    const it = forward ? this.inner.fetch(key, timeFrom, timeTo) : this.inner.backwardFetch(key, timeFrom, timeTo);
    return thenMaybe(it, (i) => new MappedKeyValueIterator(i, identity<number>, plain as (vt: ValueAndTimestamp<V>) => V));
  }

  protected fetchRange(keyFrom: K | null, keyTo: K | null, timeFrom: number, timeTo: number, forward: boolean) {
    const it = forward ? this.inner.fetch(keyFrom, keyTo, timeFrom, timeTo) : this.inner.backwardFetch(keyFrom, keyTo, timeFrom, timeTo);
    return thenMaybe(it, (i) => this.plainIterator(i));
  }

  protected fetchAllRange(timeFrom: number, timeTo: number, forward: boolean): MaybePromise<KeyValueIterator<Windowed<K>, V>> {
    return thenMaybe(forward ? this.inner.fetchAll(timeFrom, timeTo) : this.inner.backwardFetchAll(timeFrom, timeTo), (i) => this.plainIterator(i));
  }

  protected allEntries(forward: boolean): MaybePromise<KeyValueIterator<Windowed<K>, V>> {
    return thenMaybe(forward ? this.inner.all() : this.inner.backwardAll(), (i) => this.plainIterator(i));
  }

  private plainIterator(it: KeyValueIterator<Windowed<K>, ValueAndTimestamp<V>>): KeyValueIterator<Windowed<K>, V> {
    return new MappedKeyValueIterator(it, identity<Windowed<K>>, plain as (vt: ValueAndTimestamp<V>) => V);
  }
}
