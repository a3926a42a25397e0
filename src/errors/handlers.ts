/**
 * The exception handlers of Kafka Streams: deserialization (`deserialization.exception.handler`, Java's
 * older `default.deserialization.exception.handler`), processing (`processing.exception.handler`, KIP-1033)
 * and production (`production.exception.handler` / `default.production.exception.handler`). Each decides
 * whether to go on (CONTINUE, the record is dropped) or to fail (the stream thread stops and the uncaught
 * exception handler decides).
 *
 * Dead-letter queue (Java 4.x, KIP-1034): with `errors.dead.letter.queue.topic.name` set, the built-in
 * handlers also send the failed input record, raw (key and value bytes as read, its headers), to that topic
 * with error headers (`__streams.errors.exception`, `.message`, `.stacktrace`, `.topic`, `.partition`,
 * `.offset`). A custom handler may return dead-letter records itself (`{ response, deadLetterQueueRecords }`).
 * The topic is not created by Kafka Streams: create it first.
 */
import { Headers } from '../processor/headers.js';

/** The name of the dead-letter queue topic (Java's `errors.dead.letter.queue.topic.name`). */
export const ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG = 'errors.dead.letter.queue.topic.name';

/** The headers of a dead-letter record (Java's names, KIP-1034). */
export const DeadLetterQueueHeaders = {
  EXCEPTION: '__streams.errors.exception',
  STACKTRACE: '__streams.errors.stacktrace',
  MESSAGE: '__streams.errors.message',
  TOPIC: '__streams.errors.topic',
  PARTITION: '__streams.errors.partition',
  OFFSET: '__streams.errors.offset',
} as const;

/** Java's `DeserializationHandlerResponse`. */
export enum DeserializationHandlerResponse {
  CONTINUE = 'CONTINUE',
  FAIL = 'FAIL',
}

/** Java's `ProcessingExceptionHandler.ProcessingHandlerResponse`. */
export enum ProcessingHandlerResponse {
  CONTINUE = 'CONTINUE',
  FAIL = 'FAIL',
}

/** Java's `ProductionExceptionHandler.ProductionExceptionHandlerResponse`. */
export enum ProductionExceptionHandlerResponse {
  CONTINUE = 'CONTINUE',
  FAIL = 'FAIL',
}

/** The record that could not be deserialized, as the handler sees it. */
export interface RawRecordInfo {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: Headers;
}

/** Java's `ErrorHandlerContext`: where the failure happened (the input record being processed). */
export interface ErrorHandlerContext {
  /** The input record's topic, partition and offset (null / -1 during punctuation). */
  readonly topic: string | null;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly headers: Headers;
  /** The processor that failed (null when not known, e.g. a failed send). */
  readonly processorNodeId: string | null;
  readonly taskId: string;
  /** The input record's bytes, as read (null during punctuation). */
  readonly sourceRawKey: Buffer | null;
  readonly sourceRawValue: Buffer | null;
}

/** A record to write to the dead-letter queue topic. */
export interface DeadLetterQueueRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
  readonly timestamp?: number;
}

/** A handler's decision with the dead-letter records to send (Java 4.x's `Response`). */
export interface HandlerResult<R> {
  readonly response: R;
  readonly deadLetterQueueRecords?: readonly DeadLetterQueueRecord[];
}

/** Handlers may read the application's config (Java's `Configurable`): called once, before first use. */
export interface ConfigurableHandler {
  configure?(configs: Readonly<Record<string, unknown>>): void;
}

/** Java's `DeserializationExceptionHandler`. */
export interface DeserializationExceptionHandler extends ConfigurableHandler {
  handle(record: RawRecordInfo, error: unknown): DeserializationHandlerResponse | HandlerResult<DeserializationHandlerResponse>;
}

/** The record a processor failed on (key and value deserialized). */
export interface FailedRecord {
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp: number;
  readonly headers: Headers;
}

