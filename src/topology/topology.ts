import { TopologyError } from '../errors/topology-error.js';
import type {
  ProcessorSupplier,
  StreamPartitioner,
  TimestampExtractor,
  TopicNameExtractor,
} from '../processor/api.js';
import type { Deserializer, Serializer } from '../serde/serde.js';
import type { StateStore, StoreBuilder } from '../state/state-store.js';
import { InternalTopologyBuilder } from './internal-topology-builder.js';
import { AutoOffsetReset } from './node-factories.js';
import type { TopologyDescription } from './topology-description.js';

const isDeserializer = (x: unknown): x is Deserializer<unknown> =>
  typeof x === 'object' && x !== null && typeof (x as Deserializer<unknown>).deserialize === 'function';
const isSerializer = (x: unknown): x is Serializer<unknown> =>
  typeof x === 'object' && x !== null && typeof (x as Serializer<unknown>).serialize === 'function';
const isExtractor = (x: unknown): x is TimestampExtractor =>
  typeof x === 'object' && x !== null && typeof (x as TimestampExtractor).extract === 'function';

/**
 * Java's `Topology`: the Processor API. Overloads follow Java's argument order; optional leading
 * `AutoOffsetReset` / `TimestampExtractor` and optional deserializer/serializer pairs are recognised by type.
 */
export class Topology {
  static readonly AutoOffsetReset = AutoOffsetReset;

  /** @internal the graph both the Processor API and the DSL write into. */
  readonly internalTopologyBuilder: InternalTopologyBuilder;

  constructor(internalBuilder?: InternalTopologyBuilder) {
    this.internalTopologyBuilder = internalBuilder ?? new InternalTopologyBuilder();
  }

  /**
   * `addSource([offsetReset], [timestampExtractor], name, [keyDeserializer, valueDeserializer], ...topics | pattern)`
   */
  addSource(...args: unknown[]): this {
    let offsetReset: AutoOffsetReset | null = null;
    let extractor: TimestampExtractor | null = null;
    if (args[0] === AutoOffsetReset.EARLIEST || args[0] === AutoOffsetReset.LATEST) offsetReset = args.shift() as AutoOffsetReset;
    if (isExtractor(args[0])) extractor = args.shift() as TimestampExtractor;
    const name = args.shift();
    if (typeof name !== 'string') throw new TopologyError('addSource: the source name must be a string');
    let keyDes: Deserializer<unknown> | null = null;
    let valueDes: Deserializer<unknown> | null = null;
    if (isDeserializer(args[0]) || (args[0] === null && args.length > 2)) {
      keyDes = args.shift() as Deserializer<unknown> | null;
      valueDes = args.shift() as Deserializer<unknown> | null;
    }
    const topics = args.length === 1 && args[0] instanceof RegExp ? (args[0] as RegExp) : (args.flat() as string[]);
    if (!(topics instanceof RegExp) && topics.some((t) => typeof t !== 'string')) {
      throw new TopologyError(`addSource(${name}): topics must be strings or a single RegExp`);
    }
    this.internalTopologyBuilder.addSource(offsetReset, name, extractor, keyDes, valueDes, topics);
    return this;
  }

  addProcessor<KIn, VIn, KOut, VOut>(name: string, supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>, ...parentNames: string[]): this {
    this.internalTopologyBuilder.addProcessor(name, supplier, ...parentNames);
    return this;
  }

  /**
   * `addSink(name, topic | topicNameExtractor, [keySerializer, valueSerializer], [partitioner], ...parentNames)`
   */
  addSink<K, V>(name: string, topic: string | TopicNameExtractor<K, V>, ...args: unknown[]): this {
    let keySer: Serializer<unknown> | null = null;
    let valueSer: Serializer<unknown> | null = null;
    let partitioner: StreamPartitioner<K, V> | null = null;
    if (isSerializer(args[0]) || (args[0] === null && isSerializer(args[1]))) {
      keySer = args.shift() as Serializer<unknown> | null;
      valueSer = args.shift() as Serializer<unknown> | null;
    }
    if (typeof args[0] === 'function') partitioner = args.shift() as StreamPartitioner<K, V>;
    const parents = args as string[];
    this.internalTopologyBuilder.addSink(name, topic, keySer, valueSer, partitioner, ...parents);
    return this;
  }

  addStateStore(storeBuilder: StoreBuilder<StateStore>, ...processorNames: string[]): this {
    this.internalTopologyBuilder.addStateStore(storeBuilder, false, ...processorNames);
    return this;
  }

  /**
   * `addGlobalStore(storeBuilder, sourceName, [timestampExtractor], keyDeserializer, valueDeserializer, topic,
   * processorName, stateUpdateSupplier)`
   */
  addGlobalStore(storeBuilder: StoreBuilder<StateStore>, sourceName: string, ...args: unknown[]): this {
    const extractor = isExtractor(args[0]) ? (args.shift() as TimestampExtractor) : null;
    const [keyDes, valueDes, topic, processorName, supplier] = args as [
      Deserializer<unknown>,
      Deserializer<unknown>,
      string,
      string,
      ProcessorSupplier<any, any, void, void>,
    ];
    this.internalTopologyBuilder.addGlobalStore(storeBuilder, sourceName, extractor, keyDes, valueDes, topic, processorName, supplier);
    return this;
  }

  connectProcessorAndStateStores(processorName: string, ...stateStoreNames: string[]): this {
    this.internalTopologyBuilder.connectProcessorAndStateStores(processorName, ...stateStoreNames);
    return this;
  }

  describe(): TopologyDescription {
    return this.internalTopologyBuilder.describe();
  }
}
