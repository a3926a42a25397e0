/**
 * The errors kstreams-ts throws. Every error has a stable, machine-readable `code` (never reworded once
 * published) and a human-readable message. Subclasses map to Java's exceptions where there is one.
 *
 * To add an error: subclass `StreamsError` (or a more specific class) and pass its code to `super`;
 * accept an optional `options` argument so that a further subclass can pass its own code and a cause.
 */
export interface StreamsErrorOptions {
  /** Overrides the class's default code (for subclasses). */
  code?: string;
  /** The underlying error, as in the standard `Error` `cause`. */
  cause?: unknown;
}

/** Java's `StreamsException`: the base of all kstreams-ts errors. */
export class StreamsError extends Error {
  /** A stable identifier of the kind of error, e.g. `SERIALIZATION_ERROR`. */
  readonly code: string;

  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'STREAMS_ERROR';
  }
}

/** Java's `SerializationException`: a value could not be serialized or deserialized. */
export class SerializationError extends StreamsError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'SERIALIZATION_ERROR', cause: options.cause });
  }
}

/** Java's `ConfigException`: a missing or invalid configuration (e.g. no serde and no default serde). */
export class ConfigError extends StreamsError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'CONFIG_ERROR', cause: options.cause });
  }
}

/** Java's `InvalidStateStoreException`: a store (or one of its iterators) is closed or not available. */
export class InvalidStateStoreError extends StreamsError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'INVALID_STATE_STORE', cause: options.cause });
  }
}

/** Java's `ProcessorStateException`: a store failed (I/O, corrupt state, restoration). */
export class ProcessorStateError extends StreamsError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'PROCESSOR_STATE_ERROR', cause: options.cause });
  }
}

/** Java's `IllegalArgumentException` / `NullPointerException` on an argument: a caller's mistake. */
export class IllegalArgumentError extends StreamsError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'ILLEGAL_ARGUMENT', cause: options.cause });
  }
}

/** Java's `NoSuchElementException`: `next()` or `peekNextKey()` on an exhausted iterator. */
export class NoSuchElementError extends StreamsError {
  constructor(message: string, options: StreamsErrorOptions = {}) {
    super(message, { code: options.code ?? 'NO_SUCH_ELEMENT', cause: options.cause });
  }
}