/** Java's `ProcessingExceptionHandler` (KIP-1033): a processor threw while processing a record. */
export interface ProcessingExceptionHandler extends ConfigurableHandler {
  handle(context: ErrorHandlerContext, record: FailedRecord, error: unknown): ProcessingHandlerResponse | HandlerResult<ProcessingHandlerResponse>;
}

/** A record the producer could not write. */
export interface FailedProducerRecord {
  readonly topic: string;
  readonly partition?: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Headers;
}

/**
 * Java's `ProductionExceptionHandler`: a record could not be written (a non-retriable send error; never
 * for a fenced producer, which means the task migrated). CONTINUE drops the record and goes on.
 */
export interface ProductionExceptionHandler extends ConfigurableHandler {
  handle(context: ErrorHandlerContext, record: FailedProducerRecord, error: unknown): ProductionExceptionHandlerResponse | HandlerResult<ProductionExceptionHandlerResponse>;
}

/** Normalises what a handler returned. */
export function handlerResult<R>(result: R | HandlerResult<R>): HandlerResult<R> {
  return typeof result === 'object' && result !== null && 'response' in result ? (result as HandlerResult<R>) : { response: result as R };
}

/**
 * The dead-letter record of a failed input record (Java's `ExceptionHandlerUtils.buildDeadLetterQueueRecords`):
 * its raw key and value, its headers plus the error headers. None when `topic` is null.
 */
export function buildDeadLetterQueueRecords(
  topic: string | null | undefined,
  record: { readonly topic: string | null; readonly partition: number; readonly offset: number; readonly timestamp?: number; readonly key: Buffer | null; readonly value: Buffer | null; readonly headers?: Headers },
  error: unknown,
): DeadLetterQueueRecord[] {
  if (topic === null || topic === undefined || topic === '') return [];
  const headers = new Headers(record.headers ?? []);
  const e = error instanceof Error ? error : new Error(String(error));
  headers.add(DeadLetterQueueHeaders.EXCEPTION, e.name === 'Error' ? e.constructor.name : e.name);
  headers.add(DeadLetterQueueHeaders.STACKTRACE, e.stack ?? String(e));
  headers.add(DeadLetterQueueHeaders.MESSAGE, e.message);
  headers.add(DeadLetterQueueHeaders.TOPIC, record.topic ?? '');
  headers.add(DeadLetterQueueHeaders.PARTITION, String(record.partition));
  headers.add(DeadLetterQueueHeaders.OFFSET, String(record.offset));
  return [{ topic, key: record.key, value: record.value, headers, ...(record.timestamp === undefined || record.timestamp < 0 ? {} : { timestamp: record.timestamp }) }];
}

/** Reads `errors.dead.letter.queue.topic.name` for the built-in handlers. */
abstract class DeadLetterQueueAware implements ConfigurableHandler {
  protected deadLetterQueueTopic: string | null = null;

  configure(configs: Readonly<Record<string, unknown>>): void {
    const topic = configs[ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG];
    this.deadLetterQueueTopic = typeof topic === 'string' && topic !== '' ? topic : null;
  }

  protected respond<R>(response: R, record: Parameters<typeof buildDeadLetterQueueRecords>[1], error: unknown): R | HandlerResult<R> {
    if (this.deadLetterQueueTopic === null) return response;
    return { response, deadLetterQueueRecords: buildDeadLetterQueueRecords(this.deadLetterQueueTopic, record, error) };
  }
}

/** Java's default: stop processing, naming the record (and send it to the dead-letter queue, if one is set). */
export class LogAndFailExceptionHandler extends DeadLetterQueueAware implements DeserializationExceptionHandler {
  handle(record: RawRecordInfo, error: unknown): DeserializationHandlerResponse | HandlerResult<DeserializationHandlerResponse> {
    console.error(
      `Exception caught during Deserialization, taskId: topic: ${record.topic}, partition: ${record.partition}, offset: ${record.offset}`,
      error,
    );
    return this.respond(DeserializationHandlerResponse.FAIL, record, error);
  }
}

