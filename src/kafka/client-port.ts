/**
 * The narrow Kafka client port: the only view of Kafka the runtime has.
 *
 * Shaped by what Kafka Streams needs (group membership with its own task assignor, manually assigned
 * reads for restoration and global tables, idempotent and per-task transactional producers, topic
 * administration), not by what a client library happens to offer. No client-library type appears here;
 * the kafkajs adapter (kafkajs-adapter.ts) is one implementation, and a second client could be another.
 *
 * Conventions:
 *  - offsets are `number`s (safe up to 2^53, far beyond any real partition);
 *  - a committed or "next" offset is the offset of the next record to read (Kafka's convention);
 *  - keys, values and header values are raw bytes (`Buffer`), serdes live above this layer;
 *  - every failure the runtime must tell apart is a typed error from ./errors.ts.
 */

// ---------------------------------------------------------------------------------------------
// Records

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: number;
}

/** A committed offset, or `null` when the group has none for the partition. */
export interface CommittedOffset extends TopicPartition {
  readonly offset: number | null;
}

export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/** A record as read from Kafka. */
export interface ConsumerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Milliseconds since the epoch (CreateTime or LogAppendTime, as the topic is configured). */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

/** The records of one partition returned by one fetch. */
export interface RecordBatch {
  readonly topic: string;
  readonly partition: number;
  /** Data records in offset order: control records and aborted transactional records are removed. */
  readonly records: readonly ConsumerRecord[];
  /**
   * The position after this batch: the offset to commit once every record of the batch is processed.
   * It may exceed the last record's offset + 1 when the batch ends with transaction markers.
   */
  readonly nextOffset: number;
  /** The partition's high watermark when the batch was fetched (for lag). */
  readonly highWatermark: number;
}

/** A record to write. */
export interface ProducerRecord {
  readonly topic: string;
  /**
   * The partition. When absent, keyed records go where Java's default partitioner puts them
   * (murmur2, see murmur2.ts) and keyless records are spread round robin.
   */
  readonly partition?: number;
  readonly key?: Buffer | null;
  readonly value: Buffer | null;
  /** Milliseconds since the epoch; defaults to now. */
  readonly timestamp?: number;
  readonly headers?: readonly RecordHeader[];
}

/** Where a sent record landed. */
export interface RecordMetadata extends TopicPartitionOffset {}

// ---------------------------------------------------------------------------------------------
// The client: a factory for the four roles

export interface KafkaClient {
  admin(): Promise<Admin>;
  /** An idempotent producer (acks=all, no duplicates or reordering on retries). */
  producer(config?: ProducerConfig): Promise<Producer>;
  /**
   * A transactional producer, already initialised: creating it fences every earlier producer with the
   * same transactional id (their next transactional call fails with `ProducerFencedError`) and waits
   * until that producer's open transaction is completed or aborted.
   */
  transactionalProducer(config: TransactionalProducerConfig): Promise<TransactionalProducer>;
  groupConsumer(config: GroupConsumerConfig): GroupConsumer;
  partitionReader(config?: PartitionReaderConfig): Promise<PartitionReader>;
  /** Closes everything this client created that is still open. */
  close(): Promise<void>;
}

/**
 * The transactional id of a task's producer under exactly-once: `<application.id>-<taskId>`, as in
 * Kafka Streams' first exactly-once mode. One producer per task, because the transactional offset
 * commit of the client cannot carry the group generation (see kafkajs-adapter.ts), so zombies are
 * fenced by the transactional id alone: whoever owns a task now owns its transactional id.
 */
export function taskTransactionalId(applicationId: string, taskId: string): string {
  return `${applicationId}-${taskId}`;
}

export type IsolationLevel = 'read_committed' | 'read_uncommitted';

// ---------------------------------------------------------------------------------------------
// Producers

export interface ProducerConfig {
  /**
   * Records handed to the client per produce call; larger arrays are split into consecutive calls.
   * Order is kept: calls on one producer go out one after the other.
   */
  readonly maxRecordsPerRequest?: number;
}

export interface Producer {
  /**
   * Sends the records, in order per partition, and resolves once all are acknowledged by all in-sync
   * replicas, with one metadata entry per record (same order as `records`). Calls are serialised.
   */
  send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]>;
  close(): Promise<void>;
}

export interface TransactionalProducerConfig extends ProducerConfig {
  readonly transactionalId: string;
  /** The broker aborts a transaction left open longer than this (default 60000; Streams uses 10000). */
  readonly transactionTimeoutMs?: number;
}

/**
 * A transactional producer: `begin`, any number of `send`s and `sendOffsets`, then `commit` or
 * `abort`. Any call may fail with `ProducerFencedError` once a newer producer with the same
 * transactional id exists; the producer is then unusable and must be closed.
 */
