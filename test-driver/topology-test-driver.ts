import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamsConfig, type StreamsProperties } from '../src/config/streams-config.js';
import { IllegalArgumentError } from '../src/errors/streams-error.js';
import type { Headers } from '../src/processor/headers.js';
import type { RecordCollector } from '../src/processor/internals/record-collector.js';
import { StreamTask } from '../src/processor/internals/stream-task.js';
import type { Serde } from '../src/serde/serde.js';
import { isPromise, type MaybePromise } from '../src/util/maybe-promise.js';
import { KeyValueStoreFacade } from '../src/state/internals/key-value-store-facade.js';
import { RecordCache } from '../src/state/internals/record-cache.js';
import type { KeyValueStore, StateStore } from '../src/state/state-store.js';
import { isTimestampedKeyValueStore, type TimestampedKeyValueStore } from '../src/state/timestamped-key-value-store.js';
import type { Topology } from '../src/topology/topology.js';
import type { ProducedRecord } from './produced-record.js';
import type { MetricValue } from '../src/processor/internals/streams-metrics.js';
import type { SessionStore } from '../src/state/session-store.js';
import type { TimestampedWindowStore, WindowStore } from '../src/state/window-store.js';
import { EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION } from '../src/operators/emit-final.js';
import { EMIT_INTERVAL_MS_KSTREAMS_OUTER_JOIN_SPURIOUS_RESULTS_FIX } from '../src/operators/kstream-kstream-join.js';
import { metricsOfTasks, sessionStoreOf, throwIfWindowedStore, timestampedWindowStoreOf, windowStoreOf } from './windowed-store-access.js';
import { TestInputTopic } from './test-input-topic.js';
import { TestOutputTopic } from './test-output-topic.js';

const DONE: Promise<void> = Promise.resolve();

const DEFAULT_PROPS: StreamsProperties = {
  'application.id': 'dummy-topology-test-driver-app-id',
  'bootstrap.servers': 'dummy-topology-test-driver-fake-server:9092',
  // as Java's driver: no wall-clock throttling of emit-on-window-close aggregations
  [EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION]: 0,
  // nor of left/outer stream-stream joins looking for closed windows
  [EMIT_INTERVAL_MS_KSTREAMS_OUTER_JOIN_SPURIOUS_RESULTS_FIX]: 0,
};

/**
 * Java's `TopologyTestDriver`: runs a topology in the engine's `StreamTask`, feeding it records piped into
 * input topics and capturing what sinks produce. Every piped record is processed to completion, with a
 * commit (cache flush) after each, before `pipeInput` returns. Records produced to internal topics
 * (repartition) or to the topology's own source topics are fed back in, as in Java. All topics have one
 * partition; the task is `0_0` and holds every sub-topology; global stores are updated synchronously.
 */
export class TopologyTestDriver {
  private readonly config: StreamsConfig;
  private wallClockMs: number;
  private readonly task: StreamTask | null;
  private readonly globalTask: StreamTask | null;
  private readonly ready: Promise<void>;
  private readonly produced: ProducedRecord[] = [];
  private readonly outputs = new Map<string, OutputQueue>();
  private readonly producedTopics = new Set<string>();
  private readonly offsets = new Map<string, number>();
  private readonly feedbackTopics: Set<string>;
  private initialized = false;
  private readonly tempStateDir: string | null;
  /** Driver work (a pipe, a clock advance) still running asynchronously, or null when idle. */
  private busy: Promise<void> | null = null;
  private closed = false;

