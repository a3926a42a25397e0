/**
 * The two pieces of kafkajs that are not public API, used only by the partition reader
 * (kafkajs-reader.ts), and checked here when first used so that a kafkajs upgrade that moves them
 * fails loudly at start-up rather than subtly at run time:
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
