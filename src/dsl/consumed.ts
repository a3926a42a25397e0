import type { TimestampExtractor } from '../processor/api.js';
import type { Serde } from '../serde/serde.js';
import type { AutoOffsetReset } from '../topology/node-factories.js';

/** Java's `Consumed`: how a source topic is read. Immutable: every `withX` returns a new object. */
export class Consumed<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
    readonly timestampExtractor: TimestampExtractor | null,
    readonly offsetResetPolicy: AutoOffsetReset | null,
    readonly processorName: string | null,
  ) {}

  static with<K, V>(
    keySerde: Serde<K> | null,
    valueSerde: Serde<V> | null,
    timestampExtractor: TimestampExtractor | null = null,
    resetPolicy: AutoOffsetReset | null = null,
  ): Consumed<K, V> {
    return new Consumed(keySerde, valueSerde, timestampExtractor, resetPolicy, null);
  }

  static as<K, V>(processorName: string): Consumed<K, V> {
    return new Consumed<K, V>(null, null, null, null, processorName);
  }

  static withTimestampExtractor<K, V>(extractor: TimestampExtractor): Consumed<K, V> {
    return new Consumed<K, V>(null, null, extractor, null, null);
  }

  static withOffsetResetPolicy<K, V>(resetPolicy: AutoOffsetReset): Consumed<K, V> {
    return new Consumed<K, V>(null, null, null, resetPolicy, null);
  }

  withKeySerde<NK>(keySerde: Serde<NK>): Consumed<NK, V> {
    return new Consumed(keySerde, this.valueSerde, this.timestampExtractor, this.offsetResetPolicy, this.processorName);
  }

  withValueSerde<NV>(valueSerde: Serde<NV>): Consumed<K, NV> {
    return new Consumed(this.keySerde, valueSerde, this.timestampExtractor, this.offsetResetPolicy, this.processorName);
  }

  withTimestampExtractor(extractor: TimestampExtractor): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, extractor, this.offsetResetPolicy, this.processorName);
  }

  withOffsetResetPolicy(resetPolicy: AutoOffsetReset): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, this.timestampExtractor, resetPolicy, this.processorName);
  }

  withName(processorName: string): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, this.timestampExtractor, this.offsetResetPolicy, processorName);
  }
}
