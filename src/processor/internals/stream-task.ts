import type { StreamsConfig } from '../../config/streams-config.js';
import {
  DeserializationHandlerResponse,
  ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
  ProcessingHandlerResponse,
  handlerResult,
  type DeadLetterQueueRecord,
} from '../../errors/handlers.js';
import { StreamsError } from '../../errors/streams-error.js';
import type { Serde } from '../../serde/serde.js';
import type { RecordCache } from '../../state/internals/record-cache.js';
import type { StateStore, StateStoreContext } from '../../state/state-store.js';
import type { InternalTopologyBuilder, TopologyPlan } from '../../topology/internal-topology-builder.js';
import { isPromise, type MaybePromise } from '../../util/maybe-promise.js';
import { PunctuationType, type Cancellable, type Punctuator, type TimestampExtractor } from '../api.js';
import { Headers } from '../headers.js';
import { Record } from '../record.js';
import type { ConsumerRecord } from './consumer-record.js';
import type { TaskContext } from './node-context.js';
import { ProcessorNode } from './processor-node.js';
import type { ChangelogReader, StateRestoreListener } from './changelog-reader.js';
import { ProcessorStateManager } from './processor-state-manager.js';
import { PunctuationQueue, PunctuationSchedule } from './punctuation-queue.js';
import type { RecordCollector } from './record-collector.js';
import { ProcessorRecordContext } from './record-context.js';
import { PartitionGroup } from './partition-group.js';
import { RecordQueue } from './record-queue.js';
import { SinkNode } from './sink-node.js';
import { SourceNode } from './source-node.js';
import { StreamsMetrics, droppedRecordsSensor, enforcedProcessingSensor } from './streams-metrics.js';
import { FailOnInvalidTimestamp } from '../timestamp-extractors.js';

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
  /** The instance's record cache shared by caching stores; absent or null: caching off. */
  readonly cache?: RecordCache | null;
  /** The task's state directory (persistent stores); default `<state.dir>/<application.id>/<taskId>`. */
  readonly stateDir?: string;
  /**
   * The task's input partitions, known up front by the Kafka runtime: `isProcessable` then applies
   * `max.task.idle.ms` (see PartitionGroup). Absent (the test driver): whatever is buffered is processable.
   */
  readonly inputPartitions?: ReadonlyArray<{ readonly topic: string; readonly partition: number }>;
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
  private readonly storeList: StateStore[] = [];
  private readonly changelogTopics = new Map<string, string>();
  private readonly stateManager: ProcessorStateManager;
  /** This task's metrics (`dropped-records-total`, …), read by `TopologyTestDriver.metrics()`. */
  private readonly taskMetrics = new StreamsMetrics();
  /** Every partition queue, in creation order, and the same indexed by topic and partition. */
  private readonly queues: RecordQueue[] = [];
  private readonly queueIndex = new Map<string, Map<number, RecordQueue>>();
  private readonly streamPunctuations = new PunctuationQueue();
  private readonly systemPunctuations = new PunctuationQueue();
  private readonly sourceByTopic = new Map<string, SourceNode | undefined>();
  private currentContext = ProcessorRecordContext.forPunctuation(UNKNOWN);
  /** The input record being processed (null during punctuation): what error handlers and dead letters see. */
  private currentRaw: ConsumerRecord | null = null;
  private streamTimeMs = UNKNOWN;
  private appId: string | null = null;
  private seq = 0;
  private commitNeeded = false;
  private readonly keySerde: Serde<unknown> | null;
  private readonly valueSerde: Serde<unknown> | null;
  private readonly defaultExtractor: TimestampExtractor;
  private readonly partitionGroup: PartitionGroup | null;

  constructor(private readonly options: StreamTaskOptions) {
    this.id = options.id;
    this.partition = Number(options.id.split('_')[1] ?? 0) || 0;
    this.keySerde = options.config.defaultKeySerde();
    this.valueSerde = options.config.defaultValueSerde();
    this.defaultExtractor = options.config.defaultTimestampExtractor();
    this.partitionGroup =
      options.inputPartitions === undefined
        ? null
        : new PartitionGroup(options.config.getNumber('max.task.idle.ms'), options.inputPartitions, enforcedProcessingSensor(this.taskMetrics, this.id));
    const logged = new Set(options.plan.stores.filter((f) => f.builder.loggingEnabled()).map((f) => f.builder.name()));
    this.stateManager = new ProcessorStateManager(this.stateDir(), options.config.isExactlyOnce(), (store) =>
      logged.has(store) ? { topic: this.changelogTopic(store), partition: this.partition } : null,
    );
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
    await this.initializeStores();
    await this.initializeTopology();
  }

  /**
   * Builds and opens the stores (registering them with the state manager). A task that restores state calls
   * `restore` next, and `initializeTopology` only once restoration is complete, as Java does.
   */
  async initializeStores(): Promise<void> {
    const built = this.options.plan.stores.map((f) => f.builder.build());
    this.stateManager.prepare(built.some((s) => s.persistent()));
    const storeContext = this.storeContext();
    for (const store of built) {
      this.stores.set(store.name(), store);
      this.storeList.push(store);
      await store.init(storeContext, store);
    }
  }

  /** Replays the stores' changelogs (see ProcessorStateManager). */
  restore(reader: ChangelogReader, listener?: StateRestoreListener): Promise<void> {
    return this.stateManager.restore(reader, listener);
  }

  /** Initializes the processors, stores first (as Java). */
  async initializeTopology(): Promise<void> {
    for (const node of this.nodes) await node.init(this);
  }

  // ---- input ----

  /** The source node reading `topic`, or undefined when this task does not read it. */
  sourceFor(topic: string): SourceNode | undefined {
    let source = this.sourceByTopic.get(topic);
    if (source === undefined && !this.sourceByTopic.has(topic)) {
      source = this.sources.find((s) => s.matches(topic));
      this.sourceByTopic.set(topic, source);
    }
    return source;
  }

  addRecord(record: ConsumerRecord): void {
    let byPartition = this.queueIndex.get(record.topic);
    if (byPartition === undefined) this.queueIndex.set(record.topic, (byPartition = new Map()));
    let queue = byPartition.get(record.partition);
    if (queue === undefined) {
      const source = this.sourceFor(record.topic);
      if (source === undefined) throw new StreamsError(`Task ${this.id} has no source for topic ${record.topic}`);
      queue = new RecordQueue(record.topic, record.partition, source);
      byPartition.set(record.partition, queue);
      this.queues.push(queue);
    }
    queue.add(record);
  }

  hasRecordsQueued(): boolean {
    for (const q of this.queues) if (!q.isEmpty()) return true;
    return false;
  }

  /** Java's `StreamTask.isProcessable`: asked by the Kafka runtime before each record (see PartitionGroup). */
  isProcessable(wallClockTime: number): boolean {
    return this.partitionGroup === null ? this.hasRecordsQueued() : this.partitionGroup.readyToProcess(wallClockTime, this.isBuffered);
  }

  /** What the consumer learnt of an input partition's lag (max.task.idle.ms waits for partitions with lag). */
  updateLag(topic: string, partition: number, lag: number): void {
    this.partitionGroup?.updateLag(topic, partition, lag);
  }

  /** The empty input partitions that keep the task waiting until their lag is known to be 0 (or data comes). */
  partitionsAwaitingLag(): Array<{ topic: string; partition: number }> {
    return this.partitionGroup?.awaited(this.isBuffered) ?? [];
  }

  /**
   * Drops the buffered, unprocessed records: a suspended task's partitions are read again from the
   * committed offsets, so what was buffered would otherwise be processed twice.
   */
  clearBufferedRecords(): void {
    for (const q of this.queues) q.clear();
    this.partitionGroup?.clear();
  }

  private readonly isBuffered = (topic: string, partition: number): boolean => this.queueIndex.get(topic)?.get(partition)?.isEmpty() === false;

  /**
   * Processes the oldest buffered record (by timestamp across this task's partitions).
   * Returns false when nothing was buffered.
   */
  process(): MaybePromise<boolean> {
    let next: RecordQueue | null = null;
    for (const q of this.queues) {
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
    this.currentRaw = raw;
    next.consumedOffset = raw.offset;
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
        const result = handlerResult(this.options.config.deserializationExceptionHandler().handle(raw, e));
        this.sendDeadLetters(result.deadLetterQueueRecords, raw.timestamp);
        if (result.response === DeserializationHandlerResponse.CONTINUE) {
          droppedRecordsSensor(this.taskMetrics, this.id).record();
          continue;
        }
        throw new StreamsError(
          `Deserialization exception handler is set to fail upon a deserialization error: topic=${raw.topic}, partition=${raw.partition}, ` +
            `offset=${raw.offset}: ${e instanceof Error ? e.message : String(e)}. To skip such records, set ` +
            `'default.deserialization.exception.handler' to LogAndContinueExceptionHandler.`,
          { cause: e },
        );
      }
      const extractor = q.source.timestampExtractor ?? this.defaultExtractor;
      // the default extractor only reads the record's own timestamp: skip building its argument
      const timestamp =
        extractor instanceof FailOnInvalidTimestamp && raw.timestamp >= 0
          ? raw.timestamp
          : extractor.extract(
              { topic: raw.topic, partition: raw.partition, offset: raw.offset, timestamp: raw.timestamp, headers: raw.headers, key, value },
              q.partitionTime,
            );
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
    if (this.streamTimeMs === UNKNOWN) return false;
    return this.streamPunctuations.mayPunctuate(this.streamTimeMs, (s, now) => this.punctuate(s, now));
  }

  maybePunctuateSystemTime(): Promise<boolean> | boolean {
    return this.systemPunctuations.mayPunctuate(this.options.clock(), (s, now) => this.punctuate(s, now));
  }

  private punctuate(schedule: PunctuationSchedule, now: number): MaybePromise<void> {
    this.currentContext = ProcessorRecordContext.forPunctuation(now);
    this.currentRaw = null;
    this.commitNeeded = true;
    return schedule.node.punctuate(schedule.punctuator, now);
  }

  // ---- commit and close ----

  commitRequested(): boolean {
    return this.commitNeeded;
  }

  /**
   * Flushes stores (and their caches), then the collector. Synchronous when every store and the collector
   * are (the driver commits after every record).
   */
  commit(): MaybePromise<void> {
    return this.flushFrom(this.storeList, 0);
  }

  /**
   * A commit flushes the record caches (forwarding and logging their dirty entries), not the stores' own
   * files: local durability is only needed before a checkpoint is written (see ProcessorStateManager), and
   * committed changelogs already make the state recoverable (Java's `flushCache` vs `flush`).
   */
  private flushFrom(stores: StateStore[], from: number): MaybePromise<void> {
    for (let i = from; i < stores.length; i++) {
      const store = stores[i]!;
      const r = store.flushCache !== undefined ? store.flushCache() : store.flush();
      if (isPromise(r)) return r.then(() => this.flushFrom(stores, i + 1));
    }
    const f = this.options.collector.flush();
    if (isPromise(f)) return f.then(() => this.afterFlush());
    return this.afterFlush();
  }

  private afterFlush(): MaybePromise<void> {
    this.commitNeeded = false;
    const written = this.options.collector.offsets?.();
    if (written !== undefined) {
      this.stateManager.updateChangelogOffsets(written);
      return this.stateManager.maybeCheckpoint(false);
    }
  }

  /** The state manager's view of changelog offsets (for tests and lag reporting). */
  changelogOffsets(): ReadonlyMap<string, number> {
    return this.stateManager.changelogOffsets();
  }

  /** The offset of the last record processed from each partition: `topic -> partition -> offset`. */
  consumedOffsets(): Map<string, Map<number, number>> {
    const out = new Map<string, Map<number, number>>();
    for (const q of this.queues) {
      if (q.consumedOffset < 0) continue;
      let byPartition = out.get(q.topic);
      if (byPartition === undefined) out.set(q.topic, (byPartition = new Map()));
      byPartition.set(q.partition, q.consumedOffset);
    }
    return out;
  }

  /**
   * Closes processors and stores. A clean close commits first and writes the checkpoint (under exactly-once
   * too); a dirty close (after a crash or a fenced transaction) writes none, so state is rebuilt.
   */
  async close(clean = true): Promise<void> {
    try {
      if (clean) await this.commit();
      for (const node of this.nodes) await node.close();
      if (clean) await this.stateManager.maybeCheckpoint(true);
    } finally {
      // whatever failed above: an open persistent store would keep its directory locked in this process
      for (const store of this.stores.values()) if (store.isOpen()) await store.close();
    }
  }

  // ---- TaskContext ----

  applicationId(): string {
    return (this.appId ??= this.options.config.getString('application.id'));
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
  setRecordContext(context: ProcessorRecordContext): void {
    this.currentContext = context;
  }
  streamTime(): number {
    return this.streamTimeMs;
  }
  metrics(): StreamsMetrics {
    return this.taskMetrics;
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
  /** The input record being processed (null during punctuation and between records). */
  sourceRecord(): ConsumerRecord | null {
    return this.currentRaw;
  }

  /**
   * A processor threw (KIP-1033): asks `processing.exception.handler`, sends its dead letters, and answers
   * true to drop the record at that processor and go on. Without a processing handler or a dead-letter
   * topic configured, the answer is Java's default (fail) without asking.
   */
  handleProcessingError(processorNodeId: string, record: { key: unknown; value: unknown; timestamp: number; headers: Headers }, error: unknown): boolean {
    const config = this.options.config;
    if (config.get('processing.exception.handler') === undefined && config.get(ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG) === undefined) return false;
    const rc = this.currentContext;
    const raw = this.currentRaw;
    const result = handlerResult(
      config.processingExceptionHandler().handle(
        {
          topic: rc.hasMetadata() ? rc.topic() : null,
          partition: rc.partition(),
          offset: rc.offset(),
          timestamp: rc.timestamp(),
          headers: rc.headers(),
          processorNodeId,
          taskId: this.id,
          sourceRawKey: raw?.key ?? null,
          sourceRawValue: raw?.value ?? null,
        },
        record,
        error,
      ),
    );
    this.sendDeadLetters(result.deadLetterQueueRecords, rc.timestamp());
    if (result.response !== ProcessingHandlerResponse.CONTINUE) return false;
    droppedRecordsSensor(this.taskMetrics, this.id).record();
    return true;
  }

  private sendDeadLetters(records: readonly DeadLetterQueueRecord[] | undefined, timestamp: number): void {
    for (const r of records ?? []) this.options.collector.send(r.topic, r.key, r.value, r.headers, r.timestamp ?? timestamp, null);
  }

  requestCommit(): void {
    this.commitNeeded = true;
  }

  /** The stores this task owns, by name. */
  stateStores(): ReadonlyMap<string, StateStore> {
    return this.stores;
  }

  /** The task's state directory: Java's `<state.dir>/<application.id>/<taskId>`. */
  private stateDir(): string {
    return this.options.stateDir ?? `${this.options.config.getString('state.dir')}/${this.applicationId()}/${this.id}`;
  }

  private changelogTopic(storeName: string): string {
    let topic = this.changelogTopics.get(storeName);
    if (topic === undefined) this.changelogTopics.set(storeName, (topic = `${this.applicationId()}-${storeName}-changelog`));
    return topic;
  }

  private storeContext(): StateStoreContext {
    return {
      applicationId: () => this.applicationId(),
      taskId: () => this.id,
      stateDir: () => this.stateDir(),
      appConfigs: () => this.appConfigs(),
      keySerde: () => this.keySerde,
      valueSerde: () => this.valueSerde,
      register: (store, restoreCallback) => this.stateManager.registerStore(store, restoreCallback),
      logChange: (storeName, key, value, timestamp, headers) => {
        this.options.collector.send(this.changelogTopic(storeName), key, value, headers ?? new Headers(), timestamp, this.partition);
      },
      metrics: () => this.taskMetrics,
      recordTimestamp: () => this.currentContext.timestamp(),
      recordHeaders: () => this.currentContext.headers(),
      cache: () => this.options.cache ?? null,
      recordContext: () => this.currentContext,
      withRecordContext: <T>(snapshot: unknown, fn: () => T): T => {
        const saved = this.currentContext;
        this.currentContext = snapshot as ProcessorRecordContext;
        let result: T;
        try {
          result = fn();
        } catch (e) {
          this.currentContext = saved;
          throw e;
        }
        if (!isPromise(result)) {
          this.currentContext = saved;
          return result;
        }
        return result.finally(() => {
          this.currentContext = saved;
        }) as T;
      },
    };
  }
}