export interface TransactionalProducer {
  readonly transactionalId: string;
  /** True between `begin` and the end (commit or abort) of the transaction. */
  readonly inTransaction: boolean;
  begin(): Promise<void>;
  send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]>;
  /**
   * Adds consumer-group offsets to the transaction: they become the group's committed offsets only if
   * the transaction commits (they are invisible, and discarded, if it aborts).
   */
  sendOffsets(args: { consumerGroupId: string; offsets: readonly TopicPartitionOffset[] }): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Group consumer

/** A member as the group leader's assignor sees it. */
export interface GroupMember {
  readonly memberId: string;
  /** The topics the member subscribed to. */
  readonly topics: readonly string[];
  /** What the member's `subscriptionUserData` returned when it joined (empty if nothing). */
  readonly userData: Buffer;
}

/** What one member is given: its partitions, plus opaque bytes for it (e.g. its tasks, standbys, hosts). */
export interface MemberAssignment {
  readonly topicPartitions: readonly TopicPartition[];
  readonly userData?: Buffer;
}

export interface AssignmentContext {
  readonly members: readonly GroupMember[];
  /** Partition counts of the topics the members subscribed to (as the leader's metadata knows them). */
  readonly partitionsPerTopic: ReadonlyMap<string, number>;
}

/**
 * A pluggable partition assignor (Java's `ConsumerPartitionAssignor`). Every member must use an
 * assignor with the same `name`. `assign` runs only on the member the broker elects as leader; a
 * member missing from the result gets nothing.
 */
export interface PartitionAssignor {
  readonly name: string;
  /** Protocol version written with the subscription and the assignment (default 0). */
  readonly version?: number;
  /**
   * Bytes attached to this member's subscription, computed at every (re)join. Synchronous: the
   * client builds the JoinGroup request without awaiting.
   */
  subscriptionUserData?(topics: readonly string[]): Buffer;
  assign(context: AssignmentContext): Promise<ReadonlyMap<string, MemberAssignment>> | ReadonlyMap<string, MemberAssignment>;
}

/** The assignment a member received at the end of a rebalance. */
export interface Assignment {
  readonly topicPartitions: readonly TopicPartition[];
  /**
   * The leader's bytes for this member, or `null` when they could not be read because the group had
   * already moved on to another rebalance (a new assignment follows shortly).
   */
  readonly userData: Buffer | null;
  readonly memberId: string;
  readonly isLeader: boolean;
}

export interface GroupConsumerConfig {
  readonly groupId: string;
  /** Topic names, or a pattern matched against the topics that exist when the consumer starts. */
  readonly topics: readonly string[] | RegExp;
  readonly assignor: PartitionAssignor;
  /** Default `read_uncommitted` (Java's default); exactly-once processing uses `read_committed`. */
  readonly isolationLevel?: IsolationLevel;
  /** Where to start in a partition without a committed offset (Java's auto.offset.reset; default earliest). */
  readonly autoOffsetReset?: 'earliest' | 'latest';
  readonly sessionTimeoutMs?: number;
  readonly rebalanceTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Longest a fetch waits for data at the broker (default 500). */
  readonly maxWaitTimeMs?: number;
  readonly maxBytesPerPartition?: number;
  readonly maxBytes?: number;
}

/** Given to a batch handler while it runs. */
export interface BatchContext {
  /**
   * Heartbeats now if one is due. Throws `RebalanceInProgressError` (or `UnknownMemberIdError`)
   * when the group is rebalancing: the handler should then stop and rethrow, so the consumer rejoins.
   * Handlers need not call it to stay in the group (the adapter heartbeats in the background while
   * a handler awaits), but a handler that computes for long without awaiting must.
   */
  heartbeat(): Promise<void>;
  /** True once a background heartbeat has seen the group rebalancing: finish up quickly. */
  rebalanceInProgress(): boolean;
  /** True when a seek on this partition is pending: the rest of this batch is not wanted. */
  isStale(): boolean;
  /** False once the consumer is closing. */
  isRunning(): boolean;
}

/**
 * Callbacks of a group consumer. Rebalances are eager (all partitions are revoked, then the new set is
 * assigned). All callbacks and batch deliveries are serialised: no batch is delivered while a
 * rebalance callback runs, and no batch of a partition is delivered before it is assigned.
 */
