import type { KStream } from './kstream.js';

/** Java's `Branched`: the name of a branch and what to do with its stream. Immutable. */
export class Branched<K, V> {
  private constructor(
    readonly name: string | null,
    readonly chainFunction: ((stream: KStream<K, V>) => KStream<K, V> | null) | null,
    readonly chainConsumer: ((stream: KStream<K, V>) => void) | null,
  ) {}

  static as<K, V>(name: string): Branched<K, V> {
    return new Branched<K, V>(name, null, null);
  }

  /** The branch's stream goes through `chain`; its result (unless null) is put in the map. */
  static withFunction<K, V>(chain: (stream: KStream<K, V>) => KStream<K, V> | null, name: string | null = null): Branched<K, V> {
    return new Branched(name, chain, null);
  }

  /** The branch's stream is handed to `chain`; the branch is not put in the map. */
  static withConsumer<K, V>(chain: (stream: KStream<K, V>) => void, name: string | null = null): Branched<K, V> {
    return new Branched(name, null, chain);
  }

  withName(name: string): Branched<K, V> {
    return new Branched(name, this.chainFunction, this.chainConsumer);
  }
}
