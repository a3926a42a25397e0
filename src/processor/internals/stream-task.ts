import type { StreamsConfig } from '../../config/streams-config.js';
import { DeserializationHandlerResponse } from '../../errors/handlers.js';
import { StreamsError } from '../../errors/streams-error.js';
import type { Serde } from '../../serde/serde.js';
import type { StateStore, StateStoreContext } from '../../state/state-store.js';
import type { InternalTopologyBuilder, TopologyPlan } from '../../topology/internal-topology-builder.js';
import { isPromise, type MaybePromise } from '../../util/maybe-promise.js';
import { PunctuationType, type Cancellable, type Punctuator, type TimestampExtractor } from '../api.js';
import { Headers } from '../headers.js';
import { Record } from '../record.js';
import type { ConsumerRecord } from './consumer-record.js';
import type { TaskContext } from './node-context.js';
import { ProcessorNode } from './processor-node.js';
import { PunctuationQueue, PunctuationSchedule } from './punctuation-queue.js';
import type { RecordCollector } from './record-collector.js';
import { ProcessorRecordContext } from './record-context.js';
import { RecordQueue } from './record-queue.js';
import { SinkNode } from './sink-node.js';
import { SourceNode } from './source-node.js';

export interface StreamTaskOptions {
  readonly id: string;
  readonly plan: TopologyPlan;
  readonly builder: InternalTopologyBuilder;
  readonly config: StreamsConfig;
  readonly collector: RecordCollector;
  /** Wall-clock time: the system clock, or the test driver's mock clock. */
  readonly clock: () => number;
  /** Global stores, readable by every processor (owned by the global task). */
  readonly globalStores?: ReadonlyMap<string, StateStore>;
}

const UNKNOWN = -1;

/**
 * Java's `StreamTask`: the engine. It owns one instance of a topology plan (nodes and stores), buffers
 * records per partition, processes them one at a time in timestamp order, punctuates, and commits.
 * The test driver, the embedded runner and the Kafka runtime all drive this same class.
 */
export class StreamTask implements TaskContext {
  readonly id: string;
  /** The input partition of this task (`<subtopology>_<partition>`), also its changelogs' partition. */
  private readonly partition: number;
  private readonly nodes: ProcessorNode[] = [];
  private readonly sources: SourceNode[] = [];
  private readonly stores = new Map<string, StateStore>();
  private readonly queues = new Map<string, RecordQueue>();
  private readonly streamPunctuations = new PunctuationQueue();
  private readonly systemPunctuations = new PunctuationQueue();
  private readonly consumedOffsets = new Map<string, number>();
  private currentContext = ProcessorRecordContext.forPunctuation(UNKNOWN);
  private streamTimeMs = UNKNOWN;
  private seq = 0;
  private commitNeeded = false;
  private readonly keySerde: Serde<unknown> | null;
  private readonly valueSerde: Serde<unknown> | null;
  private readonly defaultExtractor: TimestampExtractor;

  constructor(private readonly options: StreamTaskOptions) {
    this.id = options.id;
    this.partition = Number(options.id.split('_')[1] ?? 0) || 0;
    this.keySerde = options.config.defaultKeySerde();
    this.valueSerde = options.config.defaultValueSerde();
    this.defaultExtractor = options.config.defaultTimestampExtractor();
    const byName = new Map<string, ProcessorNode>();
    const decorate = (t: string): string => options.builder.decorateTopic(t);
    for (const f of options.plan.nodes) {
      let node: ProcessorNode;
      if (f.kind === 'source') {
        const topics = f.topics === null ? null : f.topics.map(decorate);
        const source = new SourceNode(f.name, topics, f.pattern, f.keyDeserializer, f.valueDeserializer, f.timestampExtractor);
        this.sources.push(source);
        node = source;
      } else if (f.kind === 'sink') {
        node = new SinkNode(f.name, f.topic, f.topicExtractor, f.keySerializer, f.valueSerializer, f.partitioner, options.collector, decorate);
      } else {
        node = new ProcessorNode(f.name, f.supplier(), f.stateStoreNames);
      }
      for (const p of f.predecessors) byName.get(p)!.addChild(node);
      byName.set(f.name, node);
      this.nodes.push(node);
    }
  }

  /** Builds and opens the stores, then initializes the processors (as Java: stores first). */
  async initialize(): Promise<void> {
    const storeContext = this.storeContext();
    for (const factory of this.options.plan.stores) {
      const store = factory.builder.build();
      this.stores.set(store.name(), store);
      await store.init(storeContext, store);
    }
    for (const node of this.nodes) await node.init(this);
  }

  // ---- input ----

  /** The source node reading `topic`, or undefined when this task does not read it. */
  sourceFor(topic: string): SourceNode | undefined {
    return this.sources.find((s) => s.matches(topic));
  }

  addRecord(record: ConsumerRecord): void {
    const key = `${record.topic}\u0000${record.partition}`;
    let queue = this.queues.get(key);
    if (queue === undefined) {
      const source = this.sourceFor(record.topic);
      if (source === undefined) throw new StreamsError(`Task ${this.id} has no source for topic ${record.topic}`);
      queue = new RecordQueue(record.topic, record.partition, source);
      this.queues.set(key, queue);
    }
    queue.add(record);
  }

  hasRecordsQueued(): boolean {
    for (const q of this.queues.values()) if (!q.isEmpty()) return true;
    return false;
  }

