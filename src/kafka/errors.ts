/**
 * Errors of the Kafka client port: the cases the runtime must tell apart, whatever client is below.
 * Adapters map their client's errors onto these (kafkajs: kafkajs-errors.ts) and keep the original as
 * `cause`.
 */
import { StreamsError, type StreamsErrorOptions } from '../errors/streams-error.js';

export interface KafkaClientErrorOptions extends StreamsErrorOptions {
  /** True when simply trying again later may succeed. */
  retriable?: boolean;
  /** The broker's or client's name for the error (e.g. `INVALID_PRODUCER_EPOCH`), when there is one. */
  kafkaErrorType?: string;
}

/** Any failure talking to Kafka that has no more specific class below. */
export class KafkaClientError extends StreamsError {
  readonly retriable: boolean;
  readonly kafkaErrorType: string | undefined;

  constructor(message: string, options: KafkaClientErrorOptions = {}) {
    super(message, { code: options.code ?? 'KAFKA_CLIENT_ERROR', cause: options.cause });
    this.retriable = options.retriable ?? false;
    this.kafkaErrorType = options.kafkaErrorType;
  }
}

/**
 * A newer producer with the same transactional id exists (Java's `ProducerFencedException`): this
 * producer's transaction is lost and it can never commit again. Under exactly-once the task has
 * migrated to another owner: close it without committing.
 */
export class ProducerFencedError extends KafkaClientError {
  constructor(message: string, options: KafkaClientErrorOptions = {}) {
    super(message, { ...options, code: options.code ?? 'PRODUCER_FENCED', retriable: false });
  }
}

/**
 * The group's membership changed under this member (Java's `CommitFailedException` /
 * `RebalanceInProgressException` family): its partitions are being reassigned. Let the rebalance
 * run; what was not committed will be processed again by the next owner.
 */
export class GroupRebalanceError extends KafkaClientError {
  constructor(message: string, options: KafkaClientErrorOptions = {}) {
    super(message, { ...options, code: options.code ?? 'GROUP_REBALANCE', retriable: false });
  }
}

/** The group is rebalancing (or this member's generation is stale): rejoin, then carry on. */
export class RebalanceInProgressError extends GroupRebalanceError {
  constructor(message: string, options: KafkaClientErrorOptions = {}) {
    super(message, { ...options, code: options.code ?? 'REBALANCE_IN_PROGRESS' });
  }
}

/**
 * The coordinator no longer knows this member (it missed its session timeout): everything it owned
 * is lost and may already be processed by others (Java's `TaskMigratedException` cases).
 */
export class UnknownMemberIdError extends GroupRebalanceError {
  constructor(message: string, options: KafkaClientErrorOptions = {}) {
    super(message, { ...options, code: options.code ?? 'UNKNOWN_MEMBER_ID' });
  }
}

/** A topic (or partition) does not exist. */
export class UnknownTopicError extends KafkaClientError {
  readonly topics: readonly string[];

  constructor(message: string, topics: readonly string[] = [], options: KafkaClientErrorOptions = {}) {
    super(message, { ...options, code: options.code ?? 'UNKNOWN_TOPIC' });
    this.topics = topics;
  }
}

/** A request or an operation did not finish in time. Often retriable. */
export class KafkaTimeoutError extends KafkaClientError {
  constructor(message: string, options: KafkaClientErrorOptions = {}) {
    super(message, { ...options, code: options.code ?? 'KAFKA_TIMEOUT', retriable: options.retriable ?? true });
  }
}

/**
 * A read started at an offset that is not in the log (any more): e.g. a checkpoint older than what
 * compaction or retention kept. Restoration then starts over from the beginning.
 */
export class OffsetOutOfRangeError extends KafkaClientError {
  readonly topic: string | undefined;
  readonly partition: number | undefined;

  constructor(message: string, where: { topic?: string; partition?: number } = {}, options: KafkaClientErrorOptions = {}) {
    super(message, { ...options, code: options.code ?? 'OFFSET_OUT_OF_RANGE' });
    this.topic = where.topic;
    this.partition = where.partition;
  }
}
