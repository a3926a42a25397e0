/**
 * The record collector bounds the output a task may have waiting for acknowledgement (Java's producer
 * blocks once `buffer.memory` is full): `backpressure` answers nothing below the bound, and above it
 * resolves only once enough in-flight batches are acknowledged. Nothing is lost or reordered.
 */
import { describe, expect, it } from 'vitest';
import type { Producer, ProducerRecord, RecordMetadata } from '../../src/kafka/client-port.js';
import { Headers } from '../../src/processor/headers.js';
import { KafkaRecordCollector, MAX_UNACKNOWLEDGED, PartitionCounts } from '../../src/runtime/kafka-record-collector.js';

/** A producer whose sends are acknowledged only when the test says so. */
class HeldProducer implements Producer {
  readonly sent: ProducerRecord[] = [];
  private readonly waiting: Array<() => void> = [];

  send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    return new Promise((resolve) => {
      this.waiting.push(() => {
        const out = records.map((r) => ({ topic: r.topic, partition: 0, offset: this.sent.push(r) - 1 }));
        resolve(out);
      });
    });
  }

  /** Acknowledges the oldest send; false when none waits. */
  acknowledge(): boolean {
    const next = this.waiting.shift();
    next?.();
    return next !== undefined;
  }

  async close(): Promise<void> {}
}

const tick = () => new Promise((r) => setImmediate(r));

describe('KafkaRecordCollector backpressure', () => {
  it('holds the task back while more than the bound waits for acknowledgement; loses and reorders nothing', async () => {
    const producer = new HeldProducer();
    const collector = new KafkaRecordCollector(producer, new PartitionCounts(new Map([['out', 1]]), async () => 1), false);
    const total = MAX_UNACKNOWLEDGED + 12_345;
    for (let i = 0; i < MAX_UNACKNOWLEDGED; i++) collector.send('out', null, Buffer.from(String(i)), new Headers(), i, 0);
    expect(collector.backpressure()).toBeUndefined();
    for (let i = MAX_UNACKNOWLEDGED; i < total; i++) collector.send('out', null, Buffer.from(String(i)), new Headers(), i, 0);

    let released = false;
    const waiting = collector.backpressure()!.then(() => (released = true));
    await tick();
    expect(released).toBe(false); // nothing acknowledged yet
    while (!released) {
      expect(producer.acknowledge()).toBe(true);
      await tick();
      await tick();
    }
    await waiting;
    expect(producer.sent.length).toBeGreaterThanOrEqual(total - MAX_UNACKNOWLEDGED);
    expect(collector.backpressure()).toBeUndefined();

    const flushed = collector.flush();
    while (producer.acknowledge() || producer.sent.length < total) await tick();
    await flushed;
    expect(producer.sent.map((r) => Number(r.value!.toString()))).toEqual(Array.from({ length: total }, (_, i) => i));
  });
});
