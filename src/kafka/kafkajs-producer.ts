/**
 * Idempotent and transactional producers over kafkajs.
 *
 * - Partitioning: keyed records by murmur2.ts (Java's default partitioner; kafkajs's `DefaultPartitioner`
 *   computes the same with BigInt arithmetic, several times slower), keyless ones round robin by kafkajs's
 *   `DefaultPartitioner`. The choice is remembered on the message object, so a kafkajs retry of a
 *   multi-broker request re-sends a keyless record to the partition it first chose.
 * - Per-record offsets: a produce response carries one base offset per partition, and kafkajs keeps
 *   the given order within a partition, so the i-th record sent to a partition got base + i.
 * - Ordering: calls are serialised per producer. The idempotent kafkajs producer holds a lock per
 *   broker anyway (one produce request in flight), so this costs nothing and makes "call order is
 *   write order" true even across concurrent callers.
 * - Large sends are split: kafkajs groups a request's messages by partition in time quadratic in the
 *   messages per partition, so requests are kept to `maxRecordsPerRequest` records.
 * - Coordinators: kafkajs finds the transaction (and group) coordinator again before every
 *   transactional request; the transactional producer's cluster remembers them instead
 *   (`withCoordinatorCache`, kafkajs-internals.ts).
 * - Transactions: kafkajs initialises a transactional producer lazily, at its first transaction; the
 *   port's producer does it at creation (an empty transaction, which sends nothing), so that creating
 *   a task's producer fences the previous owner at once, before the task reads its committed offsets.
 */
import './kafkajs-produce-path.js';
import { Partitioners, type Kafka, type Producer as KjsProducer, type Transaction } from 'kafkajs';
import type {
  Producer,
  ProducerConfig,
  ProducerRecord,
  RecordMetadata,
  TopicPartitionOffset,
  TransactionalProducer,
  TransactionalProducerConfig,
} from './client-port.js';
import { KafkaClientError, ProducerFencedError } from './errors.js';
import { kafkaCall, toPortError } from './kafkajs-errors.js';
import { withCoordinatorCache } from './kafkajs-internals.js';
import { byTopic, toKafkaJsMessage, tpKey, type OutgoingMessage } from './kafkajs-records.js';
import { defaultPartition } from './murmur2.js';

const DEFAULT_MAX_RECORDS_PER_REQUEST = 2000;
/** How long a transactional producer trusts a coordinator it found (forgotten at once on a coordinator error). */
const COORDINATOR_CACHE_MS = 30_000;
/** How long creating a transactional producer keeps retrying its initialisation (Java's max.block.ms). */
const INIT_RETRY_MS = 60_000;

type SendBatch = KjsProducer['sendBatch'];

/** A kafkajs partitioner factory that records (and sticks to) each message's partition. */
function recordingPartitioner() {
  return () => {
    const inner = Partitioners.DefaultPartitioner();
    return (args: Parameters<ReturnType<typeof Partitioners.DefaultPartitioner>>[0]): number => {
      const message = args.message as OutgoingMessage;
      if (message.chosen !== undefined) return message.chosen;
      const partition =
        message.partition ?? (Buffer.isBuffer(message.key) ? defaultPartition(message.key, args.partitionMetadata.length) : inner(args));
      message.chosen = partition;
      return partition;
    };
  };
}

export function kafkaJsProducerOptions() {
  return {
    idempotent: true,
    // One request in flight per connection, as the idempotent kafkajs producer's lock implies.
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: recordingPartitioner(),
  };
}

