/**
 * The interactive-query failures (Java's subclasses of `InvalidStateStoreException`). Each has a stable
 * `code`; all are `InvalidStateStoreError`s, so a caller that only wants "not queryable now, retry or
 * look elsewhere" catches the base class (exported under Java's name too, `InvalidStateStoreException`).
 */
import { InvalidStateStoreError, StreamsError, type StreamsErrorOptions } from './streams-error.js';

/** Java's name for `InvalidStateStoreError`, so code translated from Java's documentation compiles. */
export const InvalidStateStoreException = InvalidStateStoreError;
export type InvalidStateStoreException = InvalidStateStoreError;

/** Java's `StreamsNotStartedException`: `store()` before `start()`. */
export class StreamsNotStartedError extends InvalidStateStoreError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'STREAMS_NOT_STARTED', cause: options.cause });
  }
}

/** Java's `StreamsRebalancingException`: tasks are being assigned or restored; retry once RUNNING. */
export class StreamsRebalancingError extends InvalidStateStoreError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'STREAMS_REBALANCING', cause: options.cause });
  }
}

/** Java's `StateStoreMigratedException`: the store's tasks left this instance; rediscover the owner. */
export class StateStoreMigratedError extends InvalidStateStoreError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'STATE_STORE_MIGRATED', cause: options.cause });
  }
}

/** Java's `StateStoreNotAvailableException`: the client is shutting down, stopped or failed. */
export class StateStoreNotAvailableError extends InvalidStateStoreError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'STATE_STORE_NOT_AVAILABLE', cause: options.cause });
  }
}

/** Java's `UnknownStateStoreException`: no store of that name in the topology. */
export class UnknownStateStoreError extends InvalidStateStoreError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'UNKNOWN_STATE_STORE', cause: options.cause });
  }
}

/** Java's `InvalidStateStorePartitionException`: `withPartition(p)` names a partition this instance does not host. */
export class InvalidStateStorePartitionError extends InvalidStateStoreError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'INVALID_STATE_STORE_PARTITION', cause: options.cause });
  }
}

/** Java's `UnsupportedOperationException`: a write (or lifecycle call) on a read-only interactive-query view. */
export class UnsupportedOperationError extends StreamsError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'UNSUPPORTED_OPERATION', cause: options.cause });
  }
}
