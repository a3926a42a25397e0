import { UnknownStateStoreError } from '../errors/interactive-query-errors.js';
import { IllegalArgumentError, InvalidStateStoreError, StreamsError } from '../errors/streams-error.js';

/** An error answer of the query service: `{ "error": { "code", "message" } }` with an HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/**
 * The HTTP status of a failure: 404 for an unknown store, 503 (retry later, or elsewhere) for a store
 * not queryable now (rebalancing, restoring, migrated), 400 for a caller's mistake, 502 for an owner
 * instance that could not be reached, 500 otherwise. The error's stable code is kept.
 */
export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof UnknownStateStoreError) return new HttpError(404, e.code, e.message);
  if (e instanceof InvalidStateStoreError) return new HttpError(503, e.code, e.message);
  if (e instanceof IllegalArgumentError) return new HttpError(400, e.code, e.message);
  if (e instanceof StreamsError && e.code.startsWith('QUERY_SERVER_')) return new HttpError(502, e.code, e.message);
  const message = e instanceof Error ? e.message : String(e);
  return new HttpError(500, e instanceof StreamsError ? e.code : 'INTERNAL_ERROR', message);
}
