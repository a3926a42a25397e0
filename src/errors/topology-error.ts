import { StreamsError, type StreamsErrorOptions } from './streams-error.js';

/** Java's `TopologyException`: the topology is invalid (unknown parent, duplicate name, missing store...). */
export class TopologyError extends StreamsError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(`Invalid topology: ${message}`, { code: options.code ?? 'TOPOLOGY_INVALID', cause: options.cause });
  }
}

/**
 * Java's `StreamsException` raised while processing a record: says where (task, processor, topic,
 * partition, offset) and keeps the original error as `cause`.
 */
export class ProcessingError extends StreamsError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'PROCESSING_ERROR', cause: options.cause });
  }
}
