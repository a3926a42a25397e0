import { ConfigError, IllegalArgumentError, SerializationError } from '../../errors/streams-error.js';
import type { Deserializer, Serde, Serializer } from '../../serde/serde.js';
import type { MaybePromise } from '../../util/maybe-promise.js';
import { MappedKeyValueIterator } from '../iterators.js';
import type { KeyValue } from '../key-value.js';
import type { KeyValueIterator, KeyValueStore, StateStore, StateStoreContext } from '../state-store.js';
import { TIMESTAMPED_STORE } from '../timestamped-key-value-store.js';
import type { ValueAndTimestamp } from '../value-and-timestamp.js';
import { thenMaybe } from '../../util/maybe-promise.js';
import { ValueAndTimestampSerde } from './value-and-timestamp-serde.js';
import { CachingKeyValueStore } from './caching-key-value-store.js';
import type { Headers } from '../../processor/headers.js';

/** Java's `ProcessorStateManager.storeChangelogTopic`: the name of a store's changelog topic. */
export function storeChangelogTopic(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

/** A change flushed from the record cache, as a KTable operator's flush listener receives it. */
export interface FlushedChange<K, V> {
  readonly key: K;
  readonly newValue: V | null;
  readonly oldValue: V | null;
  readonly timestamp: number;
  readonly headers: Headers;
}

/** A serializer for bytes that are already serialized (used to hand a serialized prefix down). */
const BYTES_AS_IS: Serializer<Buffer> = { serialize: (_topic, data) => data };

/**
 * Java's `MeteredKeyValueStore`: the outermost layer of a key-value store, turning typed keys and values
 * into bytes for the layers below (caching → change-logging → bytes store) and back.
 *
 * Serdes may be null at construction; `init` then takes the context's default serdes
 * (`default.key.serde` / `default.value.serde`) and fails with a `ConfigError` naming the store if there
 * are none. Serialization uses the store's changelog topic name as the topic, as Java does (this matters
 * to schema-registry serdes). Answers are synchronous whenever the inner store's are.
 *
 * (Metrics are not recorded yet; the name is kept for Java's layering.)
 */
export class MeteredKeyValueStore<K, V> implements KeyValueStore<K, V> {
  private keySerdeResolved: Serde<K> | null = null;
  private valueSerdeResolved: Serde<V> | null = null;
  private keySer!: Serializer<K>;
  private keyDeser!: Deserializer<K>;
  private valueSer!: Serializer<V>;
  private valueDeser!: Deserializer<V>;
  private context: StateStoreContext | null = null;
  /** The topic passed to the serdes: the changelog topic once initialized, the store's name before. */
  private topic: string;
  private readonly deserializeKey = (bytes: Buffer): K => this.keyDeser.deserialize(this.topic, bytes) as K;
  private readonly deserializeValue = (bytes: Buffer | null): V | null => this.valueDeser.deserialize(this.topic, bytes);

  constructor(
    protected readonly inner: KeyValueStore<Buffer, Buffer>,
    private readonly scope: string,
    private readonly explicitKeySerde: Serde<K> | null,
    protected readonly explicitValueSerde: Serde<V> | null,
  ) {
    this.topic = inner.name();
    // usable before init when both serdes are known (e.g. in unit tests of a processor)
    if (explicitKeySerde !== null && explicitKeySerde !== undefined) this.useKeySerde(explicitKeySerde);
    if (explicitValueSerde !== null && explicitValueSerde !== undefined) this.useValueSerde(explicitValueSerde);
  }

  /** The store below this one (Java's `WrappedStateStore.wrapped()`). */
  wrapped(): KeyValueStore<Buffer, Buffer> {
    return this.inner;
  }

  /** The metrics scope of the store supplier (e.g. `in-memory`). */
  metricsScope(): string {
    return this.scope;
  }

  /** The key serde in use (after `init`, possibly the context's default); null before it is known. */
  keySerde(): Serde<K> | null {
    return this.keySerdeResolved;
  }

  /** The value serde in use (for a timestamped store, the `ValueAndTimestampSerde`); null before it is known. */
  valueSerde(): Serde<V> | null {
    return this.valueSerdeResolved;
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

  flush(): MaybePromise<void> {
    return this.inner.flush();
  }

  /** Only the record cache below, if there is one (a commit; see StateStore.flushCache). */
  flushCache(): MaybePromise<void> {
    return this.inner.flushCache?.();
  }

  /**
   * Java's `WrappedStateStore.setFlushListener`: with a record cache below, changes reach `listener` when the
   * cache flushes them (typed, with the timestamp and headers of the key's last write). Returns whether
   * that is the case; if not, the caller forwards changes itself.
   */
  setFlushListener(listener: (change: FlushedChange<K, V>) => MaybePromise<void>, sendOldValues: boolean): boolean {
    if (!(this.inner instanceof CachingKeyValueStore)) return false;
    return this.inner.setFlushListener(
      (key, newValue, oldValue) =>
        listener({
          key: this.deserializeKey(key),
          newValue: this.deserializeValue(newValue),
          oldValue: this.deserializeValue(oldValue),
          timestamp: this.context!.recordTimestamp(),
          headers: this.context!.recordHeaders(),
        }),
      sendOldValues,
    );
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

  get(key: K): MaybePromise<V | null> {
    return thenMaybe(this.inner.get(this.serializeKey(key)), this.deserializeValue);
  }

  put(key: K, value: V | null): MaybePromise<void> {
    return this.inner.put(this.serializeKey(key), this.serializeValue(value));
  }

  putIfAbsent(key: K, value: V | null): MaybePromise<V | null> {
    return thenMaybe(this.inner.putIfAbsent(this.serializeKey(key), this.serializeValue(value)), this.deserializeValue);
  }

  putAll(entries: ReadonlyArray<KeyValue<K, V | null>>): MaybePromise<void> {
    const serialized: Array<KeyValue<Buffer, Buffer | null>> = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      serialized[i] = { key: this.serializeKey(entry.key), value: this.serializeValue(entry.value) };
    }
    return this.inner.putAll(serialized);
  }

  delete(key: K): MaybePromise<V | null> {
    return thenMaybe(this.inner.delete(this.serializeKey(key)), this.deserializeValue);
  }

  range(from: K | null, to: K | null): MaybePromise<KeyValueIterator<K, V>> {
    return thenMaybe(this.inner.range(this.serializeBound(from), this.serializeBound(to)), (it) => this.typed(it));
  }

  reverseRange(from: K | null, to: K | null): MaybePromise<KeyValueIterator<K, V>> {
    return thenMaybe(this.inner.reverseRange(this.serializeBound(from), this.serializeBound(to)), (it) => this.typed(it));
  }

  all(): MaybePromise<KeyValueIterator<K, V>> {
    return thenMaybe(this.inner.all(), (it) => this.typed(it));
  }

  reverseAll(): MaybePromise<KeyValueIterator<K, V>> {
    return thenMaybe(this.inner.reverseAll(), (it) => this.typed(it));
  }

  prefixScan<P>(prefix: P, prefixKeySerializer: Serializer<P>): MaybePromise<KeyValueIterator<K, V>> {
    if (prefix === null || prefix === undefined) throw new IllegalArgumentError('prefix cannot be null');
    if (prefixKeySerializer === null || prefixKeySerializer === undefined) {
      throw new IllegalArgumentError('prefixKeySerializer cannot be null');
    }
    const bytes = prefixKeySerializer.serialize(this.topic, prefix);
    if (bytes === null) throw new SerializationError(`The prefix serializer of store ${this.name()} turned the prefix into null`);
    return thenMaybe(this.inner.prefixScan(bytes, BYTES_AS_IS), (it) => this.typed(it));
  }

  approximateNumEntries(): MaybePromise<number> {
    return this.inner.approximateNumEntries();
  }

  /** The value serde to use after `init`: the explicit one, else the context's default. */
  protected resolveValueSerde(context: StateStoreContext): Serde<V> {
    const serde = this.explicitValueSerde ?? (context.valueSerde() as Serde<V> | null);
    if (serde === null || serde === undefined) throw this.missingSerde('value');
    return serde;
  }

  protected missingSerde(which: 'key' | 'value'): ConfigError {
    return new ConfigError(
      `State store ${this.name()} has no ${which} serde: pass one when building the store ` +
        `(e.g. Materialized.with${which === 'key' ? 'Key' : 'Value'}Serde or Stores.keyValueStoreBuilder) ` +
        `or set the default one with the config "default.${which}.serde"`,
    );
  }

  private useKeySerde(serde: Serde<K>): void {
    this.keySerdeResolved = serde;
    this.keySer = serde.serializer();
    this.keyDeser = serde.deserializer();
  }

  private useValueSerde(serde: Serde<V>): void {
    this.valueSerdeResolved = serde;
    this.valueSer = serde.serializer();
    this.valueDeser = serde.deserializer();
  }

  private serializeKey(key: K): Buffer {
    if (key === null || key === undefined) throw new IllegalArgumentError(`key cannot be null (store ${this.name()})`);
    if (this.keySer === undefined) throw this.notInitialized();
    const bytes = this.keySer.serialize(this.topic, key);
    if (bytes === null) throw new SerializationError(`The key serializer of store ${this.name()} turned a non-null key into null`);
    return bytes;
  }

  private serializeBound(key: K | null): Buffer | null {
    return key === null || key === undefined ? null : this.serializeKey(key);
  }

  private serializeValue(value: V | null): Buffer | null {
    if (this.valueSer === undefined) throw this.notInitialized();
    return value === null || value === undefined ? null : this.valueSer.serialize(this.topic, value);
  }

  private notInitialized(): ConfigError {
    return new ConfigError(`State store ${this.name()} has not been initialized and has no serdes yet`);
  }

  private typed(iterator: KeyValueIterator<Buffer, Buffer>): KeyValueIterator<K, V> {
    return new MappedKeyValueIterator(iterator, this.deserializeKey, this.deserializeValue as (bytes: Buffer) => V);
  }
}

/**
 * Java's `MeteredTimestampedKeyValueStore`: a `TimestampedKeyValueStore<K, V>`, i.e. a
 * `KeyValueStore<K, ValueAndTimestamp<V>>`, whose bytes are Java's layout (8-byte timestamp, then the
 * value). The value serde given (or the default one) is the serde of the plain value `V`.
 */
export class MeteredTimestampedKeyValueStore<K, V> extends MeteredKeyValueStore<K, ValueAndTimestamp<V>> {
  readonly [TIMESTAMPED_STORE] = true as const;

  constructor(inner: KeyValueStore<Buffer, Buffer>, scope: string, keySerde: Serde<K> | null, valueSerde: Serde<V> | null) {
    super(inner, scope, keySerde, valueSerde === null || valueSerde === undefined ? null : new ValueAndTimestampSerde(valueSerde));
  }

  protected override resolveValueSerde(context: StateStoreContext): Serde<ValueAndTimestamp<V>> {
    if (this.explicitValueSerde !== null && this.explicitValueSerde !== undefined) return this.explicitValueSerde;
    const serde = context.valueSerde() as Serde<V> | null;
    if (serde === null || serde === undefined) throw this.missingSerde('value');
    return new ValueAndTimestampSerde(serde);
  }
}
