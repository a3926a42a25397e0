import { StateStoreMigratedError } from '../errors/interactive-query-errors.js';
import { InvalidStateStoreError } from '../errors/streams-error.js';
import { isPromise, type MaybePromise } from '../util/maybe-promise.js';

/**
 * Runs one read of a local store. A store closed under the query (its task was revoked or migrated)
 * throws a plain `InvalidStateStoreError`; the caller is told it migrated, so it looks the owner up again
 * (as Java's composite stores do) instead of reading a half-closed store.
 */
export function guarded<T>(storeName: string, read: () => MaybePromise<T>): MaybePromise<T> {
  try {
    const result = read();
    return isPromise(result) ? result.catch((e: unknown) => rethrow(storeName, e)) : result;
  } catch (e) {
    return rethrow(storeName, e);
  }
}

function rethrow(storeName: string, e: unknown): never {
  if (e instanceof InvalidStateStoreError && e.constructor === InvalidStateStoreError) {
    throw new StateStoreMigratedError(
      `State store ${storeName} is not available any more and may have migrated to another instance; look its location up again (queryMetadataForKey / streamsMetadataForStore).`,
      { cause: e },
    );
  }
  throw e;
}

/** The first non-null answer of `read` over the local stores, in order (a key lives in one task's store). */
export async function firstFound<S, T>(storeName: string, stores: ReadonlyArray<S>, read: (store: S) => MaybePromise<T | null | undefined>): Promise<T | null> {
  for (const store of stores) {
    const value = await guarded(storeName, () => read(store));
    if (value !== null && value !== undefined) return value;
  }
  return null;
}