export interface GroupConsumerListener {
  /** A batch of records of an assigned partition. Returning means the whole batch is consumed. */
  onBatch(batch: RecordBatch, context: BatchContext): Promise<void> | void;
  /**
   * The partitions owned until now are taken away (eager: all of them, at every rebalance). Called
   * after the member has rejoined, before `onPartitionsAssigned`; see kafkajs-adapter.ts for why.
   * Offsets committed here still count (they use the new generation).
   */
  onPartitionsRevoked?(partitions: readonly TopicPartition[]): Promise<void> | void;
  /**
   * The partitions owned from now on. After it returns, each partition is read from its committed
   * offset as it is then (so an exactly-once owner can first fence the previous owner's producer),
   * unless the callback called `seek` for it.
   */
  onPartitionsAssigned?(assignment: Assignment): Promise<void> | void;
  /** A rebalance has begun (informative; not every rebalance is announced, the callbacks above are). */
  onRebalancing?(): void;
  /**
   * The consumer failed and has stopped (left the group): everything it owned is lost. A handler's
   * or callback's own error also ends here, after the consumer stopped (and a failure of the first
   * assignment callback is also thrown by `start`).
   */
  onError?(error: Error): void;
}

export interface GroupConsumer {
  readonly groupId: string;
  /** Joins the group and resolves after the first assignment has been handed to the listener. */
  start(listener: GroupConsumerListener): Promise<void>;
  /** Commits offsets (the next offsets to read) for the group, now; never automatically. */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** The group's committed offsets for these partitions, read from the broker. */
  committed(partitions: readonly TopicPartition[]): Promise<CommittedOffset[]>;
  /** Moves the read position of an assigned partition; batches already fetched become stale. */
  seek(position: TopicPartitionOffset): void;
  /**
   * The position: after the last batch consumed (or skipped as markers only), else where a seek or the
   * committed offset at assignment put it; undefined before any (the reset policy decides where it starts).
   */
  position(partition: TopicPartition): number | undefined;
  /** Stops fetching these partitions until `resume` (or the next rebalance: assignments start unpaused). */
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  paused(): TopicPartition[];
  /** The partitions handed to the listener by the last `onPartitionsAssigned`. */
  assignment(): TopicPartition[];
  /**
   * Heartbeats now if one is due, through the batch in flight (outside of a batch the client's own
   * loop heartbeats, so this is a no-op). Throws like `BatchContext.heartbeat`.
   */
  heartbeat(): Promise<void>;
  /** Leaves the group and disconnects. Not from inside a callback (it waits for callbacks to finish). */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Partition reader (manual assignment, no group)

export interface PartitionReaderConfig {
  /** Default `read_uncommitted`. With `read_committed` the end is the last stable offset. */
  readonly isolationLevel?: IsolationLevel;
  readonly maxBytesPerPartition?: number;
  readonly maxBytes?: number;
  /** Longest one fetch waits at the broker (default 500). */
  readonly maxWaitTimeMs?: number;
}

export interface ReadToEndOptions {
  /** Give up with `KafkaTimeoutError` after this long (default 300000). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Reads partitions without a consumer group: for restoring stores from changelogs and for global
 * tables. Holds no group membership, commits nothing.
 */
export interface PartitionReader {
  /** The first offset still in each partition (log start). */
  beginningOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]>;
  /** The end of each partition: high watermark, or last stable offset under read_committed. */
  endOffsets(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]>;
  /**
   * Reads each partition from its start offset (`'earliest'` for its beginning) up to its end offset
   * as taken when the call begins, handing batches to `onBatch` in offset order per partition, and
   * resolves with the positions reached (each at least that end offset). Records appended meanwhile
   * may be delivered too. Throws `OffsetOutOfRangeError` if a start offset is no longer in the log.
   */
  readToEnd(
    start: ReadonlyArray<TopicPartition & { readonly offset: number | 'earliest' }>,
    onBatch: (batch: RecordBatch) => Promise<void> | void,
    options?: ReadToEndOptions,
  ): Promise<TopicPartitionOffset[]>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Admin

export interface NewTopic {
  readonly topic: string;
  readonly partitions: number;
  /** Default: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** Topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface TopicDescription {
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}

export interface Admin {
  /**
   * Creates the topics that do not exist yet (existing ones are left alone, whatever their settings)
   * and waits until all have leaders. Resolves with the names it created.
   */
  createTopics(topics: readonly NewTopic[]): Promise<string[]>;
  /** Throws `UnknownTopicError` naming every topic that does not exist. */
  describeTopics(topics: readonly string[]): Promise<TopicDescription[]>;
  listTopics(): Promise<string[]>;
  /** Deletes the topics; missing topics are ignored. */
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** End offsets (last stable offsets: what a read_committed consumer can reach) of all partitions. */
  endOffsets(topics: readonly string[]): Promise<TopicPartitionOffset[]>;
  /** The group's committed offsets for all partitions of the topics. */
  committedOffsets(groupId: string, topics: readonly string[]): Promise<CommittedOffset[]>;
  /** Deletes consumer groups (e.g. an application's group on reset); missing groups are ignored. */
  deleteGroups(groupIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
