import type { Producer, ProducerRecord, TransactionalProducer } from '../kafka/client-port.js';
import type { Headers } from '../processor/headers.js';
import type { RecordCollector } from '../processor/internals/record-collector.js';
import { tpKey } from '../state/internals/offset-checkpoint.js';

/** Records buffered before a send is started in the background (sends on one producer stay in order). */
const SEND_BATCH = 2_000;

/**
 * Java's `RecordCollectorImpl` over the client port: sinks and changelogs hand it records; it sends them
 * in batches while processing goes on, and `flush` waits until every record is acknowledged, so that a
 * commit never covers input whose output is not durable. It remembers the offset of the last record written
 * to each partition (changelog checkpoints). Under exactly-once the producer is the task's transactional
 * producer and a transaction is begun before the first send of each commit interval.
 */
export class KafkaRecordCollector implements RecordCollector {
  private buffer: ProducerRecord[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private readonly written = new Map<string, number>();

  constructor(
    private readonly producer: Producer | TransactionalProducer,
    private readonly partitionCount: (topic: string) => number,
    private readonly transactional: boolean,
  ) {}

  send(topic: string, key: Buffer | null, value: Buffer | null, headers: Headers, timestamp: number, partition: number | null): void {
    if (this.failure !== null) throw this.failure;
    this.buffer.push({
      topic,
      ...(partition === null ? {} : { partition }),
      key,
      value,
      timestamp,
      headers: headers.toArray(),
    });
    if (this.buffer.length >= SEND_BATCH) this.startSend();
  }

  partitionsFor(topic: string): number {
    return this.partitionCount(topic);
  }

  /** Sends what is buffered and waits for every acknowledgement; rethrows a failed send. */
  async flush(): Promise<void> {
    this.startSend();
    await this.inFlight;
    if (this.failure !== null) throw this.failure;
  }

  offsets(): ReadonlyMap<string, number> {
    return this.written;
  }

  /** True while a transaction of this collector's producer is open. */
  inTransaction(): boolean {
    return this.transactional && (this.producer as TransactionalProducer).inTransaction;
  }

  /** Drops unsent records (after an abort or a fenced producer: their transaction never commits). */
  discard(): void {
    this.buffer = [];
    this.failure = null;
  }

  private startSend(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight = this.inFlight.then(async () => {
      if (this.failure !== null) return;
      try {
        if (this.transactional) {
          const txn = this.producer as TransactionalProducer;
          if (!txn.inTransaction) await txn.begin();
        }
        const sent = await this.producer.send(batch);
        for (const m of sent) this.written.set(tpKey(m.topic, m.partition), m.offset);
      } catch (e) {
        this.failure = e;
      }
    });
  }
}
