import type { StreamPartitioner } from '../processor/api.js';
import type { Serde } from '../serde/serde.js';

/** Java's `Produced`: how records are written to a topic. Immutable. */
export class Produced<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
    readonly partitioner: StreamPartitioner<K, V> | null,
    readonly processorName: string | null,
  ) {}

  static with<K, V>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null, partitioner: StreamPartitioner<K, V> | null = null): Produced<K, V> {
    return new Produced(keySerde, valueSerde, partitioner, null);
  }

  static as<K, V>(processorName: string): Produced<K, V> {
    return new Produced<K, V>(null, null, null, processorName);
  }

  static keySerde<K, V>(keySerde: Serde<K>): Produced<K, V> {
    return new Produced<K, V>(keySerde, null, null, null);
  }

  static valueSerde<K, V>(valueSerde: Serde<V>): Produced<K, V> {
    return new Produced<K, V>(null, valueSerde, null, null);
  }

  static streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced<K, V>(null, null, partitioner, null);
  }

  withKeySerde<NK>(keySerde: Serde<NK>): Produced<NK, V> {
    return new Produced(keySerde, this.valueSerde, this.partitioner as StreamPartitioner<any, V> | null, this.processorName);
  }

  withValueSerde<NV>(valueSerde: Serde<NV>): Produced<K, NV> {
    return new Produced(this.keySerde, valueSerde, this.partitioner as StreamPartitioner<K, any> | null, this.processorName);
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced(this.keySerde, this.valueSerde, partitioner, this.processorName);
  }

  withName(processorName: string): Produced<K, V> {
    return new Produced(this.keySerde, this.valueSerde, this.partitioner, processorName);
  }
}
