import { Windowed } from '../../dsl/windowed.js';
import { ConfigError, SerializationError } from '../../errors/streams-error.js';
import type { Deserializer, Serde, Serializer } from '../../serde/serde.js';
import { thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';
import { MappedKeyValueIterator } from '../iterators.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import { TIMESTAMPED_STORE } from '../timestamped-key-value-store.js';
import type { ValueAndTimestamp } from '../value-and-timestamp.js';
import type { WindowStore, WindowStoreIterator } from '../window-store.js';
import { AbstractWindowStore } from './abstract-window-store.js';
import { CachingWindowStore } from './caching-window-store.js';
import type { FlushedChange } from './metered-key-value-store.js';
import { storeChangelogTopic } from './metered-key-value-store.js';
import { ValueAndTimestampSerde } from './value-and-timestamp-serde.js';

/**
 * Java's `MeteredWindowStore`: the outermost layer of a window store, turning typed keys and values into
 * bytes for the layers below (caching → change-logging → bytes store) and back. Null serdes are resolved at
 * `init` from the context's defaults (`default.key.serde` / `default.value.serde`); the serdes see the
 * changelog topic's name, as in Java. (No metrics are recorded yet; the name keeps Java's layering.)
 */
export class MeteredWindowStore<K, V> extends AbstractWindowStore<K, V> {
  private keySer!: Serializer<K>;
  private keyDeser!: Deserializer<K>;
  private valueSer!: Serializer<V>;
  private valueDeser!: Deserializer<V>;
  private context: StateStoreContext | null = null;
  private topic: string;
  private readonly deserializeValue = (bytes: Buffer | null): V | null => (bytes === null ? null : this.valueDeser.deserialize(this.topic, bytes));
  private readonly deserializeWindowed = (w: Windowed<Buffer>): Windowed<K> => new Windowed(this.keyDeser.deserialize(this.topic, w.key) as K, w.window);

  constructor(
    protected readonly inner: WindowStore<Buffer, Buffer>,
    private readonly scope: string,
    private readonly explicitKeySerde: Serde<K> | null,
    protected readonly explicitValueSerde: Serde<V> | null,
  ) {
    super();
    this.topic = inner.name();
    if (explicitKeySerde !== null) this.useKeySerde(explicitKeySerde);
    if (explicitValueSerde !== null) this.useValueSerde(explicitValueSerde);
  }

  /** The store below this one (Java's `WrappedStateStore.wrapped()`). */
  wrapped(): WindowStore<Buffer, Buffer> {
    return this.inner;
  }

  metricsScope(): string {
    return this.scope;
  }

  name(): string {
    return this.inner.name();
  }

  init(context: StateStoreContext, root: StateStore): MaybePromise<void> {
    const keySerde = this.explicitKeySerde ?? (context.keySerde() as Serde<K> | null);
    if (keySerde === null || keySerde === undefined) throw this.missingSerde('key');
    this.useKeySerde(keySerde);
    this.useValueSerde(this.resolveValueSerde(context));
    this.topic = storeChangelogTopic(context.applicationId(), this.name());
    this.context = context;
    return this.inner.init(context, root);
  }

  /**
   * With a record cache below, flushed windows reach `listener` typed (with the timestamp and headers of
   * the window's last write). Returns whether that is the case; if not, the caller forwards itself.
   */
  setFlushListener(listener: (change: FlushedChange<Windowed<K>, V>) => MaybePromise<void>, sendOldValues: boolean): boolean {
    if (!(this.inner instanceof CachingWindowStore)) return false;
    return this.inner.setFlushListener(
      (key, newValue, oldValue) =>
        listener({
          key: this.deserializeWindowed(key),
          newValue: this.deserializeValue(newValue),
          oldValue: this.deserializeValue(oldValue),
          timestamp: this.context!.recordTimestamp(),
          headers: this.context!.recordHeaders(),
        }),
      sendOldValues,
    );
  }

  flush(): MaybePromise<void> {
    return this.inner.flush();
  }

  /** Only the record cache below, if there is one (a commit; see StateStore.flushCache). */
  flushCache(): MaybePromise<void> {
    return this.inner.flushCache?.();
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
    return this.inner.put(this.serializeKey(key), this.serializeValue(value), windowStartTimestamp);
  }

  protected fetchOne(key: K, time: number): MaybePromise<V | null> {
    return thenMaybe(this.inner.fetch(this.serializeKey(key), time), this.deserializeValue);
  }

  protected fetchKey(key: K, timeFrom: number, timeTo: number, forward: boolean): MaybePromise<WindowStoreIterator<V>> {
    const k = this.serializeKey(key);
    const it = forward ? this.inner.fetch(k, timeFrom, timeTo) : this.inner.backwardFetch(k, timeFrom, timeTo);
    return thenMaybe(it, (i) => new MappedKeyValueIterator(i, (t: number) => t, this.deserializeValue as (b: Buffer) => V));
  }

  protected fetchRange(keyFrom: K | null, keyTo: K | null, timeFrom: number, timeTo: number, forward: boolean) {
    const from = this.serializeBound(keyFrom);
    const to = this.serializeBound(keyTo);
    const it = forward ? this.inner.fetch(from, to, timeFrom, timeTo) : this.inner.backwardFetch(from, to, timeFrom, timeTo);
    return thenMaybe(it, (i) => this.typed(i));
  }

  protected fetchAllRange(timeFrom: number, timeTo: number, forward: boolean): MaybePromise<KeyValueIterator<Windowed<K>, V>> {
    const it = forward ? this.inner.fetchAll(timeFrom, timeTo) : this.inner.backwardFetchAll(timeFrom, timeTo);
    return thenMaybe(it, (i) => this.typed(i));
  }

  protected allEntries(forward: boolean): MaybePromise<KeyValueIterator<Windowed<K>, V>> {
    return thenMaybe(forward ? this.inner.all() : this.inner.backwardAll(), (i) => this.typed(i));
  }

  protected resolveValueSerde(context: StateStoreContext): Serde<V> {
    const serde = this.explicitValueSerde ?? (context.valueSerde() as Serde<V> | null);
    if (serde === null || serde === undefined) throw this.missingSerde('value');
    return serde;
  }

  protected missingSerde(which: 'key' | 'value'): ConfigError {
    return new ConfigError(
      `State store ${this.name()} has no ${which} serde: pass one when building the store ` +
        `(e.g. Materialized.with${which === 'key' ? 'Key' : 'Value'}Serde or Stores.windowStoreBuilder) ` +
        `or set the default one with the config "default.${which}.serde"`,
    );
  }

  private typed(it: KeyValueIterator<Windowed<Buffer>, Buffer>): KeyValueIterator<Windowed<K>, V> {
    return new MappedKeyValueIterator(it, this.deserializeWindowed, this.deserializeValue as (b: Buffer) => V);
  }

  private useKeySerde(serde: Serde<K>): void {
    this.keySer = serde.serializer();
    this.keyDeser = serde.deserializer();
  }

  private useValueSerde(serde: Serde<V>): void {
    this.valueSer = serde.serializer();
    this.valueDeser = serde.deserializer();
  }

  private serializeKey(key: K): Buffer {
    if (this.keySer === undefined) throw new ConfigError(`State store ${this.name()} has not been initialized and has no serdes yet`);
    const bytes = this.keySer.serialize(this.topic, key);
    if (bytes === null) throw new SerializationError(`The key serializer of store ${this.name()} turned a non-null key into null`);
    return bytes;
  }

  private serializeBound(key: K | null): Buffer | null {
    return key === null || key === undefined ? null : this.serializeKey(key);
  }

  private serializeValue(value: V | null): Buffer | null {
    if (this.valueSer === undefined) throw new ConfigError(`State store ${this.name()} has not been initialized and has no serdes yet`);
    return value === null || value === undefined ? null : this.valueSer.serialize(this.topic, value);
  }
}

/**
 * Java's `MeteredTimestampedWindowStore`: a `TimestampedWindowStore<K, V>` (values `ValueAndTimestamp<V>`,
 * Java's bytes: 8-byte timestamp, then the value). The value serde given is the plain value's.
 */
export class MeteredTimestampedWindowStore<K, V> extends MeteredWindowStore<K, ValueAndTimestamp<V>> {
  readonly [TIMESTAMPED_STORE] = true as const;

  constructor(inner: WindowStore<Buffer, Buffer>, scope: string, keySerde: Serde<K> | null, valueSerde: Serde<V> | null) {
    super(inner, scope, keySerde, valueSerde === null || valueSerde === undefined ? null : new ValueAndTimestampSerde(valueSerde));
  }

  protected override resolveValueSerde(context: StateStoreContext): Serde<ValueAndTimestamp<V>> {
    if (this.explicitValueSerde !== null && this.explicitValueSerde !== undefined) return this.explicitValueSerde;
    const serde = context.valueSerde() as Serde<V> | null;
    if (serde === null || serde === undefined) throw this.missingSerde('value');
    return new ValueAndTimestampSerde(serde);
  }
}
