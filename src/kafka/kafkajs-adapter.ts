/**
 * The kafkajs adapter of the Kafka client port (client-port.ts). The only place, with its sibling
 * kafkajs-*.ts files, that imports kafkajs.
 *
 * kafkajs gaps and how the adapter handles them (details in the files named):
 *  - TxnOffsetCommit without group generation/member id: fencing relies on one transactional producer
 *    per task (`taskTransactionalId`), initialised at creation (kafkajs-producer.ts).
 *  - No manual partition assignment: the partition reader fetches from leaders directly
 *    (kafkajs-reader.ts, kafkajs-internals.ts).
 *  - Heartbeats only between batches: background heartbeats while handlers and callbacks run
 *    (kafkajs-consumer.ts).
 *  - Eager rebalances reported only at their end, and assignment userData dropped on members:
 *    revoke-all then assign at GROUP_JOIN, userData read back with DescribeGroup (kafkajs-consumer.ts).
 *  - Committed offsets resolved before the new owner fenced the old one: re-seek after the
 *    assignment callback (kafkajs-consumer.ts).
 *  - Unknown broker error codes (e.g. PRODUCER_FENCED = 90) and wrapped errors: kafkajs-errors.ts.
 *  - read_committed reads that let through records of aborted transactions (kafkajs's aborted-transaction
 *    filter assumes an order the broker does not give): filtered again (kafkajs-internals.ts).
 */
import './kafkajs-produce-path.js';
import { Kafka, logLevel, type Admin as KjsAdmin, type KafkaConfig, type LogEntry } from 'kafkajs';
import type {
  Admin,
  CommittedOffset,
  GroupConsumer,
  GroupConsumerConfig,
  KafkaClient,
  NewTopic,
  PartitionReader,
  PartitionReaderConfig,
  Producer,
  ProducerConfig,
  TopicDescription,
  TopicPartitionOffset,
  TransactionalProducer,
  TransactionalProducerConfig,
} from './client-port.js';
import { KafkaClientError, KafkaTimeoutError, UnknownTopicError } from './errors.js';
import { KafkaJsGroupConsumer } from './kafkajs-consumer.js';
import { kafkaCall } from './kafkajs-errors.js';
import { KafkaJsProducer, KafkaJsTransactionalProducer } from './kafkajs-producer.js';
import { installAbortedTransactionFilter } from './kafkajs-internals.js';
import { KafkaJsPartitionReader } from './kafkajs-reader.js';
import { log } from '../util/logger.js';

export interface KafkaJsClientConfig {
  /** "host:port" entries, as an array or comma-separated. */
  readonly bootstrapServers: string | readonly string[];
  readonly clientId?: string;
  /** Further kafkajs client options (TLS, SASL, timeouts, retry, logLevel). */
  readonly kafkajs?: Omit<KafkaConfig, 'brokers' | 'clientId'>;
}

/**
 * kafkajs's log lines go to the project's logger at info/debug: the adapter reports every failure
 * that matters through typed errors and callbacks, while kafkajs logs expected events of a streams
 * runtime (fencing, rebalances, retried CONCURRENT_TRANSACTIONS) as errors.
 */
function logCreator() {
  return ({ level, namespace, log: entry }: LogEntry) => {
    const { message, ...extra } = entry;
    delete (extra as { timestamp?: unknown }).timestamp;
    const line = `kafkajs ${namespace}: ${message}`;
    if (level === logLevel.ERROR || level === logLevel.WARN) log.info(line, extra);
    else log.debug(line, extra);
  };
}

/**
 * Retry settings for every kafkajs call, all fields given: kafkajs otherwise takes its defaults from
 * NODE_ENV (much shorter under `test`), so tests would not exercise the production behaviour. About
 * 30 s of retries in all (broker restarts, leader moves); the first retry comes quickly because the
 * commonest retried error of a transactional producer is CONCURRENT_TRANSACTIONS right after a
 * commit (the markers of the previous transaction are still being written).
 */
