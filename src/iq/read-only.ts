import { UnsupportedOperationError } from '../errors/interactive-query-errors.js';

/** The error of a write or lifecycle call on a read-only interactive-query view. */
export function readOnly(storeName: string, operation: string): UnsupportedOperationError {
  return new UnsupportedOperationError(`${operation} is not supported: the interactive-query view of store ${storeName} is read-only`);
}
