import { TopologyError } from '../errors/topology-error.js';
import type { Deserializer, Serializer } from '../serde/serde.js';
import type {
  ProcessorSupplier,
  StreamPartitioner,
  TimestampExtractor,
  TopicNameExtractor,
} from '../processor/api.js';
import type { StateStore, StoreBuilder } from '../state/state-store.js';
import { javaHashSetOrder } from './java-order.js';
import type {
  AutoOffsetReset,
  NodeFactory,
  ProcessorNodeFactory,
  SinkNodeFactory,
  SourceNodeFactory,
} from './node-factories.js';
import { matchesWholeName } from '../processor/internals/source-node.js';
import { OrderedTreeSet } from './ordered-tree-set.js';
import {
  GlobalStoreDescription,
  ProcessorDescription,
  SinkDescription,
  SourceDescription,
  SubtopologyDescription,
  TopologyDescription,
  type NodeDescription,
} from './topology-description.js';
import { UnionFind } from './union-find.js';

export interface StateStoreFactory {
  readonly builder: StoreBuilder<StateStore>;
  readonly users: Set<string>;
}

/** The settings of an internal (repartition) topic. */
export interface InternalTopicSpec {
  readonly name: string;
  readonly numberOfPartitions: number | null;
}

/** The node groups (sub-topologies) that make up one unit of work: a task or the global task. */
export interface TopologyPlan {
  readonly nodes: readonly NodeFactory[];
  readonly stores: readonly StateStoreFactory[];
  /** Global stores readable (not writable) by processors of this plan. */
  readonly globalStoreNames: readonly string[];
}

/**
 * Java's `InternalTopologyBuilder`: the logical graph of sources, processors, sinks and stores that both
 * the Processor API (`Topology`) and the DSL write into. It groups nodes into sub-topologies, prints
 * `describe()` and hands node factories to the engine; it knows nothing of execution.
 */
export class InternalTopologyBuilder {
  /** Insertion-ordered, like Java's LinkedHashMap: children are wired (and forwarded to) in this order. */
  private readonly nodeFactories = new Map<string, NodeFactory>();
  private readonly stateFactories = new Map<string, StateStoreFactory>();
  private readonly globalStateFactories = new Map<string, StateStoreFactory>();
  private readonly topicToSource = new Map<string, string>();
  /** The patterns of pattern sources, to refuse a topic that one of them already covers (as Java). */
  private readonly sourcePatterns: RegExp[] = [];
  private readonly globalTopics = new Set<string>();
  private readonly internalTopics = new Map<string, InternalTopicSpec>();
  private readonly copartitionGroups: string[][] = [];
  private readonly grouper = new UnionFind();
  private applicationId: string | null = null;

  setApplicationId(applicationId: string): this {
    this.applicationId = applicationId;
    return this;
  }

  addSource(
    offsetReset: AutoOffsetReset | null,
    name: string,
    timestampExtractor: TimestampExtractor | null,
    keyDeserializer: Deserializer<unknown> | null,
    valueDeserializer: Deserializer<unknown> | null,
    topicsOrPattern: readonly string[] | RegExp,
  ): void {
    this.checkNewName(name);
    let topics: string[] | null = null;
    let pattern: RegExp | null = null;
    if (topicsOrPattern instanceof RegExp) {
      pattern = topicsOrPattern;
      for (const topic of [...this.topicToSource.keys(), ...this.globalTopics]) {
        if (matchesWholeName(pattern, topic)) {
          throw new TopologyError(`Pattern ${pattern.source} will match a topic that has already been registered by another source.`);
        }
      }
      this.sourcePatterns.push(pattern);
    } else {
      if (topicsOrPattern.length === 0) throw new TopologyError('You must provide at least one topic');
      topics = [...topicsOrPattern];
      for (const topic of topics) {
        if (this.topicToSource.has(topic)) throw new TopologyError(`Topic ${topic} has already been registered by another source.`);
        if (this.sourcePatterns.some((p) => matchesWholeName(p, topic))) {
          throw new TopologyError(`Topic ${topic} matches a Pattern already registered by another source.`);
        }
      }
      for (const topic of topics) this.topicToSource.set(topic, name);
    }
    const factory: SourceNodeFactory = {
      kind: 'source',
      name,
      predecessors: [],
      topics,
      pattern,
      keyDeserializer,
      valueDeserializer,
      timestampExtractor,
      offsetReset,
    };
    this.nodeFactories.set(name, factory);
    this.grouper.add(name);
  }

