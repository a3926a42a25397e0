import { Windowed, type WindowedLike } from '../../dsl/windowed.js';
import { ConfigError, IllegalArgumentError, SerializationError } from '../../errors/streams-error.js';
import type { Deserializer, Serde, Serializer } from '../../serde/serde.js';
import { thenMaybe, type MaybePromise } from '../../util/maybe-promise.js';
import { MappedKeyValueIterator } from '../iterators.js';
import type { SessionStore } from '../session-store.js';
import type { KeyValueIterator, StateStore, StateStoreContext } from '../state-store.js';
import { AbstractSessionStore } from './abstract-window-store.js';
import { CachingSessionStore } from './caching-session-store.js';
import type { FlushedChange } from './metered-key-value-store.js';
import { storeChangelogTopic } from './metered-key-value-store.js';

/**
 * Java's `MeteredSessionStore`: the outermost layer of a session store, turning typed keys and aggregates
 * into bytes for the layers below and back. Null serdes are resolved at `init` from the context's defaults.
 */
export class MeteredSessionStore<K, AGG> extends AbstractSessionStore<K, AGG> {
  private keySer!: Serializer<K>;
  private keyDeser!: Deserializer<K>;
  private valueSer!: Serializer<AGG>;
  private valueDeser!: Deserializer<AGG>;
  private context: StateStoreContext | null = null;
  private topic: string;
  private readonly deserializeValue = (bytes: Buffer | null): AGG | null => (bytes === null ? null : this.valueDeser.deserialize(this.topic, bytes));
  private readonly deserializeWindowed = (w: Windowed<Buffer>): Windowed<K> => new Windowed(this.keyDeser.deserialize(this.topic, w.key) as K, w.window);

  constructor(
    private readonly inner: SessionStore<Buffer, Buffer>,
    private readonly scope: string,
    private readonly explicitKeySerde: Serde<K> | null,
    private readonly explicitValueSerde: Serde<AGG> | null,
  ) {
    super();
    this.topic = inner.name();
    if (explicitKeySerde !== null) this.useKeySerde(explicitKeySerde);
    if (explicitValueSerde !== null) this.useValueSerde(explicitValueSerde);
  }

  wrapped(): SessionStore<Buffer, Buffer> {
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
    const valueSerde = this.explicitValueSerde ?? (context.valueSerde() as Serde<AGG> | null);
    if (valueSerde === null || valueSerde === undefined) throw this.missingSerde('value');
    this.useKeySerde(keySerde);
    this.useValueSerde(valueSerde);
    this.topic = storeChangelogTopic(context.applicationId(), this.name());
    this.context = context;
    return this.inner.init(context, root);
  }

  /** With a record cache below, flushed sessions reach `listener` typed; returns whether that is the case. */
  setFlushListener(listener: (change: FlushedChange<Windowed<K>, AGG>) => MaybePromise<void>, sendOldValues: boolean): boolean {
    if (!(this.inner instanceof CachingSessionStore)) return false;
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

  put(sessionKey: WindowedLike<K>, aggregate: AGG | null): MaybePromise<void> {
    return this.inner.put(this.windowedBytes(sessionKey), aggregate === null || aggregate === undefined ? null : this.serializeValue(aggregate));
  }

  remove(sessionKey: WindowedLike<K>): MaybePromise<void> {
    return this.inner.remove(this.windowedBytes(sessionKey));
  }

  fetchSession(key: K, sessionStartTime: number, sessionEndTime: number): MaybePromise<AGG | null> {
    return thenMaybe(this.inner.fetchSession(this.serializeKey(key), sessionStartTime, sessionEndTime), this.deserializeValue);
  }

  protected findRange(keyFrom: K | null, keyTo: K | null, earliestEnd: number, latestStart: number, forward: boolean) {
    const from = this.serializeBound(keyFrom);
    const to = this.serializeBound(keyTo);
    const it = forward ? this.inner.findSessions(from, to, earliestEnd, latestStart) : this.inner.backwardFindSessions(from, to, earliestEnd, latestStart);
    return thenMaybe(it, (i) => this.typed(i));
  }

  protected findByEndTime(earliestEnd: number, latestEnd: number): MaybePromise<KeyValueIterator<Windowed<K>, AGG>> {
    return thenMaybe(this.inner.findSessions(earliestEnd, latestEnd), (i) => this.typed(i));
  }

  private typed(it: KeyValueIterator<Windowed<Buffer>, Buffer>): KeyValueIterator<Windowed<K>, AGG> {
    return new MappedKeyValueIterator(it, this.deserializeWindowed, this.deserializeValue as (b: Buffer) => AGG);
  }

  private windowedBytes(sessionKey: WindowedLike<K>): Windowed<Buffer> {
    if (sessionKey === null || sessionKey === undefined) throw new IllegalArgumentError('sessionKey cannot be null');
    return new Windowed(this.serializeKey(sessionKey.key), sessionKey.window as Windowed<Buffer>['window']);
  }

  private missingSerde(which: 'key' | 'value'): ConfigError {
    return new ConfigError(
      `State store ${this.name()} has no ${which} serde: pass one when building the store ` +
        `(e.g. Materialized.with${which === 'key' ? 'Key' : 'Value'}Serde or Stores.sessionStoreBuilder) ` +
        `or set the default one with the config "default.${which}.serde"`,
    );
  }

  private useKeySerde(serde: Serde<K>): void {
    this.keySer = serde.serializer();
    this.keyDeser = serde.deserializer();
  }

  private useValueSerde(serde: Serde<AGG>): void {
    this.valueSer = serde.serializer();
    this.valueDeser = serde.deserializer();
  }

  private serializeKey(key: K): Buffer {
    if (key === null || key === undefined) throw new IllegalArgumentError(`key cannot be null (store ${this.name()})`);
    if (this.keySer === undefined) throw new ConfigError(`State store ${this.name()} has not been initialized and has no serdes yet`);
    const bytes = this.keySer.serialize(this.topic, key);
    if (bytes === null) throw new SerializationError(`The key serializer of store ${this.name()} turned a non-null key into null`);
    return bytes;
  }

  private serializeBound(key: K | null): Buffer | null {
    return key === null || key === undefined ? null : this.serializeKey(key);
  }

  private serializeValue(value: AGG): Buffer | null {
    if (this.valueSer === undefined) throw new ConfigError(`State store ${this.name()} has not been initialized and has no serdes yet`);
    return this.valueSer.serialize(this.topic, value);
  }
}