/** Skips the record (logging it; sending it to the dead-letter queue, if one is set) and goes on. */
export class LogAndContinueExceptionHandler extends DeadLetterQueueAware implements DeserializationExceptionHandler {
  handle(record: RawRecordInfo, error: unknown): DeserializationHandlerResponse | HandlerResult<DeserializationHandlerResponse> {
    console.warn(
      `Exception caught during Deserialization, skipping record: topic: ${record.topic}, partition: ${record.partition}, offset: ${record.offset}`,
      error instanceof Error ? error.message : error,
    );
    return this.respond(DeserializationHandlerResponse.CONTINUE, record, error);
  }
}

const sourceRecordOf = (c: ErrorHandlerContext) => ({
  topic: c.topic,
  partition: c.partition,
  offset: c.offset,
  timestamp: c.timestamp,
  key: c.sourceRawKey,
  value: c.sourceRawValue,
  headers: c.headers,
});

/** Java's default processing handler: the failure stops the stream thread. */
export class LogAndFailProcessingExceptionHandler extends DeadLetterQueueAware implements ProcessingExceptionHandler {
  handle(context: ErrorHandlerContext, _record: FailedRecord, error: unknown): ProcessingHandlerResponse | HandlerResult<ProcessingHandlerResponse> {
    console.error(
      `Exception caught during message processing, processor node: ${context.processorNodeId}, taskId: ${context.taskId}, ` +
        `source topic: ${context.topic}, source partition: ${context.partition}, source offset: ${context.offset}`,
      error instanceof Error ? error.message : error,
    );
    return this.respond(ProcessingHandlerResponse.FAIL, sourceRecordOf(context), error);
  }
}

/** Drops the record at the failing processor (logging it) and goes on with the next. */
export class LogAndContinueProcessingExceptionHandler extends DeadLetterQueueAware implements ProcessingExceptionHandler {
  handle(context: ErrorHandlerContext, _record: FailedRecord, error: unknown): ProcessingHandlerResponse | HandlerResult<ProcessingHandlerResponse> {
    console.warn(
      `Exception caught during message processing, skipping record: processor node: ${context.processorNodeId}, taskId: ${context.taskId}, ` +
        `source topic: ${context.topic}, source partition: ${context.partition}, source offset: ${context.offset}`,
      error instanceof Error ? error.message : error,
    );
    return this.respond(ProcessingHandlerResponse.CONTINUE, sourceRecordOf(context), error);
  }
}

/** Java's `DefaultProductionExceptionHandler`: a failed send stops the stream thread. */
export class DefaultProductionExceptionHandler extends DeadLetterQueueAware implements ProductionExceptionHandler {
  handle(context: ErrorHandlerContext, _record: FailedProducerRecord, error: unknown): ProductionExceptionHandlerResponse | HandlerResult<ProductionExceptionHandlerResponse> {
    return this.respond(ProductionExceptionHandlerResponse.FAIL, sourceRecordOf(context), error);
  }
}

/** The built-in handlers by name, for configs given as text (Java's class names, short or qualified). */
export const BUILT_IN_HANDLERS: Readonly<Record<string, new () => ConfigurableHandler>> = {
  LogAndFailExceptionHandler,
  LogAndContinueExceptionHandler,
  LogAndFailProcessingExceptionHandler,
  LogAndContinueProcessingExceptionHandler,
  DefaultProductionExceptionHandler,
  'org.apache.kafka.streams.errors.LogAndFailExceptionHandler': LogAndFailExceptionHandler,
  'org.apache.kafka.streams.errors.LogAndContinueExceptionHandler': LogAndContinueExceptionHandler,
  'org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler': LogAndFailProcessingExceptionHandler,
  'org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler': LogAndContinueProcessingExceptionHandler,
  'org.apache.kafka.streams.errors.DefaultProductionExceptionHandler': DefaultProductionExceptionHandler,
};