export const DEFAULT_RETRY = {
  retries: 10,
  initialRetryTime: 20,
  maxRetryTime: 10_000,
  factor: 0.2,
  multiplier: 2,
} as const;

// kafkajs delivers some records of aborted transactions to read_committed readers: see kafkajs-internals.ts
installAbortedTransactionFilter();

export function createKafkaJsClient(config: KafkaJsClientConfig): KafkaClient {
  return new KafkaJsClient(config);
}

interface Closeable {
  close(): Promise<void>;
}

export class KafkaJsClient implements KafkaClient {
  /** The underlying kafkajs client, for the adapter's own files and tests only. */
  readonly kafka: Kafka;
  private readonly open = new Set<Closeable>();
  private sharedAdmin: Promise<KjsAdmin> | null = null;

  constructor(config: KafkaJsClientConfig) {
    const brokers =
      typeof config.bootstrapServers === 'string'
        ? config.bootstrapServers.split(',').map((s) => s.trim()).filter(Boolean)
        : [...config.bootstrapServers];
    if (brokers.length === 0) throw new KafkaClientError('bootstrap servers: none given');
    this.kafka = new Kafka({
      logLevel: logLevel.INFO,
      logCreator,
      ...config.kafkajs,
      retry: { ...DEFAULT_RETRY, ...config.kafkajs?.retry },
      clientId: config.clientId ?? 'kstreams-ts',
      brokers,
    });
  }

  async admin(): Promise<Admin> {
    const raw = this.kafka.admin();
    await kafkaCall('connect admin', () => raw.connect());
    return this.track(new KafkaJsAdmin(raw, (a) => this.open.delete(a)));
  }

  async producer(config: ProducerConfig = {}): Promise<Producer> {
    let self: Producer | undefined;
    const producer = await KafkaJsProducer.create(this.kafka, config, () => this.open.delete(self!));
    self = producer;
    return this.track(producer);
  }

  async transactionalProducer(config: TransactionalProducerConfig): Promise<TransactionalProducer> {
    let self: TransactionalProducer | undefined;
    const producer = await KafkaJsTransactionalProducer.create(this.kafka, config, () => this.open.delete(self!));
    self = producer;
    return this.track(producer);
  }

  groupConsumer(config: GroupConsumerConfig): GroupConsumer {
    let self: GroupConsumer | undefined;
    const consumer = new KafkaJsGroupConsumer(this.kafka, config, () => this.internalAdmin(), () => this.open.delete(self!));
    self = consumer;
    return this.track(consumer);
  }

  async partitionReader(config: PartitionReaderConfig = {}): Promise<PartitionReader> {
    let self: PartitionReader | undefined;
    const reader = await KafkaJsPartitionReader.create(this.kafka, config, () => this.open.delete(self!));
    self = reader;
    return this.track(reader);
  }

  async close(): Promise<void> {
    const all = [...this.open];
    this.open.clear();
    const results = await Promise.allSettled(all.map((c) => c.close()));
    if (this.sharedAdmin) {
      const admin = this.sharedAdmin;
      this.sharedAdmin = null;
      await admin.then((a) => a.disconnect()).catch(() => undefined);
    }
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** One lazily connected kafkajs admin for the adapter's own lookups (committed offsets, ...). */
  private internalAdmin(): Promise<KjsAdmin> {
    if (!this.sharedAdmin) {
      const admin = this.kafka.admin();
      this.sharedAdmin = kafkaCall('connect admin', () => admin.connect()).then(
        () => admin,
        (error: unknown) => {
          this.sharedAdmin = null;
          throw error;
        },
      );
    }
    return this.sharedAdmin;
  }

  private track<T extends Closeable>(c: T): T {
    this.open.add(c);
    return c;
  }
}

class KafkaJsAdmin implements Admin {
  private closed = false;

  constructor(
    private readonly admin: KjsAdmin,
    private readonly onClose: (self: KafkaJsAdmin) => void,
  ) {}

