import { defaultPartition } from '../kafka/murmur2.js';
import type { Serializer } from '../serde/serde.js';
import { HostInfo, KeyQueryMetadata, StreamsMetadata, type TopicPartition } from './metadata.js';

/** A sub-topology as key routing needs it. */
export interface StoreTopology {
  /** Its source topics (user and repartition topics, pattern topics resolved). */
  readonly sourceTopics: readonly string[];
  readonly stores: readonly string[];
}

/** What the client knows of the application (topology, topics, the last assignment). */
export interface MetadataSources {
  readonly subtopologies: readonly StoreTopology[];
  readonly globalStores: readonly string[];
  readonly partitionCounts: ReadonlyMap<string, number>;
  /** `application.server` of this instance, or null. */
  readonly thisHost: string | null;
  /** The last assignment's `application.server` -> source partitions of its tasks (empty until known). */
  partitionsByHost(): Readonly<Record<string, readonly TopicPartition[]>>;
}

const key = (tp: TopicPartition): string => `${tp.topic}:${tp.partition}`;

/**
 * Java's `StreamsMetadataState`: which instance hosts which store and key, from the partitions the
 * assignment gave each `application.server`. A key's partition is the producer's default partitioner
 * (murmur2) over the store's source topic with the most partitions, so the answer holds for keys written
 * by any Kafka client with the default partitioner.
 */
export class StreamsMetadataState {
  /** The metadata of the last assignment seen (each assignment is a new object): key lookups are hot. */
  private cached: { assignment: object; metadata: StreamsMetadata[] } | null = null;

  constructor(private readonly sources: MetadataSources) {}

  /** Every instance (with an `application.server`), sorted by endpoint. */
  allMetadata(): StreamsMetadata[] {
    const assignment = this.sources.partitionsByHost();
    if (this.cached?.assignment !== assignment) this.cached = { assignment, metadata: this.build(assignment) };
    return [...this.cached.metadata];
  }

  private build(assignment: Readonly<Record<string, readonly TopicPartition[]>>): StreamsMetadata[] {
    const { subtopologies, globalStores } = this.sources;
    return Object.entries(assignment)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([endpoint, partitions]) => {
        const stores = new Set(globalStores);
        for (const s of subtopologies) {
          if (s.sourceTopics.some((topic) => partitions.some((tp) => tp.topic === topic))) for (const name of s.stores) stores.add(name);
        }
        // a task reading several topics lists each of its partitions once
        const unique = [...new Map(partitions.map((tp) => [key(tp), tp])).values()];
        unique.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
        return new StreamsMetadata(HostInfo.buildFromEndpoint(endpoint), [...stores].sort(), unique);
      });
  }

  /** The instances hosting `storeName` (every instance for a global store); empty for an unknown store. */
  metadataForStore(storeName: string): StreamsMetadata[] {
    return this.allMetadata().filter((m) => m.stateStoreNames.includes(storeName));
  }

  /**
   * Where `key` of `storeName` lives: `NOT_AVAILABLE` until an assignment is known, null for a store not
   * in the topology (as Java). A global store is on every instance: this one is named (partition -1).
   */
  keyQueryMetadata<K>(storeName: string, key: K, keySerializer: Serializer<K>): KeyQueryMetadata | null {
    const all = this.allMetadata();
    if (this.sources.globalStores.includes(storeName)) {
      if (all.length === 0) return KeyQueryMetadata.NOT_AVAILABLE;
      const self = this.sources.thisHost === null ? all[0]!.hostInfo : HostInfo.buildFromEndpoint(this.sources.thisHost);
      return new KeyQueryMetadata(self, [], -1);
    }
    const sub = this.sources.subtopologies.find((s) => s.stores.includes(storeName));
    if (sub === undefined) return null;
    if (all.length === 0) return KeyQueryMetadata.NOT_AVAILABLE;
    const { topic, partitions } = this.widestTopic(sub);
    const bytes = keySerializer.serialize(topic, key);
    if (bytes === null) return null;
    return this.partitionMetadata(sub, defaultPartition(bytes, partitions), all);
  }

  /**
   * The owner of every partition of `storeName` (index = partition), for scans over the whole store;
   * empty for a store not in the topology, a global store, or before an assignment is known.
   */
  partitionsOfStore(storeName: string): KeyQueryMetadata[] {
    const sub = this.sources.subtopologies.find((s) => s.stores.includes(storeName));
    const all = this.allMetadata();
    if (sub === undefined || all.length === 0) return [];
    return Array.from({ length: this.widestTopic(sub).partitions }, (_, p) => this.partitionMetadata(sub, p, all));
  }

  /** Java's `SourceTopicsInfo.topicWithMostPartitions`: keys are partitioned as on this topic. */
  private widestTopic(sub: StoreTopology): { topic: string; partitions: number } {
    let widest = { topic: sub.sourceTopics[0]!, partitions: 0 };
    for (const topic of sub.sourceTopics) {
      const partitions = this.sources.partitionCounts.get(topic) ?? 0;
      if (partitions > widest.partitions) widest = { topic, partitions };
    }
    return widest;
  }

  private partitionMetadata(sub: StoreTopology, partition: number, all: readonly StreamsMetadata[]): KeyQueryMetadata {
    const owner = all.find((m) => m.topicPartitions.some((tp) => tp.partition === partition && sub.sourceTopics.includes(tp.topic)));
    return new KeyQueryMetadata(owner?.hostInfo ?? HostInfo.unavailable(), [], partition);
  }
}
