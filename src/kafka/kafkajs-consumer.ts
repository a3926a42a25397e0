/**
 * The port's group consumer over a kafkajs consumer.
 *
 * How kafkajs's behaviour is turned into the port's contract:
 *
 * - Assignor: the port's `PartitionAssignor` becomes a kafkajs custom assigner (protocol name,
 *   subscription userData via kafkajs's MemberMetadata encoding, assignments + userData via its
 *   MemberAssignment encoding). kafkajs's SyncGroup handling decodes a member's assignment but drops
 *   its userData, so after each join the member reads its own assignment back with DescribeGroup
 *   (one request per rebalance). If the group has meanwhile started another rebalance, the broker
 *   returns no assignments and `Assignment.userData` is null: the next assignment is on its way.
 *
 * - Rebalance callbacks: kafkajs is eager and only reports the end of a rebalance (GROUP_JOIN, with
 *   the new assignment); it has no hook before it rejoins. So at each GROUP_JOIN the adapter calls
 *   `onPartitionsRevoked(everything owned so far)` then `onPartitionsAssigned(new assignment)`. Commits
 *   made in the revocation callback use the new generation and are accepted (the broker does not check
 *   partition ownership), so at-least-once loses nothing; the new owner may already have started from
 *   the older committed offset (duplicates, as at-least-once allows). Exactly-once is unaffected: its
 *   offsets go through the task's transactional producer, fenced by transactional id.
 *   Several joins in quick succession collapse: only the latest assignment is handed over. kafkajs
 *   also rejoins on its own, without announcing a rebalance, when a fetch or offset lookup meets stale
 *   metadata (typically NOT_LEADER just after topics were created): each such rejoin is a full eager
 *   rebalance here too.
 *
 * - Start positions: kafkajs resolves committed offsets at its first fetch after a join, which may be
 *   before `onPartitionsAssigned` has fenced the previous owner's producer. So once the callback returns,
 *   the adapter re-reads the committed offsets and seeks to them; batches fetched earlier become stale
 *   and are dropped (kafkajs refetches).
 *
 * - Serialisation: rebalance callbacks and batch deliveries run one at a time, in arrival order (kafkajs
 *   may rejoin from one broker's fetcher while another's batch is being handled). Batches of partitions
 *   not (or no longer) handed to the listener are dropped unresolved, so kafkajs refetches them if they
 *   are still assigned. Pauses end at each rebalance, as in Java (kafkajs would keep them).
 *
 * - Heartbeats: kafkajs heartbeats only between batches. While a handler (or a rebalance callback,
 *   with a batch waiting) runs, the adapter heartbeats in the background through the batch's heartbeat
 *   function; if that reveals a rebalance, `rebalanceInProgress()` turns true and, when the handler
 *   returns, the adapter throws kafkajs's rebalance error so that kafkajs rejoins at once.
 *
 * - Offsets: auto-commit is off and batches are resolved only after the handler returns, so kafkajs's
 *   fetch position moves past a batch only once it is consumed. Commits are explicit (`commit`).
 *
 * - Failures: kafkajs's automatic restart after a crash is disabled; a crash, or a handler/callback
 *   error, stops the consumer and is reported once through `onError`.
 *
 * - Subscription by RegExp is resolved once, when the consumer starts (kafkajs does not re-evaluate it
 *   as topics appear).
 */
import './kafkajs-produce-path.js';
import {
  AssignerProtocol,
  type Admin as KjsAdmin,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type PartitionAssigner,
} from 'kafkajs';
import type {
  Assignment,
  BatchContext,
  CommittedOffset,
  GroupConsumer,
  GroupConsumerConfig,
  GroupConsumerListener,
  GroupMember,
  PartitionAssignor,
  RecordBatch,
  TopicPartition,
  TopicPartitionOffset,
} from './client-port.js';
import { GroupRebalanceError, KafkaClientError } from './errors.js';
import { isKafkaJsRebalance, kafkaCall, toPortError } from './kafkajs-errors.js';
import { byTopic, toConsumerRecord, tpKey } from './kafkajs-records.js';

