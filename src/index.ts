// The public API of kstreams-ts: a curated list. Internals are never exported from here.
export { StreamsConfig, type StreamsProperties } from './config/streams-config.js';
export * from './errors/streams-error.js';
export { TopologyError, ProcessingError } from './errors/topology-error.js';
export {
  DeadLetterQueueHeaders,
  DefaultProductionExceptionHandler,
  DeserializationHandlerResponse,
  ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
  LogAndContinueExceptionHandler,
  LogAndContinueProcessingExceptionHandler,
  LogAndFailExceptionHandler,
  LogAndFailProcessingExceptionHandler,
  ProcessingHandlerResponse,
  ProductionExceptionHandlerResponse,
  buildDeadLetterQueueRecords,
  type DeadLetterQueueRecord,
  type DeserializationExceptionHandler,
  type ErrorHandlerContext,
  type FailedProducerRecord,
  type FailedRecord,
  type HandlerResult,
  type ProcessingExceptionHandler,
  type ProductionExceptionHandler,
  type RawRecordInfo,
} from './errors/handlers.js';
export {
  PunctuationType,
  type Cancellable,
  type FixedKeyProcessor,
  type FixedKeyProcessorContext,
  type FixedKeyProcessorSupplier,
  type FixedKeyRecord,
  type Processor,
  type ProcessorContext,
  type ProcessorSupplier,
  type Punctuator,
  type RecordContext,
  type RecordMetadata,
  type StreamPartitioner,
  type TimestampExtractor,
  type TopicNameExtractor,
} from './processor/api.js';
export { Headers, type Header } from './processor/headers.js';
export { Record } from './processor/record.js';
export {
  FailOnInvalidTimestamp,
  LogAndSkipOnInvalidTimestamp,
  UsePartitionTimeOnInvalidTimestamp,
  WallclockTimestampExtractor,
} from './processor/timestamp-extractors.js';
export * from './serde/index.js';
export * from './state/index.js';
export { Topology } from './topology/topology.js';
export { AutoOffsetReset } from './topology/node-factories.js';
export type {
  TopologyDescription,
  SubtopologyDescription,
  GlobalStoreDescription,
  NodeDescription,
} from './topology/topology-description.js';
export * from './dsl/index.js';
export { ContextualProcessor } from './processor/contextual-processor.js';
export { setLogLevel } from './util/logger.js';
export {
  KafkaStreams,
  KafkaStreamsState,
  StreamThreadExceptionResponse,
  type KafkaStreamsOptions,
  type StateListener,
  type StreamsUncaughtExceptionHandler,
} from './runtime/kafka-streams.js';
export { closeOnSignals, type CloseOnSignalsOptions } from './runtime/signals.js';
export * from './errors/interactive-query-errors.js';
export { StoreQueryParameters } from './iq/store-query-parameters.js';
export { QueryableStoreTypes, type QueryableStoreType } from './iq/queryable-store-types.js';
export { HostInfo, KeyQueryMetadata, StreamsMetadata, type TopicPartition } from './iq/metadata.js';
export { QueryService, type QueryServiceOptions } from './iq/query-service.js';
export { KeyCodecs, type KeyCodec } from './iq/key-codec.js';
export type { QueryableStreams } from './iq/local-reads.js';
