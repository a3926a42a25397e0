import type { Deserializer, Serializer } from '../serde/serde.js';
import type {
  ProcessorSupplier,
  StreamPartitioner,
  TimestampExtractor,
  TopicNameExtractor,
} from '../processor/api.js';

/** Java's `Topology.AutoOffsetReset`. */
export enum AutoOffsetReset {
  EARLIEST = 'EARLIEST',
  LATEST = 'LATEST',
}

interface BaseNodeFactory {
  readonly name: string;
  /** Parent names in the order given, as Java keeps them. */
  readonly predecessors: readonly string[];
}

export interface SourceNodeFactory extends BaseNodeFactory {
  readonly kind: 'source';
  /** Raw topic names (internal topics undecorated), or null for a pattern source. */
  readonly topics: readonly string[] | null;
  readonly pattern: RegExp | null;
  readonly keyDeserializer: Deserializer<unknown> | null;
  readonly valueDeserializer: Deserializer<unknown> | null;
  readonly timestampExtractor: TimestampExtractor | null;
  readonly offsetReset: AutoOffsetReset | null;
}

export interface ProcessorNodeFactory extends BaseNodeFactory {
  readonly kind: 'processor';
  readonly supplier: ProcessorSupplier<any, any, any, any>;
  /** Connected store names, in connection order. */
  readonly stateStoreNames: string[];
}

export interface SinkNodeFactory extends BaseNodeFactory {
  readonly kind: 'sink';
  readonly topic: string | null;
  readonly topicExtractor: TopicNameExtractor<any, any> | null;
  readonly keySerializer: Serializer<unknown> | null;
  readonly valueSerializer: Serializer<unknown> | null;
  readonly partitioner: StreamPartitioner<any, any> | null;
}

export type NodeFactory = SourceNodeFactory | ProcessorNodeFactory | SinkNodeFactory;
