import type { StreamsConfig } from '../config/streams-config.js';
import type {
  Admin,
  Assignment,
  BatchContext,
  GroupConsumer,
  KafkaClient,
  PartitionReader,
  Producer,
  RecordBatch,
  TopicPartition,
  TopicPartitionOffset,
  TransactionalProducer,
} from '../kafka/client-port.js';
import { taskTransactionalId } from '../kafka/client-port.js';
import { KafkaClientError, ProducerFencedError } from '../kafka/errors.js';
import { Headers } from '../processor/headers.js';
import type { StateRestoreListener } from '../processor/internals/changelog-reader.js';
import { StreamTask } from '../processor/internals/stream-task.js';
import { RecordCache } from '../state/internals/record-cache.js';
import type { StateDirectory } from '../state/internals/state-directory.js';
import type { StateStore } from '../state/state-store.js';
import { log } from '../util/logger.js';
import { KafkaChangelogReader } from './kafka-changelog-reader.js';
import { KafkaRecordCollector, PartitionCounts } from './kafka-record-collector.js';
import { StreamsPartitionAssignor, decodeJson, type AssignmentInfo } from './task-assignor.js';
import type { TaskSpec, TopologyMetadata } from './topology-metadata.js';

export interface StreamThreadOptions {
  readonly name: string;
  readonly processId: string;
  readonly config: StreamsConfig;
  readonly metadata: TopologyMetadata;
  readonly client: KafkaClient;
  readonly sourceTopics: readonly string[];
  readonly partitionCounts: ReadonlyMap<string, number>;
  readonly patternTopics: ReadonlyMap<number, readonly string[]>;
  readonly stateDirectory: StateDirectory;
  readonly globalStores: ReadonlyMap<string, StateStore>;
  readonly restoreListener: StateRestoreListener | undefined;
  /** Called once the thread got its first assignment and runs. */
  readonly onRunning: () => void;
  /** Called when a rebalance starts or ends (to move the client's state). */
  readonly onRebalance: (rebalancing: boolean) => void;
  /** Called when the thread failed and stopped: the client decides (uncaught exception handler). */
  readonly onFailure: (error: Error) => void;
  /**
   * SHUTDOWN_APPLICATION: this thread joins only to ask the group's leader to shut every instance down
   * (its subscription says so; it takes no tasks).
   */
  readonly requestShutdown?: boolean;
  /** The group's leader asked every instance to shut down (an instance's uncaught handler chose SHUTDOWN_APPLICATION). */
  readonly onShutdownRequested?: () => void;
}

interface ActiveTask {
  readonly spec: TaskSpec;
  readonly task: StreamTask;
  readonly collector: KafkaRecordCollector;
  /** Under exactly-once, the task's own transactional producer. */
  readonly producer: TransactionalProducer | null;
  /** Offsets (next to read) consumed since the last commit, per `topic:partition`. */
  dirty: boolean;
}

/** How long a stream thread keeps trying to join its group when joining fails with a retriable error. */
const JOIN_RETRY_MS = 120_000;

const key = (tp: TopicPartition): string => `${tp.topic}:${tp.partition}`;

/** Waits for all, then throws the first failure (none is left running behind the caller's back). */
async function settleAll(work: ReadonlyArray<Promise<unknown> | unknown>): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

/** The fenced-producer error in `e`'s cause chain, if any: the task migrated to another instance. */
export function fencedCause(e: unknown): ProducerFencedError | null {
  for (let c: unknown = e, i = 0; c !== null && c !== undefined && i < 10; c = (c as { cause?: unknown }).cause, i++) {
    if (c instanceof ProducerFencedError) return c;
  }
  return null;
}

/**
 * Java's `StreamThread` (with its `TaskManager`): one member of the application's consumer group. It owns
 * the tasks the assignor gives it, restores their state before they process, feeds them fetched records,
 * punctuates, and commits every `commit.interval.ms`:
 *  - at-least-once: flush stores and the producer, then commit the consumed offsets;
 *  - exactly-once: each task's outputs, changelog writes and consumed offsets go in one transaction of the
 *    task's own transactional producer (`<application.id>-<taskId>`, which fences any zombie owner).
 * Everything the thread does runs one step at a time (fetched batches, rebalance callbacks and timer ticks
 * are serialised), as Java's single thread does.
 */
