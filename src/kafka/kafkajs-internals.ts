/**
 * The pieces of kafkajs that are not public API, checked here when first used so that a kafkajs
 * upgrade that moves them fails loudly at start-up rather than subtly at run time. Used by the
 * partition reader (kafkajs-reader.ts):
 *
 *  - the client's private cluster factory (one connection pool + metadata cache, configured like the
 *    client: brokers, TLS, SASL, retry, logger), whose brokers expose Fetch and ListOffsets;
 *  - kafkajs's `Batch`, which turns a raw Fetch partition response into data records: it drops
 *    records before the fetch offset, records of aborted transactions and control records (the
 *    same filtering the kafkajs consumer applies).
 *
 * Why: kafkajs consumers only exist inside a consumer group, and Kafka Streams' restore and global
 * consumers must not be in one (see kafkajs-reader.ts). kafkajs 2.2.4 is the last release, so these
 * internals are frozen; the package has no `exports` map, so the deep require is allowed.
 */
import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';
import { KafkaClientError } from './errors.js';

const require = createRequire(import.meta.url);

/** kafkajs's isolation level codes on the wire. */
export const ISOLATION = { read_uncommitted: 0, read_committed: 1 } as const;

export interface RawMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | null | Array<Buffer | null>>;
  isControlRecord?: boolean;
}

export interface RawPartitionData {
  partition: number;
  errorCode: number;
  highWatermark: string;
  lastStableOffset?: string;
  abortedTransactions?: unknown[];
  messages: RawMessage[];
}

export interface InternalFetchRequest {
  isolationLevel: number;
  maxWaitTime: number;
  minBytes: number;
  maxBytes: number;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
}

export interface InternalBroker {
  fetch(request: InternalFetchRequest): Promise<{ responses: Array<{ topicName: string; partitions: RawPartitionData[] }> }>;
}

export interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  refreshMetadata(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(node: { nodeId: string }): Promise<InternalBroker>;
  fetchTopicsOffset(
    topics: Array<{ topic: string; partitions: Array<{ partition: number }>; fromBeginning: boolean }>,
  ): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>>;
}

export interface InternalBatch {
  readonly highWatermark: string;
  /** Data records (aborted and control records removed). */
  readonly messages: RawMessage[];
  /** Every record at or after the fetch offset, control records included (for the position). */
  readonly messagesWithinOffset: RawMessage[];
}

type BatchConstructor = new (topic: string, fetchedOffset: string, partitionData: RawPartitionData) => InternalBatch;

const CLUSTER_METHODS = [
  'connect',
  'disconnect',
  'isConnected',
  'refreshMetadata',
  'addMultipleTargetTopics',
  'findLeaderForPartitions',
  'findBroker',
  'fetchTopicsOffset',
] as const;

function unsupported(what: string): never {
  throw new KafkaClientError(
    `This kafkajs version does not provide ${what}, which the partition reader needs (written for kafkajs 2.2.x).`,
  );
}

/**
 * Installed for every kafkajs client of the process (kafkajs-adapter.ts): kafkajs's read_committed
 * filtering of aborted transactions is wrong. Its `filterAbortedMessages` expects the fetch response's
 * aborted transactions sorted by first offset (the broker lists them in the order they were aborted)
 * and takes at most one of them into account per record, so a record of an aborted transaction that
 * started earlier (another producer's aborted transaction listed first, or a fetch starting inside the
 * transaction) is delivered as if committed. Exactly-once needs this right: a task would process the
 * aborted writes of a fenced zombie. So `Broker#fetch` is wrapped to drop aborted records itself,
 * as Java's consumer does (see `dropAbortedRecords`), leaving kafkajs no aborted transactions to handle.
 */
let abortFilterInstalled = false;

export function installAbortedTransactionFilter(): void {
  if (abortFilterInstalled) return;
  let broker: unknown;
  try {
    broker = require('kafkajs/src/broker/index.js');
  } catch {
    unsupported('src/broker/index.js');
  }
  const proto = (broker as { prototype?: Record<string, unknown> } | undefined)?.prototype;
  const fetch = proto?.fetch;
  if (proto === undefined || typeof fetch !== 'function') unsupported('Broker#fetch');
  proto.fetch = async function (this: unknown, ...args: unknown[]) {
    const response = (await (fetch as (...a: unknown[]) => Promise<unknown>).apply(this, args)) as {
      responses?: Array<{ partitions?: Array<{ messages: AbortFilterRecord[]; abortedTransactions?: AbortedTransaction[] }> }>;
    };
    for (const topic of response?.responses ?? []) {
      for (const p of topic.partitions ?? []) {
        if (p.abortedTransactions !== undefined && p.abortedTransactions.length > 0) {
          p.messages = dropAbortedRecords(p.messages, p.abortedTransactions);
          p.abortedTransactions = [];
        }
      }
    }
    return response;
  };
  abortFilterInstalled = true;
}

/** What the abort filter reads of a decoded record. */
export interface AbortFilterRecord {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly isControlRecord?: boolean;
  readonly batchContext?: { readonly producerId: string; readonly inTransaction: boolean };
}

export interface AbortedTransaction {
  readonly producerId: string;
  readonly firstOffset: string;
}

/** An ABORT control record's key: version 0, type 0 (COMMIT is type 1). */
const isAbortMarker = (r: AbortFilterRecord): boolean =>
  r.isControlRecord === true && r.key !== null && r.key.length >= 4 && r.key.readInt16BE(0) === 0 && r.key.readInt16BE(2) === 0;

