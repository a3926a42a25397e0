import type { Serde } from '../serde/serde.js';

/** Java's `Grouped`: serdes and the name (of the repartition topic and processors) of a grouping. Immutable. */
export class Grouped<K, V> {
  private constructor(
    readonly name: string | null,
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
  ) {}

  /** `Grouped.with(keySerde, valueSerde)` or `Grouped.with(name, keySerde, valueSerde)`. */
  static with<K, V>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null): Grouped<K, V>;
  static with<K, V>(name: string | null, keySerde: Serde<K> | null, valueSerde: Serde<V> | null): Grouped<K, V>;
  static with<K, V>(...args: unknown[]): Grouped<K, V> {
    if (args.length >= 3) return new Grouped(args[0] as string | null, args[1] as Serde<K> | null, args[2] as Serde<V> | null);
    return new Grouped(null, args[0] as Serde<K> | null, args[1] as Serde<V> | null);
  }

  static as<K, V>(name: string): Grouped<K, V> {
    return new Grouped<K, V>(name, null, null);
  }

  static keySerde<K, V>(keySerde: Serde<K>): Grouped<K, V> {
    return new Grouped<K, V>(null, keySerde, null);
  }

  static valueSerde<K, V>(valueSerde: Serde<V>): Grouped<K, V> {
    return new Grouped<K, V>(null, null, valueSerde);
  }

  withName(name: string): Grouped<K, V> {
    return new Grouped(name, this.keySerde, this.valueSerde);
  }

  withKeySerde<NK>(keySerde: Serde<NK>): Grouped<NK, V> {
    return new Grouped(this.name, keySerde, this.valueSerde);
  }

  withValueSerde<NV>(valueSerde: Serde<NV>): Grouped<K, NV> {
    return new Grouped(this.name, this.keySerde, valueSerde);
  }
}
