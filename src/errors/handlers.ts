/** Java's `DeserializationHandlerResponse`. */
export enum DeserializationHandlerResponse {
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
}

/** Java's `DeserializationExceptionHandler` (`default.deserialization.exception.handler`). */
export interface DeserializationExceptionHandler {
  handle(record: RawRecordInfo, error: unknown): DeserializationHandlerResponse;
}

/** Java's default: stop processing, naming the record. */
export class LogAndFailExceptionHandler implements DeserializationExceptionHandler {
  handle(record: RawRecordInfo, error: unknown): DeserializationHandlerResponse {
    console.error(
      `Exception caught during Deserialization, taskId: topic: ${record.topic}, partition: ${record.partition}, offset: ${record.offset}`,
      error,
    );
    return DeserializationHandlerResponse.FAIL;
  }
}

/** Skips the record (logging it) and goes on. */
export class LogAndContinueExceptionHandler implements DeserializationExceptionHandler {
  handle(record: RawRecordInfo, error: unknown): DeserializationHandlerResponse {
    console.warn(
      `Exception caught during Deserialization, skipping record: topic: ${record.topic}, partition: ${record.partition}, offset: ${record.offset}`,
      error instanceof Error ? error.message : error,
    );
    return DeserializationHandlerResponse.CONTINUE;
  }
}