export class StreamThread {
  private consumer: GroupConsumer | null = null;
  private reader: PartitionReader | null = null;
  private producer: Producer | null = null;
  /** For output topics' partition counts; opened when a custom partitioner first needs one. */
  private admin: Promise<Admin> | null = null;
  private readonly partitionCounts: PartitionCounts;
  private readonly tasks = new Map<string, ActiveTask>();
  private readonly byPartition = new Map<string, ActiveTask>();
  /** Tasks kept open across an eager rebalance, in case they come back (they usually do). */
  private suspended = new Map<string, ActiveTask>();
  /** Tasks whose stores are open but still restoring (stale interactive queries may read them). */
  private readonly restoring = new Map<string, StreamTask>();
  /** The last assignment's application.server -> partitions map (interactive queries' key routing). */
  private hostPartitions: AssignmentInfo['partitionsByHost'] = {};
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private lastCommit = Date.now();
  private stopped = false;
  private failed = false;
  private reported = false;
  private readonly eos: boolean;
  private readonly commitIntervalMs: number;
  private readonly specs: Map<string, TaskSpec>;

  constructor(private readonly o: StreamThreadOptions) {
    this.eos = o.config.isExactlyOnce();
    this.commitIntervalMs = o.config.getNumber('commit.interval.ms');
    this.specs = new Map(o.metadata.tasks(o.partitionCounts, o.patternTopics).map((t) => [t.id, t]));
    this.partitionCounts = new PartitionCounts(o.partitionCounts, async (topic) => {
      this.admin ??= o.client.admin().catch((e: unknown) => {
        this.admin = null;
        throw e;
      });
      const [described] = await (await this.admin).describeTopics([topic]);
      return described!.partitions;
    });
  }

  get name(): string {
    return this.o.name;
  }