/**
 * The records of a read_committed fetch without those of aborted transactions (Java's `Fetcher`): every
 * aborted transaction whose first offset is at or before a record makes its producer "aborted" from then
 * on, until that producer's ABORT marker; transactional data records of an aborted producer are dropped.
 * Control records are kept (kafkajs drops them later, after using them for positions).
 */
export function dropAbortedRecords<R extends AbortFilterRecord>(records: readonly R[], aborted: readonly AbortedTransaction[]): R[] {
  const pending = [...aborted].sort((a, b) => (BigInt(a.firstOffset) < BigInt(b.firstOffset) ? -1 : BigInt(a.firstOffset) > BigInt(b.firstOffset) ? 1 : 0));
  const abortedProducers = new Set<string>();
  let next = 0;
  const out: R[] = [];
  for (const r of records) {
    const offset = BigInt(r.offset);
    while (next < pending.length && BigInt(pending[next]!.firstOffset) <= offset) abortedProducers.add(pending[next++]!.producerId);
    const producerId = r.batchContext?.producerId;
    if (isAbortMarker(r)) {
      if (producerId !== undefined) abortedProducers.delete(producerId);
      out.push(r);
    } else if (r.isControlRecord === true || r.batchContext?.inTransaction !== true || producerId === undefined || !abortedProducers.has(producerId)) {
      out.push(r);
    }
  }
  return out;
}

/**
 * Used by the transactional producer (kafkajs-producer.ts): the same cluster factory, to give the
 * producer's cluster a coordinator cache (`withCoordinatorCache`). kafkajs looks the transaction
 * and group coordinators up again (a FindCoordinator round trip) before every AddPartitionsToTxn,
 * AddOffsetsToTxn, TxnOffsetCommit and EndTxn: four extra round trips per transaction, which is most
 * of the cost of an exactly-once commit every 100 ms.
 */
const COORDINATOR_ERROR = /COORDINATOR|Connection|ECONNREFUSED|BrokerNotFound/i;

/**
 * Makes something (a kafkajs producer) with `make`, whose cluster remembers the coordinators it finds
 * for `ttlMs`. A remembered coordinator is forgotten at once when a request to it fails with a
 * coordinator or connection error (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, a closed connection,
 * ...), so kafkajs's own retry looks it up again; and when the cluster refreshes its metadata. If the
 * factory is not found (another kafkajs version), `make` runs unchanged.
 */
export function withCoordinatorCache<T>(kafka: Kafka, ttlMs: number, make: () => T): T {
  const holder = kafka as unknown as Record<symbol, unknown>;
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const factory = symbol === undefined ? undefined : holder[symbol];
  if (symbol === undefined || typeof factory !== 'function') return make();
  holder[symbol] = (options: object) => {
    const cluster = (factory as (options: object) => Record<string, unknown>)(options);
    cacheCoordinators(cluster, ttlMs);
    return cluster;
  };
  try {
    return make();
  } finally {
    holder[symbol] = factory;
  }
}

function cacheCoordinators(cluster: Record<string, unknown>, ttlMs: number): void {
  const find = cluster.findGroupCoordinator;
  const refresh = cluster.refreshMetadata;
  if (typeof find !== 'function' || typeof refresh !== 'function') return;
  const cache = new Map<string, { broker: object; until: number }>();
  cluster.refreshMetadata = async (...args: unknown[]) => {
    cache.clear();
    return (refresh as (...a: unknown[]) => Promise<unknown>).apply(cluster, args);
  };
  cluster.findGroupCoordinator = async (args: { groupId: string; coordinatorType?: number }) => {
    const key = `${args.coordinatorType ?? 0}\u0000${args.groupId}`;
    const hit = cache.get(key);
    if (hit !== undefined && hit.until > Date.now()) return hit.broker;
    const broker = (await (find as (a: unknown) => Promise<object>).call(cluster, args)) as Record<string | symbol, unknown>;
    const forget = (error: unknown): never => {
      const e = error as { type?: string; name?: string; code?: string; message?: string } | null;
      if (e && COORDINATOR_ERROR.test(`${e.type ?? ''} ${e.name ?? ''} ${e.code ?? ''}`)) cache.delete(key);
      throw error;
    };
    const guarded = new Proxy(broker, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        return (...a: unknown[]) => {
          try {
            const r = (value as (...x: unknown[]) => unknown).apply(target, a);
            return r instanceof Promise ? r.catch(forget) : r;
          } catch (error) {
            return forget(error);
          }
        };
      },
    });
    cache.set(key, { broker: guarded, until: Date.now() + ttlMs });
    return guarded;
  };
}

/** A new cluster (own connections) from the client's private factory, with the given isolation level. */
export function createInternalCluster(kafka: Kafka, isolationLevel: number): InternalCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  const factory = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof factory !== 'function') unsupported('its cluster factory');
  const cluster = (factory as (options: object) => unknown)({
    allowAutoTopicCreation: false,
    isolationLevel,
  }) as Record<string, unknown>;
  for (const method of CLUSTER_METHODS) {
    if (typeof cluster[method] !== 'function') unsupported(`Cluster#${method}`);
  }
  return cluster as unknown as InternalCluster;
}

let batchClass: BatchConstructor | undefined;

/** kafkajs's Batch over one partition of a Fetch response. */
export function newBatch(topic: string, fetchedOffset: string, partitionData: RawPartitionData): InternalBatch {
  if (batchClass === undefined) {
    let loaded: unknown;
    try {
      loaded = require('kafkajs/src/consumer/batch.js');
    } catch {
      unsupported('src/consumer/batch.js');
    }
    if (typeof loaded !== 'function') unsupported('the Batch class');
    batchClass = loaded as BatchConstructor;
  }
  return new batchClass(topic, fetchedOffset, partitionData);
}