  addProcessor(name: string, supplier: ProcessorSupplier<any, any, any, any>, ...predecessorNames: string[]): void {
    if (typeof supplier !== 'function') throw new TopologyError(`processor supplier for ${name} must be a function returning a new Processor`);
    this.checkNewName(name);
    this.checkPredecessors('processor', name, predecessorNames);
    const factory: ProcessorNodeFactory = { kind: 'processor', name, predecessors: predecessorNames, supplier, stateStoreNames: [] };
    this.nodeFactories.set(name, factory);
    this.grouper.add(name);
    this.grouper.unite(name, ...predecessorNames);
  }

  addSink(
    name: string,
    topic: string | TopicNameExtractor<any, any>,
    keySerializer: Serializer<unknown> | null,
    valueSerializer: Serializer<unknown> | null,
    partitioner: StreamPartitioner<any, any> | null,
    ...predecessorNames: string[]
  ): void {
    this.checkNewName(name);
    this.checkPredecessors('sink', name, predecessorNames);
    for (const p of predecessorNames) {
      if (this.nodeFactories.get(p)!.kind === 'sink') throw new TopologyError(`Sink ${p} cannot be used a parent.`);
    }
    const factory: SinkNodeFactory = {
      kind: 'sink',
      name,
      predecessors: predecessorNames,
      topic: typeof topic === 'string' ? topic : null,
      topicExtractor: typeof topic === 'string' ? null : topic,
      keySerializer,
      valueSerializer,
      partitioner,
    };
    this.nodeFactories.set(name, factory);
    this.grouper.add(name);
    this.grouper.unite(name, ...predecessorNames);
  }