  /** Joins the group; resolves once the first assignment is running. */
  async start(): Promise<void> {
    const { client, config } = this.o;
    const appId = config.getString('application.id');
    this.reader = await client.partitionReader({ isolationLevel: this.eos ? 'read_committed' : 'read_uncommitted' });
    if (!this.eos) this.producer = await client.producer();
    const assignor = new StreamsPartitionAssignor(
      (counts) => this.o.metadata.tasks(new Map([...this.o.partitionCounts, ...counts]), this.o.patternTopics),
      () => ({
        processId: this.o.processId,
        previousTasks: [...this.tasks.keys(), ...this.suspended.keys()],
        tasksWithState: this.o.stateDirectory.listTaskDirectories(),
        applicationServer: (config.get('application.server') as string | undefined) ?? null,
        ...(this.o.requestShutdown ? { shutdownRequested: true } : {}),
      }),
    );
    const consumerConfig = {
      groupId: appId,
      topics: this.o.sourceTopics,
      assignor,
      isolationLevel: this.eos ? ('read_committed' as const) : ('read_uncommitted' as const),
      autoOffsetReset: 'earliest' as const,
      sessionTimeoutMs: Number(config.get('session.timeout.ms') ?? 45_000),
      heartbeatIntervalMs: Number(config.get('heartbeat.interval.ms') ?? 3_000),
    };
    // joining may meet passing conditions (a coordinator still loading its group data on a fresh broker,
    // a leader being elected): try again for a while, as Java's consumer keeps polling
    const deadline = Date.now() + JOIN_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      this.consumer = client.groupConsumer(consumerConfig);
      try {
        await this.consumer.start({
          onBatch: (batch, ctx) => this.exclusive(() => this.onBatch(batch, ctx)),
          onPartitionsRevoked: () => this.exclusive(() => this.onRevoked()),
          onPartitionsAssigned: (assignment) => this.exclusive(() => this.onAssigned(assignment)),
          onRebalancing: () => this.o.onRebalance(true),
          onError: (e) => this.fail(e),
        });
        break;
      } catch (e) {
        await this.consumer.close().catch(() => undefined);
        const retriable = e instanceof KafkaClientError && e.retriable && this.tasks.size === 0 && this.suspended.size === 0;
        if (this.stopped || !retriable || Date.now() > deadline) throw e;
        log.warn(`${this.name}: joining the group failed (${(e as Error).message}); trying again`);
        await new Promise((r) => setTimeout(r, Math.min(5_000, 200 * attempt)));
      }
    }
    this.timer = setInterval(() => void this.exclusive(() => this.tick()).catch((e: unknown) => this.fail(e)), Math.min(100, this.commitIntervalMs));
    this.o.onRunning();
  }

  /** Commits, closes the tasks cleanly and leaves the group. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    await this.exclusive(async () => {
      if (!this.failed) await this.commitAll();
      await this.closeTasks([...this.tasks.values(), ...this.suspended.values()], !this.failed);
    }).catch((e: unknown) => log.warn(`${this.name}: error while stopping: ${String(e)}`));
    await this.consumer?.close().catch(() => undefined);
    await this.producer?.close().catch(() => undefined);
    await this.reader?.close().catch(() => undefined);
    await this.admin?.then((a) => a.close()).catch(() => undefined);
  }

  /** The tasks this thread runs now (for metadata and interactive queries). */
  /** Tasks whose stores interactive queries may read: the running ones; with `stale`, also restoring or suspended ones. */
  queryableTasks(stale: boolean): StreamTask[] {
    const running = [...this.tasks.values()].map((a) => a.task);
    return stale ? [...running, ...[...this.suspended.values()].map((a) => a.task), ...this.restoring.values()] : running;
  }

  /** Which application.server hosts which source partitions, as of the last assignment. */
  partitionsByHost(): AssignmentInfo['partitionsByHost'] {
    return this.hostPartitions;
  }

  activeTasks(): ReadonlyMap<string, StreamTask> {
    return new Map([...this.tasks].map(([id, t]) => [id, t.task]));
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async onBatch(batch: RecordBatch, ctx: BatchContext): Promise<void> {
    if (this.stopped || this.failed) return;
    const active = this.byPartition.get(key(batch));
    if (active === undefined) return;
    active.task.updateLag(batch.topic, batch.partition, batch.highWatermark - batch.nextOffset);
    for (const r of batch.records) {
      active.task.addRecord({
        topic: r.topic,
        partition: r.partition,
        offset: r.offset,
        timestamp: r.timestamp,
        key: r.key,
        value: r.value,
        headers: new Headers(r.headers),
      });
    }
    try {
      await this.processTask(active, ctx);
      await this.maybeCommit();
    } catch (e) {
      await this.onProcessingError(e);
    }
  }

  /**
   * Processes the task's buffered records while it is processable: a task waits while one of its input
   * partitions is empty and may still deliver older records (max.task.idle.ms, see PartitionGroup); what
   * it leaves buffered is processed by a later batch or tick.
   */
  private async processTask(active: ActiveTask, ctx: BatchContext | null): Promise<void> {
    let n = 0;
    while (active.task.isProcessable(Date.now())) {
      active.dirty = true;
      await active.task.process();
      await active.task.maybePunctuateStreamTime();
      const sending = active.collector.backpressure();
      if (sending !== undefined) await sending;
      // a long batch: let the consumer heartbeat, and stop early if the group rebalances
      if (++n % 1000 === 0) {
        if (ctx?.rebalanceInProgress()) break;
        await this.maybeCommit();
      }
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.failed) return;
    try {
      await this.refreshLags().catch((e: unknown) => {
        // only delays the waiting tasks: looked up again at the next tick
        log.warn(`${this.name}: could not look up input partition lags: ${e instanceof Error ? e.message : String(e)}`);
      });
      for (const active of this.tasks.values()) {
        // records left waiting for an empty partition: its idle time may have passed, or its lag become known
        await this.processTask(active, null);
        if (await active.task.maybePunctuateSystemTime()) active.dirty = true;
      }
      await this.maybeCommit();
    } catch (e) {
      await this.onProcessingError(e);
    }
  }

  /**
   * Looks up the lag of the empty partitions that keep tasks with buffered records waiting. Java's consumer
   * learns every assigned partition's lag from each fetch response; kafkajs hands over no empty batches, so
   * a partition with nothing new is never heard of. Lag: the end offset (the last stable offset under
   * exactly-once, as the consumer reads) minus the consumer's position (its start, the log's beginning
   * under `earliest` reset, before it has one).
   */
  private async refreshLags(): Promise<void> {
    const waiting = new Map<string, { active: ActiveTask; tp: TopicPartition }>();
    for (const active of this.tasks.values()) {
      if (!active.task.hasRecordsQueued()) continue;
      for (const tp of active.task.partitionsAwaitingLag()) waiting.set(key(tp), { active, tp });
    }
    if (waiting.size === 0) return;
    const partitions = [...waiting.values()].map((w) => w.tp);
    const positions = new Map(partitions.map((tp) => [key(tp), this.consumer!.position(tp)]));
    const unpositioned = partitions.filter((tp) => positions.get(key(tp)) === undefined);
    for (const b of unpositioned.length === 0 ? [] : await this.reader!.beginningOffsets(unpositioned)) positions.set(key(b), b.offset);
    for (const end of await this.reader!.endOffsets(partitions)) {
      const w = waiting.get(key(end))!;
      w.active.task.updateLag(end.topic, end.partition, end.offset - positions.get(key(end))!);
    }
  }

  private async maybeCommit(): Promise<void> {
    if (Date.now() - this.lastCommit >= this.commitIntervalMs) await this.commitAll();
  }

  /**
   * Commits every task that processed something (or asked for a commit). The tasks' flushes run side by
   * side (each task has its own stores and collector; under exactly-once its own producer), so their sends
   * and transaction round trips overlap instead of queueing one task after the other.
   */
  private async commitAll(): Promise<void> {
    this.lastCommit = Date.now();
    const due = [...this.tasks.values()].filter((a) => a.dirty || a.task.commitRequested());
    if (due.length === 0) return;
    if (this.eos) {
      await settleAll(due.map((a) => this.commitTransaction(a)));
      return;
    }
    await settleAll(due.map((a) => a.task.commit()));
    const offsets: TopicPartitionOffset[] = [];
    for (const active of due) {
      offsets.push(...this.consumedOffsets(active));
      active.dirty = false;
    }
    if (offsets.length > 0) await this.consumer!.commit(offsets);
  }

  /** Exactly-once: the task's outputs and consumed offsets commit together, or not at all. */
  private async commitTransaction(active: ActiveTask): Promise<void> {
    const producer = active.producer!;
    await active.task.commit();
    const offsets = this.consumedOffsets(active);
    if (!producer.inTransaction) {
      if (offsets.length === 0) return;
      await producer.begin();
    }
    if (offsets.length > 0) await producer.sendOffsets({ consumerGroupId: this.o.config.getString('application.id'), offsets });
    await producer.commit();
    active.dirty = false;
  }

  private consumedOffsets(active: ActiveTask): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = [];
    for (const [topic, partitions] of active.task.consumedOffsets()) {
      for (const [partition, offset] of partitions) out.push({ topic, partition, offset: offset + 1 });
    }
    return out;
  }

  /** Eager rebalance: commit everything, keep the tasks open (suspended) in case they come back. */
  private async onRevoked(): Promise<void> {
    this.o.onRebalance(true);
    if (this.failed) return;
    await this.commitAll();
    for (const [id, active] of this.tasks) {
      active.task.clearBufferedRecords();
      this.suspended.set(id, active);
    }
    this.tasks.clear();
    this.byPartition.clear();
  }

  private async onAssigned(assignment: Assignment): Promise<void> {
    const info = decodeJson<AssignmentInfo>(assignment.userData);
    if (info?.error === 'SHUTDOWN_REQUESTED' || this.o.requestShutdown) {
      // the application shuts down: no tasks; what was suspended was committed at revocation
      await this.closeTasks([...this.suspended.values()], true);
      this.suspended.clear();
      this.o.onRebalance(false);
      if (info?.error === 'SHUTDOWN_REQUESTED') {
        log.warn(`${this.name}: the application is shutting down (an instance requested it: SHUTDOWN_APPLICATION)`);
        this.o.onShutdownRequested?.();
      }
      return;
    }
    this.hostPartitions = info?.partitionsByHost ?? {};
    const taskIds = new Set(info?.activeTasks ?? this.tasksOf(assignment.topicPartitions));
    // tasks that moved elsewhere: close them cleanly (their state was committed at revocation)
    const gone = [...this.suspended.values()].filter((a) => !taskIds.has(a.spec.id));
    await this.closeTasks(gone, true);
    for (const id of taskIds) {
      const kept = this.suspended.get(id);
      const active = kept ?? (await this.createTask(id));
      this.suspended.delete(id);
      this.tasks.set(id, active);
      for (const tp of active.spec.partitions) this.byPartition.set(key(tp), active);
      // A kept task resumes where it stopped. The offsets it just committed at revocation may not be
      // readable yet (a transaction's offsets show once its markers are written; kafkajs cannot ask
      // for stable offsets): the committed offsets read back could be older, and redo committed work.
      if (kept !== undefined) for (const position of this.consumedOffsets(kept)) this.consumer!.seek(position);
    }
    this.suspended.clear();
    this.o.onRebalance(false);
  }

  private tasksOf(partitions: readonly TopicPartition[]): string[] {
    const owned = new Set(partitions.map(key));
    return [...this.specs.values()].filter((s) => s.partitions.every((tp) => owned.has(key(tp)))).map((s) => s.id);
  }

  private async createTask(id: string): Promise<ActiveTask> {
    const spec = this.specs.get(id);
    if (spec === undefined) throw new Error(`${this.name}: assigned unknown task ${id}`);
    const { config, client } = this.o;
    if (!this.o.stateDirectory.lock(id)) throw new Error(`${this.name}: the state directory of task ${id} is locked by another live instance`);
    const appId = config.getString('application.id');
    let producer: TransactionalProducer | null = null;
    let task: StreamTask | null = null;
    try {
      producer = this.eos ? await client.transactionalProducer({ transactionalId: taskTransactionalId(appId, id), transactionTimeoutMs: 10_000 }) : null;
      const active = this.newTask(spec, producer);
      task = active.task;
      await task.initializeStores();
      this.restoring.set(id, task);
      try {
        await task.restore(new KafkaChangelogReader(this.reader!), this.o.restoreListener);
      } finally {
        this.restoring.delete(id);
      }
      await task.initializeTopology();
      return active;
    } catch (e) {
      // a task that could not be created (the broker away during restoration, say) releases its stores,
      // producer and state directory, so that the thread replacing this one can create it
      await task?.close(false).catch(() => undefined);
      await producer?.close().catch(() => undefined);
      this.o.stateDirectory.unlock(id);
      throw e;
    }
  }

  private newTask(spec: TaskSpec, producer: TransactionalProducer | null): ActiveTask {
    const { config, metadata } = this.o;
    const id = spec.id;
    let task: StreamTask | null = null;
    const collector = new KafkaRecordCollector(
      producer ?? this.producer!,
      this.partitionCounts,
      this.eos,
      config.productionExceptionHandler(),
      id,
      () => task?.sourceRecord() ?? null,
    );
    task = new StreamTask({
      id,
      plan: metadata.subtopology(spec.subtopology).plan,
      builder: metadata.builder,
      config,
      collector,
      clock: Date.now,
      globalStores: this.o.globalStores,
      cache: this.cache(),
      stateDir: this.o.stateDirectory.taskDirectory(id),
      inputPartitions: spec.partitions,
    });
    return { spec, task, collector, producer, dirty: false };
  }

  private recordCache: RecordCache | null | undefined;

  /** One record cache per thread, as Java's ThreadCache (none when the budget is 0). */
  private cache(): RecordCache | null {
    if (this.recordCache === undefined) {
      const bytes = this.o.config.getNumber('statestore.cache.max.bytes');
      this.recordCache = bytes > 0 ? new RecordCache(bytes) : null;
    }
    return this.recordCache;
  }

  private async closeTasks(tasks: ActiveTask[], clean: boolean): Promise<void> {
    for (const active of tasks) {
      try {
        if (!clean && active.producer?.inTransaction) await active.producer.abort().catch(() => undefined);
        active.collector.discard();
        await active.task.close(clean);
      } finally {
        await active.producer?.close().catch(() => undefined);
        this.o.stateDirectory.unlock(active.spec.id);
      }
    }
  }

  /**
   * A failed record stops the thread: its tasks close without committing (their uncommitted work is
   * redone by the next owner) and the error goes to the client's uncaught exception handler. A fenced
   * producer means another instance owns the task now; the client replaces the thread, which rejoins.
   */
  private async onProcessingError(e: unknown): Promise<never> {
    if (fencedCause(e) !== null) log.warn(`${this.name}: a task was fenced (another instance took it over)`);
    this.failed = true;
    await this.closeTasks([...this.tasks.values(), ...this.suspended.values()], false);
    this.tasks.clear();
    this.suspended.clear();
    this.byPartition.clear();
    throw e;
  }

  private fail(e: unknown): void {
    if (this.stopped || this.reported) return;
    this.reported = true;
    this.failed = true;
    const error = fencedCause(e) ?? (e instanceof Error ? e : new Error(String(e)));
    if (error instanceof ProducerFencedError) log.warn(`${this.name}: ${error.message}`);
    else log.error(`${this.name} failed: ${error.message}`);
    this.o.onFailure(error);
  }
}

