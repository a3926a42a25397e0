import { CachingKeyValueStore } from './caching-key-value-store.js';
import { ChangeLoggingKeyValueBytesStore } from './change-logging-key-value-store.js';
import { IllegalArgumentError } from '../../errors/streams-error.js';
import type { Serde } from '../../serde/serde.js';
import type { KeyValueBytesStoreSupplier, KeyValueStore } from '../state-store.js';
import type { TimestampedKeyValueStore } from '../timestamped-key-value-store.js';
import { AbstractStoreBuilder } from './abstract-store-builder.js';
import { MeteredKeyValueStore, MeteredTimestampedKeyValueStore } from './metered-key-value-store.js';

/** What the middle layers of a key-value store depend on. */
export interface KeyValueLayerOptions {
  readonly cachingEnabled: boolean;
  readonly loggingEnabled: boolean;
  readonly logConfig: Readonly<Record<string, string>>;
  /** Whether the values are `ValueAndTimestamp` bytes (Java picks timestamped caching/logging layers then). */
  readonly timestamped: boolean;
}

/**
 * The one place where the layers between the metered store and the bytes store are assembled. Java's
 * stack, from the outside in, is: metered → caching → change-logging → bytes store.
 * (Java also adapts a persistent, non-timestamped bytes store for a timestamped builder —
 * `KeyValueToTimestampedKeyValueByteStoreAdapter` — which belongs here as well.)
 */
export function wrapKeyValueBytesStore(bytes: KeyValueStore<Buffer, Buffer>, options: KeyValueLayerOptions): KeyValueStore<Buffer, Buffer> {
  let store = bytes;
  if (options.loggingEnabled) store = new ChangeLoggingKeyValueBytesStore(store, options.timestamped);
  if (options.cachingEnabled) store = new CachingKeyValueStore(store);
  return store;
}

function checkSupplier(supplier: KeyValueBytesStoreSupplier): void {
  if (supplier === null || supplier === undefined) throw new IllegalArgumentError('storeSupplier cannot be null');
  if (supplier.metricsScope() === null || supplier.metricsScope() === undefined) {
    throw new IllegalArgumentError("storeSupplier's metricsScope cannot be null");
  }
}

/** Java's `KeyValueStoreBuilder`: builds metered → (caching → logging →) bytes store. */
export class KeyValueStoreBuilder<K, V> extends AbstractStoreBuilder<KeyValueStore<K, V>> {
  constructor(
    private readonly supplier: KeyValueBytesStoreSupplier,
    private readonly keySerde: Serde<K> | null,
    private readonly valueSerde: Serde<V> | null,
  ) {
    checkSupplier(supplier);
    super(supplier.name());
  }

  /** The supplier of the bytes store. */
  storeSupplier(): KeyValueBytesStoreSupplier {
    return this.supplier;
  }

  build(): KeyValueStore<K, V> {
    const inner = wrapKeyValueBytesStore(this.supplier.get(), {
      cachingEnabled: this.cachingEnabled(),
      loggingEnabled: this.loggingEnabled(),
      logConfig: this.logConfig(),
      timestamped: false,
    });
    return new MeteredKeyValueStore<K, V>(inner, this.supplier.metricsScope(), this.keySerde ?? null, this.valueSerde ?? null);
  }
}

/** Java's `TimestampedKeyValueStoreBuilder`: values are `ValueAndTimestamp<V>`; the serde is V's. */
export class TimestampedKeyValueStoreBuilder<K, V> extends AbstractStoreBuilder<TimestampedKeyValueStore<K, V>> {
  constructor(
    private readonly supplier: KeyValueBytesStoreSupplier,
    private readonly keySerde: Serde<K> | null,
    private readonly valueSerde: Serde<V> | null,
  ) {
    checkSupplier(supplier);
    super(supplier.name());
  }

  /** The supplier of the bytes store. */
  storeSupplier(): KeyValueBytesStoreSupplier {
    return this.supplier;
  }

  build(): MeteredTimestampedKeyValueStore<K, V> {
    const inner = wrapKeyValueBytesStore(this.supplier.get(), {
      cachingEnabled: this.cachingEnabled(),
      loggingEnabled: this.loggingEnabled(),
      logConfig: this.logConfig(),
      timestamped: true,
    });
    return new MeteredTimestampedKeyValueStore<K, V>(inner, this.supplier.metricsScope(), this.keySerde ?? null, this.valueSerde ?? null);
  }
}