  constructor(topology: Topology, config: StreamsProperties = {}, initialWallClockTimeMs: number = Date.now()) {
    // persistent stores live in a directory of this driver's own, removed on close, unless one is given
    this.tempStateDir = config['state.dir'] === undefined ? mkdtempSync(join(tmpdir(), 'kstreams-test-driver-')) : null;
    this.config = new StreamsConfig({ ...DEFAULT_PROPS, ...(this.tempStateDir === null ? {} : { 'state.dir': this.tempStateDir }), ...config });
    this.wallClockMs = initialWallClockTimeMs;
    const builder = topology.internalTopologyBuilder;
    builder.setApplicationId(this.config.getString('application.id'));
    const collector: RecordCollector = {
      send: (topic, key, value, headers, timestamp) => {
        this.produced.push({ topic, partition: 0, key, value, headers, timestamp });
      },
      partitionsFor: () => 1,
      flush: () => undefined,
    };
    const clock = (): number => this.wallClockMs;
    // one record cache for the driver, as Java's driver has one ThreadCache; none when the budget is 0
    const cacheBytes = Math.max(0, this.config.getNumber('statestore.cache.max.bytes'));
    const cache = cacheBytes > 0 ? new RecordCache(cacheBytes) : null;
    const globalPlan = builder.buildGlobalStateTopology();
    this.globalTask =
      globalPlan === null ? null : new StreamTask({ id: 'global', plan: globalPlan, builder, config: this.config, collector, clock, cache });
    const plan = builder.buildTopology();
    this.task =
      plan.nodes.length === 0
        ? null
        : new StreamTask({
            id: '0_0',
            plan,
            builder,
            config: this.config,
            collector,
            clock,
            globalStores: this.globalTask?.stateStores(),
            cache,
          });
    this.feedbackTopics = new Set(builder.internalTopicSpecs().map((t) => builder.decorateTopic(t.name)));
    this.ready = this.initialize();
    // surfaced by the first call that awaits `ready`
    this.ready.catch(() => undefined);
  }

  private async initialize(): Promise<void> {
    await this.globalTask?.initialize();
    await this.task?.initialize();
    await this.completeAllProcessableWork();
    this.initialized = true;
  }

  createInputTopic<K, V>(
    topic: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    startTimestampMs: number = Date.now(),
    autoAdvanceMs = 0,
  ): TestInputTopic<K, V> {
    return new TestInputTopic(this, topic, keySerde, valueSerde, startTimestampMs, autoAdvanceMs);
  }

  createOutputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic(this, topic, keySerde, valueSerde);
  }

  /** @internal used by `TestInputTopic`. Stays synchronous (one resolved promise) when the topology is. */
  pipeRecord(topic: string, key: Buffer | null, value: Buffer | null, headers: Headers, timestamp: number): Promise<void> {
    return this.serialized(() => this.pipeReady(topic, key, value, headers, timestamp));
  }

  /**
   * Runs driver work one piece at a time, in call order. Java's driver is synchronous; here a caller may
   * start a pipe without awaiting the previous one, and its record must not enter the task while an
   * earlier record is still inside an asynchronous processor (the task processes one record at a time).
   * Stays synchronous when the driver is idle and the work is.
   */
  private serialized(work: () => MaybePromise<void>): Promise<void> {
    if (this.initialized && this.busy === null) {
      let r: MaybePromise<void>;
      try {
        r = work();
      } catch (e) {
        return Promise.reject(e);
      }
      if (!isPromise(r)) return DONE;
      return this.track(r);
    }
    const previous = this.busy ?? DONE;
    return this.track(previous.then(() => this.ready).then(work));
  }

  private track(work: Promise<void>): Promise<void> {
    const settled: Promise<void> = work.then(
      () => undefined,
      () => undefined,
    );
    const tail: Promise<void> = settled.then(() => {
      if (this.busy === tail) this.busy = null;
    });
    this.busy = tail;
    return work;
  }

  private pipeReady(topic: string, key: Buffer | null, value: Buffer | null, headers: Headers, timestamp: number): MaybePromise<void> {
    const globalTask = this.globalTask;
    const isGlobal = globalTask?.sourceFor(topic) !== undefined;
    if (!isGlobal && this.task?.sourceFor(topic) === undefined) throw new IllegalArgumentError(`Unknown topic: ${topic}`);
    const record = { topic, partition: 0, offset: this.nextOffset(topic), timestamp, key, value, headers };
    if (globalTask !== null && isGlobal) {
      globalTask.addRecord(record);
      return (async () => {
        while (globalTask.hasRecordsQueued()) await globalTask.process();
        await globalTask.commit();
      })();
    }
    this.task!.addRecord(record);
    return this.completeAllProcessableWork();
  }

  /** Advances the mock wall clock, firing due WALL_CLOCK_TIME punctuations. */
  advanceWallClockTime(advanceMs: number): Promise<void> {
    // Java's mock clock: MockTime.sleep
    if (advanceMs < 0) return Promise.reject(new IllegalArgumentError('Sleep ms cannot be negative.'));
    return this.serialized(() => this.advanceReady(advanceMs));
  }

  private async advanceReady(advanceMs: number): Promise<void> {
    this.wallClockMs += advanceMs;
    if (this.task !== null) {
      await this.task.maybePunctuateSystemTime();
      await this.task.commit();
    }
    await this.completeAllProcessableWork();
  }

  /**
   * As Java: process every queued record (fed-back ones included), each followed by stream-time
   * punctuation, a commit and output capture. Synchronous unless some step returns a promise.
   */
  private completeAllProcessableWork(): MaybePromise<void> {
    this.captureOutputs();
    const task = this.task;
    if (task === null) return;
    while (task.hasRecordsQueued()) {
      const processed = task.process();
      if (isPromise(processed)) return processed.then(() => this.afterProcess(task)).then(() => this.completeAllProcessableWork());
      const after = this.afterProcess(task);
      if (isPromise(after)) return after.then(() => this.completeAllProcessableWork());
    }
  }

  private afterProcess(task: StreamTask): MaybePromise<void> {
    const punctuated = task.maybePunctuateStreamTime();
    if (isPromise(punctuated)) return punctuated.then(() => this.commitAndCapture(task));
    return this.commitAndCapture(task);
  }

  private commitAndCapture(task: StreamTask): MaybePromise<void> {
    const committed = task.commit();
    if (isPromise(committed)) return committed.then(() => this.captureOutputs());
    this.captureOutputs();
  }

  /** Moves produced records to their output queues, feeding internal and source topics back in. */
  private captureOutputs(): void {
    for (let i = 0; i < this.produced.length; i++) {
      const r = this.produced[i]!;
      this.producedTopics.add(r.topic);
      let queue = this.outputs.get(r.topic);
      if (queue === undefined) this.outputs.set(r.topic, (queue = new OutputQueue()));
      queue.push(r);
      if (this.feedbackTopics.has(r.topic) || this.task?.sourceFor(r.topic) !== undefined) {
        this.task!.addRecord({ ...r, offset: this.nextOffset(r.topic) });
      } else if (this.globalTask?.sourceFor(r.topic) !== undefined) {
        this.globalTask.addRecord({ ...r, offset: this.nextOffset(r.topic) });
      }
    }
    this.produced.length = 0;
  }

  private nextOffset(topic: string): number {
    const o = this.offsets.get(topic) ?? 0;
    this.offsets.set(topic, o + 1);
    return o;
  }

  /** @internal used by `TestOutputTopic`. */
  readOutput(topic: string): ProducedRecord | undefined {
    return this.outputs.get(topic)?.shift();
  }

  /** @internal used by `TestOutputTopic`. */
  hasOutputTopic(topic: string): boolean {
    return this.outputs.has(topic);
  }

  /** @internal used by `TestOutputTopic`. */
  queueSize(topic: string): number {
    return this.outputs.get(topic)?.size ?? 0;
  }

  /** The names of every topic a sink wrote to, internal topics included (as Java). */
  producedTopicNames(): Set<string> {
    return new Set(this.producedTopics);
  }

  /** Every store of the topology by name, global stores included. */
  async getAllStateStores(): Promise<Map<string, StateStore>> {
    await this.ready;
    await this.busy;
    const all = new Map<string, StateStore>();
    for (const [n, s] of this.task?.stateStores() ?? []) all.set(n, s);
    for (const [n, s] of this.globalTask?.stateStores() ?? []) all.set(n, s);
    return all;
  }

  /**
   * A store by name (global stores included), or null. As in Java, this is for custom stores: a built-in
   * store is refused, naming the typed getter to use instead.
   */
  async getStateStore(name: string): Promise<StateStore | null> {
    const store = await this.findStore(name);
    if (store !== null) throwIfBuiltInStore(store);
    return store;
  }

  private async findStore(name: string): Promise<StateStore | null> {
    return (await this.getAllStateStores()).get(name) ?? null;
  }

  /**
   * A key-value store by name, or null. For a timestamped store (every DSL store) the values are plain:
   * timestamps are dropped on read and written as -1, like Java's facade.
   */
  async getKeyValueStore<K, V>(name: string): Promise<KeyValueStore<K, V> | null> {
    const store = await this.findStore(name);
    if (store === null || !isKeyValueStore(store)) return null;
    if (isTimestampedKeyValueStore<K, V>(store)) return new KeyValueStoreFacade<K, V>(store);
    return store as KeyValueStore<K, V>;
  }

  async getTimestampedKeyValueStore<K, V>(name: string): Promise<TimestampedKeyValueStore<K, V> | null> {
    const store = await this.findStore(name);
    return store !== null && isTimestampedKeyValueStore<K, V>(store) ? store : null;
  }

  /** A window store by name, or null; a timestamped one (every windowed DSL store) with plain values, as Java's facade. */
  async getWindowStore<K, V>(name: string): Promise<WindowStore<K, V> | null> {
    return windowStoreOf<K, V>(await this.findStore(name));
  }

  async getTimestampedWindowStore<K, V>(name: string): Promise<TimestampedWindowStore<K, V> | null> {
    return timestampedWindowStoreOf<K, V>(await this.findStore(name));
  }

  async getSessionStore<K, V>(name: string): Promise<SessionStore<K, V> | null> {
    return sessionStoreOf<K, V>(await this.findStore(name));
  }

  /** The tasks' metrics (e.g. `dropped-records-total` of group `stream-task-metrics`), as name/group/tags/value. */
  metrics(): MetricValue[] {
    return metricsOfTasks(this.task?.metrics(), this.globalTask?.metrics());
  }

  /**
   * As Java: commits (flushing caches, whose output stays readable), then closes processors and stores.
   * Closing again does nothing.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => undefined);
    await this.busy;
    if (this.initialized && this.task !== null) {
      await this.task.commit();
      this.captureOutputs();
    }
    await this.task?.close();
    await this.globalTask?.close();
    if (this.tempStateDir !== null) rmSync(this.tempStateDir, { recursive: true, force: true });
  }
}

/** Java's `throwIfBuiltInStore`: built-in stores have typed getters. */
function throwIfBuiltInStore(store: StateStore): void {
  if (isTimestampedKeyValueStore(store)) {
    throw new IllegalArgumentError(`Store ${store.name()} is a timestamped key-value store and should be accessed via \`getTimestampedKeyValueStore()\``);
  }
  if (isKeyValueStore(store)) {
    throw new IllegalArgumentError(`Store ${store.name()} is a key-value store and should be accessed via \`getKeyValueStore()\``);
  }
  throwIfWindowedStore(store);
}

function isKeyValueStore(store: StateStore): boolean {
  return typeof (store as Partial<KeyValueStore<unknown, unknown>>).putIfAbsent === 'function';
}

/** A FIFO of produced records; reading does not move the rest (Array.shift would, on long topics). */
class OutputQueue {
  private items: ProducedRecord[] = [];
  private head = 0;

  push(r: ProducedRecord): void {
    this.items.push(r);
  }

  shift(): ProducedRecord | undefined {
    if (this.head >= this.items.length) return undefined;
    const r = this.items[this.head++];
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return r;
  }

  get size(): number {
    return this.items.length - this.head;
  }
}
