import type { Windowed } from '../dsl/windowed.js';
import { toArray } from '../state/iterators.js';
import type { KeyCodec } from './key-codec.js';
import type { KeyQueryMetadata, StreamsMetadata } from './metadata.js';
import { QueryableStoreTypes } from './queryable-store-types.js';
import type { PartitionChunk, Row } from './range-scan.js';
import type { StoreKind } from './store-kind.js';
import { StoreQueryParameters } from './store-query-parameters.js';
import type { Serializer } from '../serde/serde.js';

/** The part of `KafkaStreams` the query service uses (an interface, so iq/ does not depend on runtime/). */
export interface QueryableStreams {
  store<T>(params: StoreQueryParameters<T>): T;
  queryMetadataForKey<K>(storeName: string, key: K, keySerializer: Serializer<K>): KeyQueryMetadata | null;
  metadataForAllStreamsClients(): StreamsMetadata[];
  streamsMetadataForStore(storeName: string): StreamsMetadata[];
  partitionsOfStore(storeName: string): KeyQueryMetadata[];
}

/** What a key lookup answers: a key-value store's value, or a windowed store's windows of the key. */
export type KeyAnswer = { value: unknown } | { windows: Array<{ start: number; end?: number; value: unknown }> };

/**
 * Reads of this instance's own stores, for the query service: the key's partition, as routing said (null:
 * a global store, which is whole on every instance).
 * A window store is read for window starts in `[timeFrom, timeTo]`; a session store whole.
 */
export async function readLocalKey<K>(
  streams: QueryableStreams,
  store: string,
  kind: StoreKind,
  key: K,
  partition: number | null,
  time: { from: number; to: number },
): Promise<KeyAnswer | null> {
  const at = <T>(params: StoreQueryParameters<T>): T => streams.store(params.withPartition(partition));
  if (kind === 'window' || kind === 'timestampedWindow') {
    const it = await at(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.windowStore<K, unknown>())).fetch(key, time.from, time.to);
    return { windows: (await toArray(it)).map((kv) => ({ start: kv.key, value: kv.value })) };
  }
  if (kind === 'session') {
    const it = await at(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.sessionStore<K, unknown>())).fetch(key);
    return { windows: (await toArray<Windowed<K>, unknown>(it)).map((kv) => ({ start: kv.key.window.start, end: kv.key.window.end, value: kv.value })) };
  }
  const value = await at(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore<K, unknown>())).get(key);
  return value === null ? null : { value };
}

/** Up to `limit` rows of one local partition of a key-value store, in key order, strictly after `after`. */
export async function readLocalPartition<K>(
  streams: QueryableStreams,
  store: string,
  codec: KeyCodec<K>,
  partition: number,
  bounds: { from: string | null; to: string | null },
  after: string | null,
  limit: number,
): Promise<PartitionChunk> {
  const view = streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore<K, unknown>()).withPartition(partition));
  const start = after ?? bounds.from;
  const it = await view.range(start === null ? null : codec.parse(start), bounds.to === null ? null : codec.parse(bounds.to));
  const rows: Row[] = [];
  try {
    while (await it.hasNext()) {
      const kv = await it.next();
      const key = codec.format(kv.key);
      if (after !== null && key === after) continue;
      if (rows.length === limit) return { rows, more: true };
      rows.push({ key, value: kv.value });
    }
    return { rows, more: false };
  } finally {
    await it.close();
  }
}