/** Sends records through a kafkajs `sendBatch`, in slices, and works out each record's offset. */
async function sendInSlices(sendBatch: SendBatch, records: readonly ProducerRecord[], maxPerRequest: number): Promise<RecordMetadata[]> {
  const out: RecordMetadata[] = new Array(records.length);
  for (let start = 0; start < records.length; start += maxPerRequest) {
    const end = Math.min(records.length, start + maxPerRequest);
    const messages: OutgoingMessage[] = new Array(end - start);
    const perTopic = new Map<string, OutgoingMessage[]>();
    for (let i = start; i < end; i++) {
      const m = toKafkaJsMessage(records[i]!);
      messages[i - start] = m;
      const list = perTopic.get(records[i]!.topic);
      if (list) list.push(m);
      else perTopic.set(records[i]!.topic, [m]);
    }
    const response = await sendBatch({
      acks: -1,
      topicMessages: [...perTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
    });
    // per topic, per partition: the offset of the next record (the base offset, then one more per record)
    const next = new Map<string, number[]>();
    for (const r of response) {
      const offsets = next.get(r.topicName) ?? [];
      offsets[r.partition] = Number(r.baseOffset);
      next.set(r.topicName, offsets);
    }
    for (let i = start; i < end; i++) {
      const topic = records[i]!.topic;
      const partition = messages[i - start]!.chosen;
      const offsets = next.get(topic);
      const offset = partition === undefined ? undefined : offsets?.[partition];
      if (partition === undefined || offset === undefined) {
        throw new KafkaClientError(`No produce acknowledgement for a record of ${topic} (partition ${partition})`);
      }
      offsets![partition] = offset + 1;
      out[i] = { topic, partition, offset };
    }
  }
  return out;
}

/** Runs calls one after the other. */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export class KafkaJsProducer implements Producer {
  private readonly serial = new Serial();
  private closed = false;

  private constructor(
    private readonly producer: KjsProducer,
    private readonly maxPerRequest: number,
    private readonly onClose: () => void,
  ) {}

  static async create(kafka: Kafka, config: ProducerConfig, onClose: () => void): Promise<KafkaJsProducer> {
    const producer = kafka.producer(kafkaJsProducerOptions());
    await kafkaCall('connect producer', () => producer.connect());
    return new KafkaJsProducer(producer, config.maxRecordsPerRequest ?? DEFAULT_MAX_RECORDS_PER_REQUEST, onClose);
  }

  send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    if (this.closed) return Promise.reject(new KafkaClientError('send on a closed producer'));
    return this.serial.run(() =>
      kafkaCall('send', () => sendInSlices((b) => this.producer.sendBatch(b), records, this.maxPerRequest)),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    await this.serial.run(async () => undefined);
    await kafkaCall('disconnect producer', () => this.producer.disconnect());
  }
}

export class KafkaJsTransactionalProducer implements TransactionalProducer {
  private readonly serial = new Serial();
  private txn: Transaction | null = null;
  /** Set once the producer can no longer be used (fenced, or a failed commit/abort). */
  private broken: Error | null = null;
  private closed = false;

  private constructor(
    readonly transactionalId: string,
    private readonly producer: KjsProducer,
    private readonly maxPerRequest: number,
    private readonly onClose: () => void,
  ) {}

  static async create(
    kafka: Kafka,
    config: TransactionalProducerConfig,
    onClose: () => void,
  ): Promise<KafkaJsTransactionalProducer> {
    // (coordinators remembered: see kafkajs-internals.ts)
    const producer = withCoordinatorCache(kafka, COORDINATOR_CACHE_MS, () =>
      kafka.producer({
        ...kafkaJsProducerOptions(),
        transactionalId: config.transactionalId,
        transactionTimeout: config.transactionTimeoutMs ?? 60_000,
      }),
    );
    await kafkaCall('connect transactional producer', () => producer.connect());
    const self = new KafkaJsTransactionalProducer(
      config.transactionalId,
      producer,
      config.maxRecordsPerRequest ?? DEFAULT_MAX_RECORDS_PER_REQUEST,
      onClose,
    );
    try {
      // InitProducerId: bumps the epoch (fencing older producers) and waits out their open transaction.
      // kafkajs retries it on protocol errors only, so a connection lost to a restarting broker is retried
      // here (the call is idempotent: a repeat bumps the epoch again).
      const deadline = Date.now() + INIT_RETRY_MS;
      for (let attempt = 1; ; attempt++) {
        try {
          await kafkaCall(`init transactions (${config.transactionalId})`, async () => {
            const t = await producer.transaction();
            await t.abort();
          });
          break;
        } catch (error) {
          if (!(error instanceof KafkaClientError) || !error.retriable || Date.now() > deadline) throw error;
          await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * attempt)));
        }
      }
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    return self;
  }

  get inTransaction(): boolean {
    return this.txn !== null;
  }

  begin(): Promise<void> {
    return this.serial.run(async () => {
      this.check();
      if (this.txn) throw new KafkaClientError(`${this.transactionalId}: a transaction is already open`);
      this.txn = await this.call('begin transaction', () => this.producer.transaction());
    });
  }

  send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    return this.serial.run(() => {
      const txn = this.open();
      return this.call('send', () => sendInSlices((b) => txn.sendBatch(b), records, this.maxPerRequest));
    });
  }

  sendOffsets(args: { consumerGroupId: string; offsets: readonly TopicPartitionOffset[] }): Promise<void> {
    return this.serial.run(async () => {
      const txn = this.open();
      const offsetOf = new Map(args.offsets.map((o) => [tpKey(o), o.offset]));
      const topics = [...byTopic(args.offsets)].map(([topic, partitions]) => ({
        topic,
        partitions: partitions.map((partition) => ({
          partition,
          offset: String(offsetOf.get(tpKey({ topic, partition }))),
        })),
      }));
      await this.call('send offsets to transaction', () => txn.sendOffsets({ consumerGroupId: args.consumerGroupId, topics }));
    });
  }

  commit(): Promise<void> {
    return this.serial.run(() => this.end('commit'));
  }

  abort(): Promise<void> {
    return this.serial.run(() => this.end('abort'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    await this.serial.run(async () => undefined);
    // An open transaction is left to the broker (aborted at its timeout, or at once by the next
    // producer with this transactional id): closing must not block on a fenced or dead coordinator.
    this.txn = null;
    await kafkaCall('disconnect producer', () => this.producer.disconnect());
  }

  private async end(how: 'commit' | 'abort'): Promise<void> {
    const txn = this.open();
    try {
      await this.call(`${how} transaction`, () => (how === 'commit' ? txn.commit() : txn.abort()));
    } catch (error) {
      // kafkajs leaves its state machine in COMMITTING/ABORTING after a failed EndTxn: only a new
      // producer (whose initialisation aborts what is left) can continue.
      this.broken ??= error as Error;
      throw error;
    } finally {
      this.txn = null;
    }
  }

  private check(): void {
    if (this.closed) throw new KafkaClientError(`${this.transactionalId}: producer is closed`);
    if (this.broken) throw this.broken;
  }

  private open(): Transaction {
    this.check();
    if (!this.txn) throw new KafkaClientError(`${this.transactionalId}: no open transaction (call begin first)`);
    return this.txn;
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const mapped = toPortError(error, `${this.transactionalId}: ${what}`);
      if (mapped instanceof ProducerFencedError) this.broken = mapped;
      throw mapped;
    }
  }
}
