/**
 * Maps kafkajs errors onto the port's typed errors (./errors.ts).
 *
 * kafkajs wraps: a protocol error (with a `type` such as `REBALANCE_IN_PROGRESS`) is often the `cause`
 * of a `KafkaJSNumberOfRetriesExceeded` or `KafkaJSNonRetriableError`, so the whole cause chain is
 * searched. Errors are recognised by their `name`/`type` strings; nothing from kafkajs is imported.
 */
import {
  KafkaClientError,
  KafkaTimeoutError,
  OffsetOutOfRangeError,
  ProducerFencedError,
  RebalanceInProgressError,
  UnknownMemberIdError,
  UnknownTopicError,
} from './errors.js';

interface KafkaJsErrorShape {
  name?: string;
  type?: string;
  message?: string;
  retriable?: boolean;
  cause?: unknown;
  topic?: string;
  partition?: number;
}

/**
 * Broker error types that mean "a newer producer owns this transactional id". Kafka 2.7+ brokers
 * answer PRODUCER_FENCED (code 90) to new request versions; kafkajs speaks old versions, for which the
 * broker answers INVALID_PRODUCER_EPOCH, but code 90 is handled too (kafkajs does not know it and
 * reports "Unknown error code 90").
 */
const FENCED_TYPES = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'TRANSACTION_COORDINATOR_FENCED']);
const REBALANCE_TYPES = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION']);
const TIMEOUT_NAMES = new Set(['KafkaJSRequestTimeoutError', 'KafkaJSTimeout', 'KafkaJSLockTimeout']);
/** kafkajs errors it marks not retriable that are passing states (a restarting broker has no coordinator yet). */
const TRANSIENT_NAMES = new Set(['KafkaJSGroupCoordinatorNotFound']);

function chainOf(error: unknown): KafkaJsErrorShape[] {
  const chain: KafkaJsErrorShape[] = [];
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && chain.length < 10) {
    if (chain.includes(current as KafkaJsErrorShape)) break;
    chain.push(current as KafkaJsErrorShape);
    current = (current as KafkaJsErrorShape).cause;
  }
  return chain;
}

function isKafkaJsError(e: KafkaJsErrorShape): boolean {
  return typeof e.name === 'string' && e.name.startsWith('KafkaJS');
}

/** True when kafkajs's consumer loop treats this error as "rejoin the group". */
export function isKafkaJsRebalance(error: unknown): boolean {
  return chainOf(error).some((e) => e.type !== undefined && (REBALANCE_TYPES.has(e.type) || e.type === 'UNKNOWN_MEMBER_ID'));
}

/**
 * The port error for a kafkajs error (`what` says what was being done, for the message). Errors that
 * did not come from kafkajs, and port errors, are returned unchanged.
 */
export function toPortError(error: unknown, what: string): unknown {
  if (error instanceof KafkaClientError) return error;
  const chain = chainOf(error);
  if (!chain.some(isKafkaJsError)) return error;
  const detail = chain.map((e) => e.message).find((m) => m) ?? String(error);
  const message = `${what}: ${detail}`;
  for (const e of chain) {
    const type = e.type;
    const opts = { cause: error, kafkaErrorType: type };
    if ((type && FENCED_TYPES.has(type)) || /Unknown error code 90\b/.test(e.message ?? '')) {
      return new ProducerFencedError(message, { ...opts, kafkaErrorType: type === 'KAFKAJS_UNKNOWN_ERROR_CODE' ? 'PRODUCER_FENCED' : type });
    }
    if (type && REBALANCE_TYPES.has(type)) return new RebalanceInProgressError(message, opts);
    if (type === 'UNKNOWN_MEMBER_ID') return new UnknownMemberIdError(message, opts);
    if (type === 'UNKNOWN_TOPIC_OR_PARTITION' || e.name === 'KafkaJSTopicMetadataNotLoaded') {
      return new UnknownTopicError(message, e.topic ? [e.topic] : [], opts);
    }
    if (type === 'OFFSET_OUT_OF_RANGE' || e.name === 'KafkaJSOffsetOutOfRange') {
      return new OffsetOutOfRangeError(message, { topic: e.topic, partition: e.partition }, opts);
    }
    if (type === 'REQUEST_TIMED_OUT' || (e.name && TIMEOUT_NAMES.has(e.name))) {
      return new KafkaTimeoutError(message, opts);
    }
  }
  const root = chain[chain.length - 1]!;
  return new KafkaClientError(message, {
    cause: error,
    kafkaErrorType: chain.map((e) => e.type).find((t) => t),
    retriable: root.retriable === true || chain[0]!.name === 'KafkaJSNumberOfRetriesExceeded' || chain.some((e) => e.name !== undefined && TRANSIENT_NAMES.has(e.name)),
  });
}

/** Runs a kafkajs call, translating what it throws. */
export async function kafkaCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toPortError(error, what);
  }
}