const DEFAULT_HEARTBEAT_INTERVAL_MS = 3000;

/** The port's assignor as a kafkajs custom assigner. */
export function toKafkaJsAssigner(assignor: PartitionAssignor): PartitionAssigner {
  const version = assignor.version ?? 0;
  return ({ cluster }) => ({
    name: assignor.name,
    version,
    protocol: ({ topics }) => ({
      name: assignor.name,
      metadata: AssignerProtocol.MemberMetadata.encode({
        version,
        topics,
        userData: assignor.subscriptionUserData?.(topics) ?? Buffer.alloc(0),
      }),
    }),
    assign: async ({ members, topics }) => {
      const decoded: GroupMember[] = members.map((m) => {
        const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
        return { memberId: m.memberId, topics: meta?.topics ?? [], userData: meta?.userData ?? Buffer.alloc(0) };
      });
      const partitionsPerTopic = new Map<string, number>();
      for (const topic of new Set([...topics, ...decoded.flatMap((m) => m.topics)])) {
        let count = 0;
        try {
          count = cluster.findTopicPartitionMetadata(topic).length;
        } catch {
          // Not in the leader's metadata (a topic only another member subscribed to): left out.
        }
        if (count > 0) partitionsPerTopic.set(topic, count);
      }
      const result = await assignor.assign({ members: decoded, partitionsPerTopic });
      return decoded.map((m) => {
        const given = result.get(m.memberId);
        const assignment: Record<string, number[]> = {};
        for (const [topic, partitions] of byTopic(given?.topicPartitions ?? [])) assignment[topic] = partitions;
        return {
          memberId: m.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version,
            assignment,
            userData: given?.userData ?? Buffer.alloc(0),
          }),
        };
      });
    },
  });
}

interface Join {
  readonly memberId: string;
  readonly isLeader: boolean;
  readonly partitions: TopicPartition[];
}

function flatten(assignment: Record<string, number[]>): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const topic of Object.keys(assignment).sort()) {
    for (const partition of [...assignment[topic]!].sort((a, b) => a - b)) out.push({ topic, partition });
  }
  return out;
}

function sameSet(a: readonly TopicPartition[], b: readonly TopicPartition[]): boolean {
  const keys = new Set(a.map(tpKey));
  return a.length === b.length && b.every((tp) => keys.has(tpKey(tp)));
}