  /**
   * Processes the oldest buffered record (by timestamp across this task's partitions).
   * Returns false when nothing was buffered.
   */
  process(): MaybePromise<boolean> {
    let next: RecordQueue | null = null;
    for (const q of this.queues.values()) {
      if (q.head === null) this.prepareHead(q);
      if (q.head === null) continue;
      if (next === null || q.head.timestamp < next.head!.timestamp || (q.head.timestamp === next.head!.timestamp && q.headSeq < next.headSeq)) {
        next = q;
      }
    }
    if (next === null) return false;
    const stamped = next.poll();
    const raw = stamped.raw;
    if (stamped.timestamp > this.streamTimeMs) this.streamTimeMs = stamped.timestamp;
    this.currentContext = new ProcessorRecordContext(stamped.timestamp, raw.offset, raw.partition, raw.topic, raw.headers);
    this.consumedOffsets.set(`${raw.topic}\u0000${raw.partition}`, raw.offset);
    this.commitNeeded = true;
    const r = next.source.process(new Record(stamped.key, stamped.value, stamped.timestamp, raw.headers));
    return isPromise(r) ? r.then(() => true) : true;
  }

  /** Deserializes and time-stamps the queue's next record, skipping records the handlers drop. */
  private prepareHead(q: RecordQueue): void {
    for (let raw = q.nextRaw(); raw !== null; raw = q.nextRaw()) {
      let key: unknown;
      let value: unknown;
      try {
        key = q.source.deserializeKey(raw.topic, raw.key, raw.headers);
        value = q.source.deserializeValue(raw.topic, raw.value, raw.headers);
      } catch (e) {
        const response = this.options.config.deserializationExceptionHandler().handle(raw, e);
        if (response === DeserializationHandlerResponse.CONTINUE) continue;
        throw new StreamsError(
          `Deserialization exception handler is set to fail upon a deserialization error: topic=${raw.topic}, partition=${raw.partition}, ` +
            `offset=${raw.offset}: ${e instanceof Error ? e.message : String(e)}. To skip such records, set ` +
            `'default.deserialization.exception.handler' to LogAndContinueExceptionHandler.`,
          { cause: e },
        );
      }
      const extractor = q.source.timestampExtractor ?? this.defaultExtractor;
      const timestamp = extractor.extract({ ...raw, key, value }, q.partitionTime);
      if (timestamp < 0) continue;
      q.head = { raw, key, value, timestamp };
      q.headSeq = this.seq++;
      return;
    }
  }

  // ---- punctuation ----

  schedule(node: ProcessorNode, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (type === PunctuationType.STREAM_TIME) {
      // aligned to 0: fires as soon as stream time is known
      const s = new PunctuationSchedule(node, 0, intervalMs, punctuator);
      this.streamPunctuations.add(s);
      return s;
    }
    const s = new PunctuationSchedule(node, this.options.clock() + intervalMs, intervalMs, punctuator);
    this.systemPunctuations.add(s);
    return s;
  }

  maybePunctuateStreamTime(): Promise<boolean> | boolean {
    if (this.streamTimeMs === UNKNOWN || this.streamPunctuations.size === 0) return false;
    return this.streamPunctuations.mayPunctuate(this.streamTimeMs, (s, now) => this.punctuate(s, now));
  }

  maybePunctuateSystemTime(): Promise<boolean> | boolean {
    if (this.systemPunctuations.size === 0) return false;
    return this.systemPunctuations.mayPunctuate(this.options.clock(), (s, now) => this.punctuate(s, now));
  }

  private punctuate(schedule: PunctuationSchedule, now: number): MaybePromise<void> {
    this.currentContext = ProcessorRecordContext.forPunctuation(now);
    this.commitNeeded = true;
    return schedule.node.punctuate(schedule.punctuator, now);
  }

  // ---- commit and close ----

  commitRequested(): boolean {
    return this.commitNeeded;
  }

  /** Flushes stores (and their caches), then the collector. Returns the offsets consumed since the last. */
  async commit(): Promise<Map<string, number>> {
    for (const store of this.stores.values()) await store.flush();
    await this.options.collector.flush();
    this.commitNeeded = false;
    const offsets = new Map(this.consumedOffsets);
    return offsets;
  }

  async close(): Promise<void> {
    for (const node of this.nodes) await node.close();
    for (const store of this.stores.values()) if (store.isOpen()) await store.close();
  }

  // ---- TaskContext ----

  applicationId(): string {
    return this.options.config.getString('application.id');
  }
  taskId(): string {
    return this.id;
  }
  appConfigs(): Readonly<globalThis.Record<string, unknown>> {
    return this.options.config.originals;
  }
  defaultKeySerde(): Serde<unknown> | null {
    return this.keySerde;
  }
  defaultValueSerde(): Serde<unknown> | null {
    return this.valueSerde;
  }
  recordContext(): ProcessorRecordContext {
    return this.currentContext;
  }
  streamTime(): number {
    return this.streamTimeMs;
  }
  wallClockTime(): number {
    return this.options.clock();
  }
  store(name: string): StateStore | undefined {
    return this.stores.get(name) ?? this.options.globalStores?.get(name);
  }
  isGlobalStore(name: string): boolean {
    return !this.stores.has(name) && (this.options.globalStores?.has(name) ?? false);
  }
  requestCommit(): void {
    this.commitNeeded = true;
  }

  /** The stores this task owns, by name. */
  stateStores(): ReadonlyMap<string, StateStore> {
    return this.stores;
  }

  private storeContext(): StateStoreContext {
    return {
      applicationId: () => this.applicationId(),
      taskId: () => this.id,
      appConfigs: () => this.appConfigs(),
      keySerde: () => this.keySerde,
      valueSerde: () => this.valueSerde,
      register: () => {
        // restoration from the changelog arrives with persistent state; until then there is nothing to track
      },
      logChange: (storeName, key, value, timestamp) => {
        const topic = `${this.applicationId()}-${storeName}-changelog`;
        this.options.collector.send(topic, key, value, new Headers(), timestamp, this.partition);
      },
      recordTimestamp: () => this.currentContext.timestamp(),
    };
  }
}
