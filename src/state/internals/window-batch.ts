import type { MaybePromise } from '../../util/maybe-promise.js';

/** One window write of a cache flush. */
export interface WindowWrite {
  readonly key: Buffer;
  readonly value: Buffer | null;
  readonly windowStart: number;
}

/**
 * Implemented by window store layers that can write a cache flush at once (for LevelDB: one write batch per
 * segment instead of one awaited write per window): writes every entry, then calls `afterWrite(i, log)`
 * for each entry in order, where `log` (when a change-logging layer is on the way) sends that entry's
 * changelog record. The caching layer calls it under each entry's record context, then forwards the entry.
 */
export interface BatchWindowWriter {
  putManyThenEach(entries: readonly WindowWrite[], afterWrite: (index: number, log: (() => void) | null) => MaybePromise<void>): MaybePromise<void>;
}

export function isBatchWindowWriter(store: unknown): store is BatchWindowWriter {
  return typeof (store as Partial<BatchWindowWriter>).putManyThenEach === 'function';
}