/** The first kafkajs error in the chain that makes kafkajs's consumer loop rejoin the group. */
function rebalanceCause(error: unknown): unknown {
  let current: unknown = error;
  for (let i = 0; i < 10 && current !== null && typeof current === 'object'; i++) {
    const type = (current as { type?: unknown }).type;
    if (type === 'REBALANCE_IN_PROGRESS' || type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID') return current;
    current = (current as { cause?: unknown }).cause;
  }
  return error;
}

export class KafkaJsGroupConsumer implements GroupConsumer {
  readonly groupId: string;
  private consumer: Consumer | null = null;
  private listener: GroupConsumerListener | null = null;
  private owned: TopicPartition[] = [];
  private ownedKeys = new Set<string>();
  /** Serialises rebalance callbacks and batch deliveries (see `exclusive`). */
  private lock: Promise<void> = Promise.resolve();
  /** The latest rebalance step (start() waits for the first). */
  private steps: Promise<void> = Promise.resolve();
  private joins = 0;
  private inFlight: EachBatchPayload | null = null;
  private backgroundRebalance: unknown = null;
  private seekedInCallback: Set<string> | null = null;
  private readonly positions = new Map<string, number>();
  /** Paused through this port (kafkajs remembers pauses of partitions it no longer assigns, too). */
  private readonly pausedPartitions = new Map<string, TopicPartition>();
  /** The disconnect started after a failure. */
  private stopping: Promise<void> | null = null;
  private startError: unknown = null;
  /** The first error of a rebalance callback (start() rethrows it if it was the first join's). */
  private stepError: unknown = null;
  /** The error that stopped the consumer (reported through onError). */
  private failure: unknown = null;
  private failed = false;
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: GroupConsumerConfig,
    private readonly admin: () => Promise<KjsAdmin>,
    private readonly onClose: () => void,
  ) {
    this.groupId = config.groupId;
  }

  async start(listener: GroupConsumerListener): Promise<void> {
    if (this.consumer) throw new KafkaClientError(`consumer of group ${this.groupId} already started`);
    this.listener = listener;
    const c = this.config;
    const consumer = this.kafka.consumer({
      groupId: c.groupId,
      partitionAssigners: [toKafkaJsAssigner(c.assignor)],
      sessionTimeout: c.sessionTimeoutMs,
      rebalanceTimeout: c.rebalanceTimeoutMs,
      heartbeatInterval: c.heartbeatIntervalMs,
      maxWaitTimeInMs: c.maxWaitTimeMs ?? 500,
      maxBytesPerPartition: c.maxBytesPerPartition,
      maxBytes: c.maxBytes,
      readUncommitted: (c.isolationLevel ?? 'read_uncommitted') === 'read_uncommitted',
      allowAutoTopicCreation: false,
      // The owner decides what a crash means (see onError), so kafkajs must not restart on its own.
      retry: { restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
      this.onGroupJoin({ memberId: payload.memberId, isLeader: payload.isLeader, partitions: flatten(payload.memberAssignment) }),
    );
    consumer.on(consumer.events.REBALANCING, () => this.listener?.onRebalancing?.());
    consumer.on(consumer.events.CRASH, ({ payload }) => this.onCrash(payload.error));
    // Batches holding only transaction markers or aborted records never reach the handler; kafkajs
    // still moves past them, and so does the position reported here.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0) {
        this.positions.set(tpKey(payload), Number(payload.lastOffset) + 1);
      }
    });
    try {
      await kafkaCall(`connect consumer (${c.groupId})`, () => consumer.connect());
      await kafkaCall(`subscribe (${c.groupId})`, () =>
        consumer.subscribe({
          topics: c.topics instanceof RegExp ? [c.topics] : [...c.topics],
          fromBeginning: (c.autoOffsetReset ?? 'earliest') === 'earliest',
        }),
      );
      await kafkaCall(`run consumer (${c.groupId})`, () =>
        consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: (payload) => this.handleBatch(payload),
        }),
      );
      // run() returns after the first join (or after a crash while joining).
      if (this.startError) throw toPortError(this.startError, `join group ${c.groupId}`);
      await this.steps;
      if (this.stepError) throw this.stepError;
    } catch (error) {
      this.failed = true;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const consumer = this.running('commit');
    if (offsets.length === 0) return;
    await kafkaCall(`commit offsets (${this.groupId})`, () =>
      consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) }))),
    );
  }

  async committed(partitions: readonly TopicPartition[]): Promise<CommittedOffset[]> {
    if (partitions.length === 0) return [];
    const admin = await this.admin();
    const topics = [...byTopic(partitions).keys()];
    const response = await kafkaCall(`fetch committed offsets (${this.groupId})`, () =>
      admin.fetchOffsets({ groupId: this.groupId, topics }),
    );
    const found = new Map<string, number>();
    for (const { topic, partitions: ps } of response) {
      for (const p of ps) found.set(tpKey({ topic, partition: p.partition }), Number(p.offset));
    }
    return partitions.map(({ topic, partition }) => {
      const offset = found.get(tpKey({ topic, partition }));
      return { topic, partition, offset: offset === undefined || offset < 0 ? null : offset };
    });
  }

  seek(position: TopicPartitionOffset): void {
    const consumer = this.running('seek');
    consumer.seek({ topic: position.topic, partition: position.partition, offset: String(position.offset) });
    this.seekedInCallback?.add(tpKey(position));
    this.positions.set(tpKey(position), position.offset);
  }

  position(partition: TopicPartition): number | undefined {
    return this.positions.get(tpKey(partition));
  }

  pause(partitions: readonly TopicPartition[]): void {
    if (partitions.length === 0) return;
    this.running('pause').pause([...byTopic(partitions)].map(([topic, ps]) => ({ topic, partitions: ps })));
    for (const { topic, partition } of partitions) this.pausedPartitions.set(tpKey({ topic, partition }), { topic, partition });
  }

  resume(partitions: readonly TopicPartition[]): void {
    if (partitions.length === 0) return;
    this.running('resume').resume([...byTopic(partitions)].map(([topic, ps]) => ({ topic, partitions: ps })));
    for (const tp of partitions) this.pausedPartitions.delete(tpKey(tp));
  }

  paused(): TopicPartition[] {
    return [...this.pausedPartitions.values()];
  }

  assignment(): TopicPartition[] {
    return [...this.owned];
  }

  async heartbeat(): Promise<void> {
    const payload = this.inFlight;
    if (payload) await kafkaCall(`heartbeat (${this.groupId})`, () => payload.heartbeat());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    const consumer = this.consumer;
    if (this.stopping) await this.stopping;
    else if (consumer && !this.failed) {
      await kafkaCall(`close consumer (${this.groupId})`, () => consumer.disconnect());
    }
  }

  // -------------------------------------------------------------------------------------------

  private running(what: string): Consumer {
    if (!this.consumer || this.closed || this.failed) {
      throw new KafkaClientError(`${what}: consumer of group ${this.groupId} is not running`);
    }
    return this.consumer;
  }

  private onGroupJoin(join: Join): void {
    const n = ++this.joins;
    this.steps = this.exclusive(async () => {
      if (n === this.joins && !this.failed && !this.closed) await this.applyJoin(join, n);
    }).catch((error: unknown) => {
      this.stepError ??= error;
      this.fail(error);
    });
  }

  private async applyJoin(join: Join, n: number): Promise<void> {
    const listener = this.listener!;
    if (this.owned.length > 0) {
      const revoked = this.owned;
      this.setOwned([]);
      await listener.onPartitionsRevoked?.(revoked);
      for (const tp of revoked) this.positions.delete(tpKey(tp));
    }
    // kafkajs keeps pauses across rebalances; Java starts every assignment unpaused.
    const paused = this.paused();
    if (paused.length > 0) this.resume(paused);
    const userData = await this.readOwnUserData(join);
    this.setOwned(join.partitions);
    const assignment: Assignment = {
      topicPartitions: join.partitions,
      userData,
      memberId: join.memberId,
      isLeader: join.isLeader,
    };
    const seeked = new Set<string>();
    this.seekedInCallback = seeked;
    try {
      await listener.onPartitionsAssigned?.(assignment);
    } finally {
      this.seekedInCallback = null;
    }
    const rest = join.partitions.filter((tp) => !seeked.has(tpKey(tp)));
    if (rest.length === 0) return;
    const committed = await this.committed(rest);
    // A newer join supersedes this one: its own step seeks.
    if (n !== this.joins || this.failed || this.closed) return;
    for (const c of committed) {
      if (c.offset === null) continue;
      this.consumer!.seek({ topic: c.topic, partition: c.partition, offset: String(c.offset) });
      this.positions.set(tpKey(c), c.offset);
    }
  }

  /** This member's assignment userData, read back from the group (see the file comment). */
  private async readOwnUserData(join: Join): Promise<Buffer | null> {
    try {
      const group = await this.consumer!.describeGroup();
      if (group.state !== 'Stable') return null;
      const me = group.members.find((m) => m.memberId === join.memberId);
      if (!me) return null;
      const decoded = me.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(me.memberAssignment) : null;
      if (!decoded) return join.partitions.length === 0 ? Buffer.alloc(0) : null;
      // Same partitions as the join reported: otherwise this is a later generation's assignment.
      if (!sameSet(flatten(decoded.assignment), join.partitions)) return null;
      return decoded.userData ?? Buffer.alloc(0);
    } catch {
      return null;
    }
  }

  private setOwned(partitions: TopicPartition[]): void {
    this.owned = partitions;
    this.ownedKeys = new Set(partitions.map(tpKey));
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    this.backgroundRebalance = null;
    // Waits for rebalance callbacks, then delivers; heartbeating in the background all along.
    await this.withHeartbeats(payload, () => this.exclusive(() => this.deliver(payload)));
    if (this.backgroundRebalance) throw this.backgroundRebalance;
  }

  private async deliver(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const key = tpKey(batch);
    if (this.failed || this.closed || !this.ownedKeys.has(key) || payload.isStale() || !payload.isRunning()) return;
    if (this.backgroundRebalance) return; // about to rejoin: kafkajs refetches if still assigned

    const lastOffset = batch.lastOffset();
    const recordBatch: RecordBatch = {
      topic: batch.topic,
      partition: batch.partition,
      records: batch.messages.map((m) => toConsumerRecord(batch.topic, batch.partition, m)),
      nextOffset: Number(lastOffset) + 1,
      highWatermark: Number(batch.highWatermark),
    };
    const context: BatchContext = {
      heartbeat: () => kafkaCall(`heartbeat (${this.groupId})`, () => payload.heartbeat()),
      rebalanceInProgress: () => this.backgroundRebalance !== null,
      isStale: () => payload.isStale(),
      isRunning: () => payload.isRunning() && !this.closed && !this.failed,
    };
    this.inFlight = payload;
    try {
      await this.listener!.onBatch(recordBatch, context);
    } catch (error) {
      if (error instanceof GroupRebalanceError || isKafkaJsRebalance(error)) {
        // Give kafkajs its own error back, so that its loop rejoins the group.
        throw rebalanceCause(error);
      }
      this.fail(error);
      return;
    } finally {
      this.inFlight = null;
    }
    if (payload.isStale()) return; // the handler sought: the seek decides where reading resumes
    payload.resolveOffset(lastOffset);
    this.positions.set(key, recordBatch.nextOffset);
  }

  /**
   * Runs `fn` after everything queued before it: rebalance callbacks and batch deliveries never
   * overlap, even when kafkajs rejoins from one fetcher while another fetcher's batch is being handled.
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Runs `work`, heartbeating in the background until it settles. */
  private async withHeartbeats<T>(payload: EachBatchPayload, work: () => Promise<T>): Promise<T> {
    const interval = Math.max(50, Math.floor((this.config.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS) / 2));
    const timer = setInterval(() => {
      const joins = this.joins;
      payload.heartbeat().catch((error: unknown) => {
        // Ignored if the member has rejoined since (an answer about an earlier generation).
        if (isKafkaJsRebalance(error) && joins === this.joins) this.backgroundRebalance ??= rebalanceCause(error);
      });
    }, interval);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private onCrash(error: unknown): void {
    if (!this.consumer || this.failed || this.closed) return;
    if (this.listener && this.joins === 0) {
      // Crashed while joining for the first time: start() reports it.
      this.startError = error;
      this.failed = true;
      return;
    }
    this.failed = true;
    this.setOwned([]);
    this.failure = toPortError(error, `consumer of group ${this.groupId} crashed`);
    this.listener?.onError?.(this.failure as Error);
  }

  /** Stops the consumer after a handler or callback error and reports the error (once). */
  private fail(error: unknown): void {
    if (this.failed || this.closed) return;
    this.failed = true;
    this.setOwned([]);
    this.failure = error instanceof Error ? error : new KafkaClientError(String(error), { cause: error });
    const consumer = this.consumer;
    // Not awaited: disconnect waits for the batch handler, which may be the caller.
    this.stopping = (async () => {
      await consumer?.disconnect().catch(() => undefined);
      this.listener?.onError?.(this.failure as Error);
    })();
  }
}
