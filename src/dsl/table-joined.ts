import type { StreamPartitioner } from '../processor/api.js';
import { Named } from './named.js';

/**
 * Java's `TableJoined`: the name of a foreign-key join (its processors, store and internal topics are named
 * `<name>-subscription-registration-…`, `<name>-subscription-store`, …) and the partitioners of the two
 * tables' topics. kstreams-ts partitions the join's internal topics with the default (murmur2 of the key
 * bytes) partitioner, so custom partitioners are refused at build time. Immutable.
 */
export class TableJoined<K, KO> {
  private constructor(
    readonly partitioner: StreamPartitioner<K, void> | null,
    readonly otherPartitioner: StreamPartitioner<KO, void> | null,
    readonly name: string | null,
  ) {}

  static with<K, KO>(partitioner: StreamPartitioner<K, void> | null, otherPartitioner: StreamPartitioner<KO, void> | null): TableJoined<K, KO> {
    return new TableJoined(partitioner, otherPartitioner, null);
  }

  static as<K, KO>(name: string): TableJoined<K, KO> {
    Named.validate(name);
    return new TableJoined<K, KO>(null, null, name);
  }

  withPartitioner(partitioner: StreamPartitioner<K, void> | null): TableJoined<K, KO> {
    return new TableJoined(partitioner, this.otherPartitioner, this.name);
  }

  withOtherPartitioner(otherPartitioner: StreamPartitioner<KO, void> | null): TableJoined<K, KO> {
    return new TableJoined(this.partitioner, otherPartitioner, this.name);
  }

  withName(name: string): TableJoined<K, KO> {
    Named.validate(name);
    return new TableJoined(this.partitioner, this.otherPartitioner, name);
  }
}