  addStateStore(builder: StoreBuilder<StateStore>, allowOverride: boolean, ...processorNames: string[]): void {
    const name = builder.name();
    const existing = this.stateFactories.get(name);
    if (existing !== undefined && existing.builder !== builder && !allowOverride) {
      throw new TopologyError(`A different StateStore has already been added with the name ${name}`);
    }
    if (this.globalStateFactories.has(name)) throw new TopologyError(`A different GlobalStateStore has already been added with the name ${name}`);
    if (existing === undefined) this.stateFactories.set(name, { builder, users: new Set() });
    for (const processorName of processorNames) this.connectProcessorAndStateStore(processorName, name);
  }

  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): void {
    if (storeNames.length === 0) throw new TopologyError('Must provide at least one state store name.');
    for (const storeName of storeNames) this.connectProcessorAndStateStore(processorName, storeName);
  }

  addGlobalStore(
    builder: StoreBuilder<StateStore>,
    sourceName: string,
    timestampExtractor: TimestampExtractor | null,
    keyDeserializer: Deserializer<unknown> | null,
    valueDeserializer: Deserializer<unknown> | null,
    topic: string,
    processorName: string,
    supplier: ProcessorSupplier<any, any, void, void>,
  ): void {
    const storeName = builder.name();
    if (builder.loggingEnabled()) throw new TopologyError(`StateStore ${storeName} for global table must not have logging enabled.`);
    if (sourceName === processorName) throw new TopologyError('sourceName and processorName must be different.');
    if (this.stateFactories.has(storeName) || this.globalStateFactories.has(storeName)) {
      throw new TopologyError(`A different StateStore has already been added with the name ${storeName}`);
    }
    this.addSource(null, sourceName, timestampExtractor, keyDeserializer, valueDeserializer, [topic]);
    this.globalTopics.add(topic);
    this.checkNewName(processorName);
    const factory: ProcessorNodeFactory = {
      kind: 'processor',
      name: processorName,
      predecessors: [sourceName],
      supplier,
      stateStoreNames: [storeName],
    };
    this.nodeFactories.set(processorName, factory);
    this.grouper.add(processorName);
    this.grouper.unite(processorName, sourceName);
    this.globalStateFactories.set(storeName, { builder, users: new Set([processorName]) });
  }

  addInternalTopic(name: string, numberOfPartitions: number | null = null): void {
    this.internalTopics.set(name, { name, numberOfPartitions });
  }

  copartitionSources(sourceNames: readonly string[]): void {
    this.copartitionGroups.push([...sourceNames]);
  }

  /** The DSL's joins: the sources upstream of the given nodes (within their sub-topology) must be co-partitioned. */
  copartitionUpstreamSources(nodeNames: readonly string[]): void {
    const sources = new Set<string>();
    const visit = (name: string): void => {
      const f = this.nodeFactories.get(name);
      if (f === undefined) return;
      if (f.kind === 'source') sources.add(name);
      else f.predecessors.forEach(visit);
    };
    nodeNames.forEach(visit);
    this.copartitionSources([...sources]);
  }

  /** The (undecorated) topics of each co-partition group: each group's topics need equal partition counts. */
  copartitionGroupTopics(): string[][] {
    return this.copartitionGroups.map((group) =>
      group.flatMap((name) => {
        const f = this.nodeFactories.get(name);
        return f?.kind === 'source' && f.topics !== null ? f.topics : [];
      }),
    );
  }

  /** Java's `decorateTopic`: internal topics are prefixed with the application id at run time. */
  decorateTopic(topic: string): string {
    if (!this.internalTopics.has(topic)) return topic;
    if (this.applicationId === null) throw new TopologyError('there are internal topics and the applicationId is not set.');
    return `${this.applicationId}-${topic}`;
  }

  isInternalTopic(rawTopic: string): boolean {
    return this.internalTopics.has(rawTopic);
  }

  internalTopicSpecs(): readonly InternalTopicSpec[] {
    return [...this.internalTopics.values()];
  }

  isGlobalTopic(topic: string): boolean {
    return this.globalTopics.has(topic);
  }

  hasNode(name: string): boolean {
    return this.nodeFactories.has(name);
  }

  hasStore(name: string): boolean {
    return this.stateFactories.has(name) || this.globalStateFactories.has(name);
  }

  /** Java's `nodeGroups()`: sub-topology id -> member node names, global groups included. */
  nodeGroups(): Map<number, string[]> {
    const groups = new Map<number, string[]>();
    const byRoot = new Map<string, string[]>();
    let id = 0;
    for (const name of this.nodeFactories.keys()) {
      const root = this.grouper.root(name);
      let group = byRoot.get(root);
      if (group === undefined) {
        group = [];
        byRoot.set(root, group);
        groups.set(id++, group);
      }
      group.push(name);
    }
    return groups;
  }

  isGlobalGroup(nodeNames: readonly string[]): boolean {
    return nodeNames.some((n) => this.isGlobalSource(n));
  }

  /** The plan of every non-global sub-topology together (as Java's TopologyTestDriver runs them). */
  buildTopology(subtopologyIds?: readonly number[]): TopologyPlan {
    const members = new Set<string>();
    for (const [id, names] of this.nodeGroups()) {
      if (this.isGlobalGroup(names)) continue;
      if (subtopologyIds === undefined || subtopologyIds.includes(id)) names.forEach((n) => members.add(n));
    }
    return this.plan(members, false);
  }

  /** The plan of the global stores' sources and update processors, or null when there are none. */
  buildGlobalStateTopology(): TopologyPlan | null {
    const members = new Set<string>();
    for (const names of this.nodeGroups().values()) if (this.isGlobalGroup(names)) names.forEach((n) => members.add(n));
    return members.size === 0 ? null : this.plan(members, true);
  }

  private plan(members: Set<string>, global: boolean): TopologyPlan {
    const nodes = [...this.nodeFactories.values()].filter((f) => members.has(f.name));
    const factories = global ? this.globalStateFactories : this.stateFactories;
    const storeNames = new Set<string>();
    for (const node of nodes) if (node.kind === 'processor') node.stateStoreNames.forEach((s) => factories.has(s) && storeNames.add(s));
    return {
      nodes,
      stores: [...storeNames].map((s) => factories.get(s)!),
      globalStoreNames: global ? [] : [...this.globalStateFactories.keys()],
    };
  }

  describe(): TopologyDescription {
    const subtopologies: SubtopologyDescription[] = [];
    const globalStores: GlobalStoreDescription[] = [];
    for (const [id, names] of this.nodeGroups()) {
      if (this.isGlobalGroup(names)) globalStores.push(this.describeGlobalStore(id, names));
      else subtopologies.push(this.describeSubtopology(id, names));
    }
    return new TopologyDescription(subtopologies, globalStores);
  }

  private describeGlobalStore(id: number, names: readonly string[]): GlobalStoreDescription {
    const sourceName = names.find((n) => this.isGlobalSource(n))!;
    const processor = this.nodeFactories.get(names.find((n) => n !== sourceName)!) as ProcessorNodeFactory;
    const source = this.nodeFactories.get(sourceName) as SourceNodeFactory;
    const sourceDesc = new SourceDescription(sourceName, [source.topics![0]!], null);
    const processorDesc = new ProcessorDescription(processor.name, [processor.stateStoreNames[0]!]);
    sourceDesc.succs.push(processorDesc);
    processorDesc.preds.push(sourceDesc);
    return new GlobalStoreDescription(id, sourceDesc, processorDesc);
  }

  /**
   * Java links description nodes in HashMap order and keeps each node's neighbours in TreeSets ordered by
   * sub-tree size at insertion time; we replay the same sequence so that the text is identical.
   */
  private describeSubtopology(id: number, names: readonly string[]): SubtopologyDescription {
    const sizes = new Map<string, number>();
    const descs = new Map<string, NodeDescription & { preds: NodeDescription[]; succs: NodeDescription[] }>();
    const order = javaHashSetOrder(names);
    for (const name of order) {
      sizes.set(name, 1);
      descs.set(name, this.describeNode(this.nodeFactories.get(name)!));
    }
    const compare = (a: NodeDescription, b: NodeDescription): number => {
      if (a === b) return 0;
      const sa = sizes.get(a.name())!;
      const sb = sizes.get(b.name())!;
      if (sa !== sb) return sb - sa;
      return a.name() < b.name() ? -1 : a.name() > b.name() ? 1 : 0;
    };
    const predSets = new Map<string, OrderedTreeSet<NodeDescription>>();
    const succSets = new Map<string, OrderedTreeSet<NodeDescription>>();
    for (const name of order) {
      predSets.set(name, new OrderedTreeSet(compare));
      succSets.set(name, new OrderedTreeSet(compare));
    }
    const updateSize = (name: string, delta: number): void => {
      sizes.set(name, sizes.get(name)! + delta);
      for (const p of predSets.get(name)!.toArray()) updateSize(p.name(), delta);
    };
    for (const name of order) {
      const node = descs.get(name)!;
      for (const predName of this.nodeFactories.get(name)!.predecessors) {
        const pred = descs.get(predName)!;
        predSets.get(name)!.add(pred);
        succSets.get(predName)!.add(node);
        updateSize(predName, sizes.get(name)!);
      }
    }
    for (const name of order) {
      descs.get(name)!.preds = predSets.get(name)!.toArray();
      descs.get(name)!.succs = succSets.get(name)!.toArray();
    }
    const sorted = [...descs.values()].sort(compare);
    return new SubtopologyDescription(id, sorted);
  }

  private describeNode(f: NodeFactory): SourceDescription | ProcessorDescription | SinkDescription {
    switch (f.kind) {
      case 'source':
        return new SourceDescription(f.name, f.topics === null ? null : javaHashSetOrder(f.topics), f.pattern);
      case 'processor':
        return new ProcessorDescription(f.name, javaHashSetOrder(f.stateStoreNames));
      case 'sink':
        return new SinkDescription(f.name, f.topic, f.topicExtractor === null ? null : f.topicExtractor.name || 'anonymous');
    }
  }

  private isGlobalSource(name: string): boolean {
    const f = this.nodeFactories.get(name);
    return f !== undefined && f.kind === 'source' && f.topics !== null && f.topics.length === 1 && this.globalTopics.has(f.topics[0]!);
  }

  private connectProcessorAndStateStore(processorName: string, storeName: string): void {
    if (this.globalStateFactories.has(storeName)) {
      throw new TopologyError(`Global StateStore ${storeName} can be used by a Processor without being specified; it should not be explicitly passed.`);
    }
    const store = this.stateFactories.get(storeName);
    if (store === undefined) throw new TopologyError(`StateStore ${storeName} is not added yet.`);
    const node = this.nodeFactories.get(processorName);
    if (node === undefined) throw new TopologyError(`Processor ${processorName} is not added yet.`);
    if (node.kind !== 'processor') throw new TopologyError(`cannot connect a state store ${storeName} to a source node or a sink node.`);
    if (!node.stateStoreNames.includes(storeName)) node.stateStoreNames.push(storeName);
    if (store.users.size > 0) this.grouper.unite(processorName, ...store.users);
    store.users.add(processorName);
  }

  private checkNewName(name: string): void {
    if (!name) throw new TopologyError('name must not be empty');
    if (this.nodeFactories.has(name)) throw new TopologyError(`Processor ${name} is already added.`);
  }

  /** Java's checks of `addProcessor` / `addSink` parents, with its messages (which differ slightly by kind). */
  private checkPredecessors(kind: 'processor' | 'sink', name: string, predecessorNames: readonly string[]): void {
    if (predecessorNames.length === 0) {
      throw new TopologyError(`${kind === 'sink' ? 'Sink' : 'Processor'} ${name} must have at least one parent`);
    }
    for (const p of predecessorNames) {
      if (p === name) throw new TopologyError(`Processor ${name} cannot be a predecessor of itself.`);
      if (!this.nodeFactories.has(p)) {
        throw new TopologyError(`Predecessor processor ${p} is not added yet${kind === 'sink' ? '.' : ` for ${name}`}`);
      }
    }
  }
}
