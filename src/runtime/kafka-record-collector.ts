import {
  ProductionExceptionHandlerResponse,
  handlerResult,
  type DeadLetterQueueRecord,
  type ErrorHandlerContext,
  type ProductionExceptionHandler,
} from '../errors/handlers.js';
import { StreamsError } from '../errors/streams-error.js';
import type { Producer, ProducerRecord, TransactionalProducer } from '../kafka/client-port.js';
import { ProducerFencedError } from '../kafka/errors.js';
import { Headers } from '../processor/headers.js';
import type { ConsumerRecord } from '../processor/internals/consumer-record.js';
import type { RecordCollector } from '../processor/internals/record-collector.js';
import { tpKey } from '../state/internals/offset-checkpoint.js';
import { log } from '../util/logger.js';
import type { MaybePromise } from '../util/maybe-promise.js';

/** Records buffered before a send is started without waiting for the previous one (kept in order). */
const SEND_BATCH = 5_000;
/**
 * Records a task may have waiting for acknowledgement before its thread stops processing until fewer
 * are (Java's producer blocks `send` once `buffer.memory` is full): a fast input must not pile up its
 * output in memory while the sends catch up.
 */
export const MAX_UNACKNOWLEDGED = 4 * SEND_BATCH;

/** The input record being processed when a record is sent (null in punctuation), for the production handler. */
export type SourceRecord = () => ConsumerRecord | null;

/**
 * Java's `RecordCollectorImpl` over the client port: sinks and changelogs hand it records; it sends them
 * in the background while processing goes on, and `flush` waits until every record is acknowledged, so that
 * a commit never covers input whose output is not durable. It remembers the offset of the last record
 * written to each partition (changelog checkpoints). Under exactly-once the producer is the task's
 * transactional producer and a transaction is begun before the first send of each commit interval.
 *
 * Batching without a linger timer: records buffered while a send is in flight go out together as soon as it
 * completes (or once `SEND_BATCH` are buffered); a record buffered while nothing is in flight goes out at
 * the end of the current turn of the event loop, with whatever else that turn produced.
 *
 * A failed send (other than a fenced producer, which means the task migrated) goes to the production
 * exception handler, record by record: CONTINUE drops the record, FAIL (the default) fails the task.
 */
export class KafkaRecordCollector implements RecordCollector {
  private buffer: ProducerRecord[] = [];
  private sources: Array<ConsumerRecord | null> = [];
  private inFlight: Promise<void> = Promise.resolve();
  private sending = 0;
  private scheduled = false;
  private failure: unknown = null;
  /** Records handed to `send` and not yet acknowledged (buffered or in flight). */
  private unacknowledged = 0;
  /** The batches in flight, oldest first. */
  private readonly batches: Array<Promise<void>> = [];
  private readonly written = new Map<string, number>();
  /** Records dropped by the production exception handler. */
  dropped = 0;

  constructor(
    private readonly producer: Producer | TransactionalProducer,
    private readonly partitionCounts: PartitionCounts,
    private readonly transactional: boolean,
    private readonly handler: ProductionExceptionHandler | null = null,
    private readonly taskId = '',
    private readonly sourceRecord: SourceRecord | null = null,
  ) {}

