import type { Serde } from '../serde/serde.js';
import { Named } from './named.js';

/**
 * Java's `Joined`: the serdes and name of a stream-table join. The serdes are used when the stream has to be
 * repartitioned first (its key changed); the name names the join processor and that repartition topic.
 * (Java's grace period only applies to versioned tables, which kstreams-ts does not have.) Immutable.
 */
export class Joined<K, V, VO> {
  private constructor(
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
    readonly otherValueSerde: Serde<VO> | null,
    readonly name: string | null,
  ) {}

  static with<K, V, VO>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null, otherValueSerde: Serde<VO> | null, name: string | null = null): Joined<K, V, VO> {
    if (name !== null) Named.validate(name);
    return new Joined(keySerde, valueSerde, otherValueSerde, name);
  }

  static keySerde<K, V, VO>(keySerde: Serde<K> | null): Joined<K, V, VO> {
    return new Joined<K, V, VO>(keySerde, null, null, null);
  }

  static valueSerde<K, V, VO>(valueSerde: Serde<V> | null): Joined<K, V, VO> {
    return new Joined<K, V, VO>(null, valueSerde, null, null);
  }

  static otherValueSerde<K, V, VO>(otherValueSerde: Serde<VO> | null): Joined<K, V, VO> {
    return new Joined<K, V, VO>(null, null, otherValueSerde, null);
  }

  static as<K, V, VO>(name: string): Joined<K, V, VO> {
    Named.validate(name);
    return new Joined<K, V, VO>(null, null, null, name);
  }

  withKeySerde<NK>(keySerde: Serde<NK> | null): Joined<NK, V, VO> {
    return new Joined(keySerde, this.valueSerde, this.otherValueSerde, this.name);
  }

  withValueSerde<NV>(valueSerde: Serde<NV> | null): Joined<K, NV, VO> {
    return new Joined(this.keySerde, valueSerde, this.otherValueSerde, this.name);
  }

  withOtherValueSerde<NO>(otherValueSerde: Serde<NO> | null): Joined<K, V, NO> {
    return new Joined(this.keySerde, this.valueSerde, otherValueSerde, this.name);
  }

  withName(name: string): Joined<K, V, VO> {
    Named.validate(name);
    return new Joined(this.keySerde, this.valueSerde, this.otherValueSerde, name);
  }
}
