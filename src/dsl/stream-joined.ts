import type { Serde } from '../serde/serde.js';
import type { WindowBytesStoreSupplier } from '../state/window-store.js';
import { Named } from './named.js';

/**
 * Java's `StreamJoined`: the serdes, store suppliers, names and changelog settings of a stream-stream join.
 * `withName` names the join's processors (and repartition topics); `withStoreName` names its stores (else
 * they are named after the processors' generated names). Immutable.
 */
export class StreamJoined<K, V1, V2> {
  private constructor(
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V1> | null,
    readonly otherValueSerde: Serde<V2> | null,
    readonly thisStoreSupplier: WindowBytesStoreSupplier | null,
    readonly otherStoreSupplier: WindowBytesStoreSupplier | null,
    readonly name: string | null,
    readonly storeName: string | null,
    readonly loggingEnabled: boolean,
    readonly topicConfig: Readonly<Record<string, string>>,
  ) {}

  private copy<K2 = K, W1 = V1, W2 = V2>(changes: Partial<StreamJoined<any, any, any>>): StreamJoined<K2, W1, W2> {
    const m = { ...this, ...changes } as StreamJoined<any, any, any>;
    return new StreamJoined(
      m.keySerde,
      m.valueSerde,
      m.otherValueSerde,
      m.thisStoreSupplier,
      m.otherStoreSupplier,
      m.name,
      m.storeName,
      m.loggingEnabled,
      m.topicConfig,
    );
  }

  /** `with(keySerde, valueSerde, otherValueSerde)` or `with(thisStoreSupplier, otherStoreSupplier)`. */
  static with<K, V1, V2>(keySerde: Serde<K> | null, valueSerde: Serde<V1> | null, otherValueSerde: Serde<V2> | null): StreamJoined<K, V1, V2>;
  static with<K, V1, V2>(thisStoreSupplier: WindowBytesStoreSupplier, otherStoreSupplier: WindowBytesStoreSupplier): StreamJoined<K, V1, V2>;
  static with<K, V1, V2>(a: Serde<K> | WindowBytesStoreSupplier | null, b: Serde<V1> | WindowBytesStoreSupplier | null, c?: Serde<V2> | null): StreamJoined<K, V1, V2> {
    if (isSupplier(a) || isSupplier(b)) {
      return new StreamJoined<K, V1, V2>(null, null, null, a as WindowBytesStoreSupplier, b as WindowBytesStoreSupplier, null, null, true, {});
    }
    return new StreamJoined<K, V1, V2>(a as Serde<K> | null, b as Serde<V1> | null, c ?? null, null, null, null, null, true, {});
  }

  /** Names the join's stores `<storeName>-this-join-store` etc. (the processors keep generated names). */
  static as<K, V1, V2>(storeName: string): StreamJoined<K, V1, V2> {
    return new StreamJoined<K, V1, V2>(null, null, null, null, null, null, storeName, true, {});
  }

  /** Names the join's processors `<name>-this-join` etc. and its repartition topics `<name>-left-repartition` etc. */
  withName(name: string): StreamJoined<K, V1, V2> {
    Named.validate(name);
    return this.copy({ name });
  }

  withStoreName(storeName: string): StreamJoined<K, V1, V2> {
    return this.copy({ storeName });
  }

  withKeySerde<NK>(keySerde: Serde<NK> | null): StreamJoined<NK, V1, V2> {
    return this.copy<NK>({ keySerde });
  }

  withValueSerde<NV>(valueSerde: Serde<NV> | null): StreamJoined<K, NV, V2> {
    return this.copy<K, NV>({ valueSerde });
  }

  withOtherValueSerde<NV>(otherValueSerde: Serde<NV> | null): StreamJoined<K, V1, NV> {
    return this.copy<K, V1, NV>({ otherValueSerde });
  }

  withThisStoreSupplier(thisStoreSupplier: WindowBytesStoreSupplier): StreamJoined<K, V1, V2> {
    return this.copy({ thisStoreSupplier });
  }

  withOtherStoreSupplier(otherStoreSupplier: WindowBytesStoreSupplier): StreamJoined<K, V1, V2> {
    return this.copy({ otherStoreSupplier });
  }

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): StreamJoined<K, V1, V2> {
    return this.copy({ loggingEnabled: true, topicConfig: { ...config } });
  }

  withLoggingDisabled(): StreamJoined<K, V1, V2> {
    return this.copy({ loggingEnabled: false, topicConfig: {} });
  }

  toString(): string {
    return `StreamJoin{keySerde=${this.keySerde}, valueSerde=${this.valueSerde}, otherValueSerde=${this.otherValueSerde}, thisStoreSupplier=${this.thisStoreSupplier?.name() ?? null}, otherStoreSupplier=${this.otherStoreSupplier?.name() ?? null}, name='${this.name}', storeName='${this.storeName}', loggingEnabled=${this.loggingEnabled}, topicConfig=${JSON.stringify(this.topicConfig)}}`;
  }
}

function isSupplier(x: unknown): x is WindowBytesStoreSupplier {
  return typeof (x as Partial<WindowBytesStoreSupplier> | null)?.retainDuplicates === 'function';
}
