// The public API of kstreams-ts: a curated list. Internals are never exported from here.
export { StreamsConfig, type StreamsProperties } from './config/streams-config.js';
export * from './errors/streams-error.js';
export { TopologyError, ProcessingError } from './errors/topology-error.js';
export {
  DeserializationHandlerResponse,
  LogAndContinueExceptionHandler,
  LogAndFailExceptionHandler,
  type DeserializationExceptionHandler,
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
