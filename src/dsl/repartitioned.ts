import type { StreamPartitioner } from '../processor/api.js';
import type { Serde } from '../serde/serde.js';

/** Java's `Repartitioned`: name, serdes, partition count and partitioner of `repartition()`. Immutable. */
export class Repartitioned<K, V> {
  private constructor(
    readonly name: string | null,
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
    readonly numberOfPartitions: number | null,
    readonly partitioner: StreamPartitioner<K, V> | null,
  ) {}

  static as<K, V>(name: string): Repartitioned<K, V> {
    return new Repartitioned<K, V>(name, null, null, null, null);
  }

  static with<K, V>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null): Repartitioned<K, V> {
    return new Repartitioned(null, keySerde, valueSerde, null, null);
  }

  static numberOfPartitions<K, V>(n: number): Repartitioned<K, V> {
    return new Repartitioned<K, V>(null, null, null, n, null);
  }

  static streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned<K, V>(null, null, null, null, partitioner);
  }

  withName(name: string): Repartitioned<K, V> {
    return new Repartitioned(name, this.keySerde, this.valueSerde, this.numberOfPartitions, this.partitioner);
  }

  withKeySerde<NK>(keySerde: Serde<NK>): Repartitioned<NK, V> {
    return new Repartitioned(this.name, keySerde, this.valueSerde, this.numberOfPartitions, this.partitioner as StreamPartitioner<any, V> | null);
  }

  withValueSerde<NV>(valueSerde: Serde<NV>): Repartitioned<K, NV> {
    return new Repartitioned(this.name, this.keySerde, valueSerde, this.numberOfPartitions, this.partitioner as StreamPartitioner<K, any> | null);
  }

  withNumberOfPartitions(n: number): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.keySerde, this.valueSerde, n, this.partitioner);
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.keySerde, this.valueSerde, this.numberOfPartitions, partitioner);
  }
}
