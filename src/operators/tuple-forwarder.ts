import type { ProcessorContext } from '../processor/api.js';
import type { Record } from '../processor/record.js';
import type { MaybePromise } from '../util/maybe-promise.js';
import { Change } from './change.js';

/**
 * Java's `TimestampedTupleForwarder` for KTable processors that write a store. With caching, Java forwards
 * from the cache's flush listener: the old value is then the store's old value, and an update whose new and
 * old values are both absent (a tombstone for a key that never existed) is not forwarded at all. The test
 * driver and the runtime flush after every record in the driver, so forwarding here gives the same records.
 */
export function forwardChange<K, V>(
  ctx: ProcessorContext<K, Change<V>>,
  record: Record<K, unknown>,
  newValue: V | null,
  oldValue: V | null,
  storeOldValue: V | null,
  sendOldValues: boolean,
  cachingEnabled: boolean,
): MaybePromise<void> {
  if (cachingEnabled) {
    if (newValue === null && storeOldValue === null) return;
    return ctx.forward(record.withValue(new Change(newValue, sendOldValues ? storeOldValue : null)));
  }
  return ctx.forward(record.withValue(new Change(newValue, sendOldValues ? oldValue : null)));
}

/** What a KTable-producing operator can be asked by downstream operators (Java's `KTableProcessorSupplier`). */
export interface KTableValueSource {
  /** Asks the operator to send old values too; returns whether it can (possibly by materializing itself). */
  enableSendingOldValues(forceMaterialization: boolean): boolean;
}

/** Java's record cache is off when `statestore.cache.max.bytes` is 0, whatever the store asks for. */
export function effectiveCaching(ctx: ProcessorContext<unknown, unknown>, storeCachingEnabled: boolean): boolean {
  const configured = ctx.appConfigs()['statestore.cache.max.bytes'];
  const bytes = configured === undefined ? 10 * 1024 * 1024 : Number(configured);
  return storeCachingEnabled && bytes > 0;
}