  async createTopics(topics: readonly NewTopic[]): Promise<string[]> {
    if (topics.length === 0) return [];
    const existing = new Set(await this.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return [];
    await kafkaCall('create topics', () =>
      this.admin.createTopics({
        // kafkajs's own wait gives up when the new topic's metadata has not reached the broker yet
        // (UNKNOWN_TOPIC_OR_PARTITION), so the adapter waits itself.
        waitForLeaders: false,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor ?? -1,
          configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
      }),
    );
    // (kafkajs resolves false, without throwing, when some already existed: created concurrently.)
    await this.waitForMetadata(missing.map((t) => t.topic), 'present');
    return missing.map((t) => t.topic);
  }

  async describeTopics(topics: readonly string[]): Promise<TopicDescription[]> {
    if (topics.length === 0) return [];
    // All topics' metadata in one request: asking for a missing topic by name makes kafkajs retry.
    const { topics: all } = await kafkaCall('describe topics', () => this.admin.fetchTopicMetadata());
    const byName = new Map(all.map((t) => [t.name, t]));
    const missing = topics.filter((t) => !byName.has(t));
    if (missing.length > 0) throw new UnknownTopicError(`unknown topic(s): ${missing.join(', ')}`, missing);
    return topics.map((name) => {
      const t = byName.get(name)!;
      return { topic: name, partitions: t.partitions.length, replicationFactor: t.partitions[0]?.replicas.length ?? 0 };
    });
  }

  async listTopics(): Promise<string[]> {
    return kafkaCall('list topics', () => this.admin.listTopics());
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    const existing = new Set(await this.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length === 0) return;
    await kafkaCall('delete topics', () => this.admin.deleteTopics({ topics: present }));
    // Deletion completes asynchronously; return once the topics are gone from the metadata.
    await this.waitForMetadata(present, 'absent');
  }

  async endOffsets(topics: readonly string[]): Promise<TopicPartitionOffset[]> {
    const out: TopicPartitionOffset[] = [];
    for (const topic of topics) {
      const offsets = await kafkaCall(`end offsets of ${topic}`, () => this.admin.fetchTopicOffsets(topic));
      for (const o of [...offsets].sort((a, b) => a.partition - b.partition)) {
        out.push({ topic, partition: o.partition, offset: Number(o.high) });
      }
    }
    return out;
  }

  async committedOffsets(groupId: string, topics: readonly string[]): Promise<CommittedOffset[]> {
    if (topics.length === 0) return [];
    const response = await kafkaCall(`committed offsets of ${groupId}`, () => this.admin.fetchOffsets({ groupId, topics: [...topics] }));
    return response.flatMap(({ topic, partitions }) =>
      [...partitions]
        .sort((a, b) => a.partition - b.partition)
        .map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) < 0 ? null : Number(p.offset) })),
    );
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    if (groupIds.length === 0) return;
    const { groups } = await kafkaCall('list groups', () => this.admin.listGroups());
    const known = new Set(groups.map((g) => g.groupId));
    const present = groupIds.filter((g) => known.has(g));
    if (present.length === 0) return;
    await kafkaCall('delete groups', () => this.admin.deleteGroups(present));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    await kafkaCall('disconnect admin', () => this.admin.disconnect());
  }

  /** Polls metadata until every topic has all partitions led ('present'), or none is listed ('absent'). */
  private async waitForMetadata(topics: string[], want: 'present' | 'absent', timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { topics: all } = await kafkaCall('describe topics', () => this.admin.fetchTopicMetadata());
      const done = topics.every((name) => {
        const t = all.find((x) => x.name === name);
        if (want === 'absent') return t === undefined;
        return t !== undefined && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0);
      });
      if (done) return;
      if (Date.now() > deadline) {
        throw new KafkaTimeoutError(`topics still ${want === 'present' ? 'without leaders' : 'listed'} after ${timeoutMs} ms: ${topics.join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