  send(topic: string, key: Buffer | null, value: Buffer | null, headers: Headers, timestamp: number, partition: number | null): void {
    if (this.failure !== null) throw this.failure;
    this.buffer.push({
      topic,
      ...(partition === null ? {} : { partition }),
      key,
      value,
      timestamp,
      headers: headers.size === 0 ? [] : headers.toArray(),
    });
    if (this.sourceRecord !== null) this.sources.push(this.sourceRecord());
    this.unacknowledged++;
    if (this.buffer.length >= SEND_BATCH) this.startSend();
    else if (this.sending === 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        if (this.sending === 0) this.startSend();
      });
    }
  }

  /** Nothing when at most `limit` records wait for acknowledgement; otherwise resolves once that is so. */
  backpressure(limit = MAX_UNACKNOWLEDGED): Promise<void> | undefined {
    if (this.unacknowledged <= limit) return undefined;
    this.startSend();
    return (async () => {
      while (this.unacknowledged > limit && this.batches.length > 0) await this.batches[0];
    })();
  }

  partitionsFor(topic: string): MaybePromise<number> {
    return this.partitionCounts.get(topic);
  }

  /** Sends what is buffered and waits for every acknowledgement; rethrows a failed send. */
  async flush(): Promise<void> {
    this.startSend();
    await this.inFlight;
    if (this.buffer.length > 0) return this.flush();
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
    this.unacknowledged -= this.buffer.length;
    this.buffer = [];
    this.sources = [];
    this.failure = null;
  }

  private startSend(): void {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    const sources = this.sources;
    this.buffer = [];
    this.sources = [];
    this.sending++;
    const done = (this.inFlight = this.inFlight.then(async () => {
      try {
        if (this.failure !== null) return;
        try {
          if (this.transactional) {
            const txn = this.producer as TransactionalProducer;
            if (!txn.inTransaction) await txn.begin();
          }
          const sent = await this.producer.send(batch);
          for (const m of sent) this.written.set(tpKey(m.topic, m.partition), m.offset);
        } catch (e) {
          await this.onSendError(batch, sources, e);
        }
      } finally {
        this.sending--;
        this.unacknowledged -= batch.length;
        this.batches.shift();
        // what was buffered meanwhile goes out now, as one batch
        if (this.sending === 0 && this.buffer.length > 0 && this.failure === null) this.startSend();
      }
    }));
    this.batches.push(done);
  }

  private contextOf(source: ConsumerRecord | null): ErrorHandlerContext {
    return {
      topic: source?.topic ?? null,
      partition: source?.partition ?? -1,
      offset: source?.offset ?? -1,
      timestamp: source?.timestamp ?? -1,
      headers: source?.headers ?? new Headers(),
      processorNodeId: null,
      taskId: this.taskId,
      sourceRawKey: source?.key ?? null,
      sourceRawValue: source?.value ?? null,
    };
  }

  /**
   * A send failed. A fenced producer fails the task (it migrated). Otherwise, since one request carries
   * many records, the records of a failed batch are sent again one by one, so that only those that fail
   * on their own (e.g. too large) go to the production exception handler, as Java's per-record callback.
   */
  private async onSendError(batch: ProducerRecord[], sources: Array<ConsumerRecord | null>, error: unknown): Promise<void> {
    if (fencedOrNoHandler(error, this.handler)) {
      this.failure = error;
      return;
    }
    const deadLetters: DeadLetterQueueRecord[] = [];
    let dropped = 0;
    for (const [i, r] of batch.entries()) {
      let cause = error;
      if (batch.length > 1) {
        try {
          const [m] = await this.producer.send([r]);
          if (m !== undefined) this.written.set(tpKey(m.topic, m.partition), m.offset);
          continue;
        } catch (e) {
          if (fencedOrNoHandler(e, this.handler)) {
            this.failure = e;
            return;
          }
          cause = e;
        }
      }
      const context = this.contextOf(sources[i] ?? null);
      const result = handlerResult(
        this.handler!.handle(
          context,
          {
            topic: r.topic,
            ...(r.partition === undefined ? {} : { partition: r.partition }),
            key: r.key ?? null,
            value: r.value,
            timestamp: r.timestamp ?? Date.now(),
            headers: new Headers(r.headers ?? []),
          },
          cause,
        ),
      );
      deadLetters.push(...(result.deadLetterQueueRecords ?? []));
      const reason = cause instanceof Error ? cause.message : String(cause);
      if (result.response !== ProductionExceptionHandlerResponse.CONTINUE) {
        const where = context.topic === null ? '' : ` (from topic=${context.topic}, partition=${context.partition}, offset=${context.offset})`;
        this.failure = new StreamsError(
          `Error encountered sending record to topic ${r.topic}${where}: ${reason}. The production exception handler chose to FAIL: no more records are sent.`,
          { cause },
        );
        break;
      }
      log.warn(`Error sending a record to topic ${r.topic}: ${reason}; the production exception handler chose to continue: the record is dropped`);
      dropped++;
    }
    this.dropped += dropped;
    if (deadLetters.length > 0) {
      try {
        await this.producer.send(deadLetters.map((d) => ({ topic: d.topic, key: d.key, value: d.value, timestamp: d.timestamp ?? Date.now(), headers: d.headers.toArray() })));
      } catch (e) {
        log.error(`Could not write ${deadLetters.length} dead letter(s): ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

}

/**
 * The partition counts of the topics sinks write to, for custom partitioners (what Java's producer answers
 * from its metadata). Source and internal topics are known from start-up; any other topic (an output
 * topic) is described once, when a partitioner first needs it, and cached: one lookup per topic, shared
 * by the tasks of a thread.
 */
export class PartitionCounts {
  private readonly counts = new Map<string, MaybePromise<number>>();

  constructor(
    known: ReadonlyMap<string, number>,
    private readonly describe: (topic: string) => Promise<number>,
  ) {
    for (const [topic, n] of known) this.counts.set(topic, n);
  }

  get(topic: string): MaybePromise<number> {
    const cached = this.counts.get(topic);
    if (cached !== undefined) return cached;
    const lookup = this.describe(topic).then(
      (n) => {
        this.counts.set(topic, n);
        return n;
      },
      (e: unknown) => {
        this.counts.delete(topic); // not cached: a later record asks again
        throw e;
      },
    );
    this.counts.set(topic, lookup);
    return lookup;
  }
}

function fencedOrNoHandler(error: unknown, handler: ProductionExceptionHandler | null): boolean {
  return handler === null || error instanceof ProducerFencedError;
}
