/**
 * Proves the local broker (scripts/kafka/broker.ts) supports what the runtime needs:
 *  - topics with several partitions, keyed produce with Java-compatible partitioning,
 *    group consumption with per-partition order;
 *  - idempotent transactional producers (commit, abort, offsets-in-transaction) and
 *    read_committed consumers — the building blocks of exactly-once processing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Partitioners, type Admin, type ConsumerConfig, type Kafka } from 'kafkajs';
import { kafkaClient, uniqueName } from './kafka.js';

interface Received {
  partition: number;
  offset: number;
  key: string;
  value: string;
}

/**
 * Kafka's murmur2 (as used by the Java client's default partitioner for keyed records), written
 * independently here so the test checks that kafkajs puts keys where Java clients would.
 */
function murmur2(data: Uint8Array): number {
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const length = data.length;
  let h = seed ^ length;
  const blocks = length >> 2;
  for (let i = 0; i < blocks; i++) {
    const o = i * 4;
    let k = (data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24)) | 0;
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length & 3;
  const o = blocks * 4;
  if (rest === 3) h ^= data[o + 2]! << 16;
  if (rest >= 2) h ^= data[o + 1]! << 8;
  if (rest >= 1) {
    h ^= data[o]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

function javaPartitionFor(key: string, numPartitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % numPartitions;
}

/** Subscribes a fresh consumer to `topic` from the beginning and collects records until `done`. */
async function consumeUntil(
  kafka: Kafka,
  topic: string,
  config: ConsumerConfig,
  done: (received: Received[]) => boolean,
  timeoutMs = 60_000,
): Promise<Received[]> {
  const consumer = kafka.consumer(config);
  const received: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms with ${received.length} records`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            received.push({
              partition,
              offset: Number(message.offset),
              key: message.key?.toString() ?? '',
              value: message.value?.toString() ?? '',
            });
            if (done(received)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

describe('local Kafka broker', () => {
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = kafkaClient(uniqueName('broker-test'));
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
  });

  it('produces keyed records to 3 partitions and consumes them in a group, in partition order', async () => {
    const topic = uniqueName('keyed');
    const partitions = 3;
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true })).toBe(true);

    const sent = Array.from({ length: 100 }, (_, i) => ({ key: `key-${i % 20}`, value: `value-${i}` }));
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      // Several requests (awaited one after another) so order across requests matters too.
      for (let i = 0; i < sent.length; i += 25) {
        await producer.send({ topic, acks: -1, messages: sent.slice(i, i + 25) });
      }
    } finally {
      await producer.disconnect();
    }

    const received = await consumeUntil(
      kafka,
      topic,
      { groupId: uniqueName('keyed-group') },
      (r) => r.length >= sent.length,
    );

    expect(received).toHaveLength(sent.length);
    for (let p = 0; p < partitions; p++) {
      const expected = sent.filter((m) => javaPartitionFor(m.key, partitions) === p);
      expect(expected.length).toBeGreaterThan(0); // 20 keys spread over all 3 partitions
      const actual = received.filter((r) => r.partition === p);
      expect(actual.map((r) => ({ key: r.key, value: r.value }))).toEqual(expected);
      expect(actual.map((r) => r.offset)).toEqual(expected.map((_, i) => i));
    }
  });

  it('supports idempotent transactions: commit and abort, offsets in transactions, read_committed', async () => {
    const topic = uniqueName('tx');
    const groupId = uniqueName('tx-group'); // offsets committed through the transaction
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(true);

    const producer = kafka.producer({
      transactionalId: uniqueName('tx-producer'),
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const records = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: `${prefix}-k${i}`, value: `${prefix}-v${i}` }));
    try {
      // 1. committed: 5 records + consumer-group offset 10 (as a consume-transform-produce step would).
      const committed = await producer.transaction();
      await committed.send({ topic, messages: records('committed', 5) });
      await committed.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: 0, offset: '10' }] }] });
      await committed.commit();

      // 2. aborted: 5 records + offset 20 — none of it may become visible.
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: records('aborted', 5) });
      await aborted.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: 0, offset: '20' }] }] });
      await aborted.abort();

      // 3. the same producer carries on after an abort; this record also marks the end for readers.
      const last = await producer.transaction();
      await last.send({ topic, messages: [{ key: 'end', value: 'end' }] });
      await last.commit();
    } finally {
      await producer.disconnect();
    }

    const isEnd = (r: Received[]) => r.some((m) => m.key === 'end');
    const committedView = await consumeUntil(
      kafka,
      topic,
      { groupId: uniqueName('read-committed'), readUncommitted: false },
      isEnd,
    );
    expect(committedView.map((r) => r.value)).toEqual([...records('committed', 5).map((m) => m.value), 'end']);
    // Offsets: 0-4 committed data, 5 commit marker, 6-10 aborted data, 11 abort marker,
    // 12 'end', 13 its commit marker. Control records (markers) are never delivered.
    expect(committedView.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 12]);

    // The aborted records are physically in the log: a read_uncommitted consumer sees them.
    const uncommittedView = await consumeUntil(
      kafka,
      topic,
      { groupId: uniqueName('read-uncommitted'), readUncommitted: true },
      isEnd,
    );
    expect(uncommittedView.map((r) => r.value)).toEqual([
      ...records('committed', 5).map((m) => m.value),
      ...records('aborted', 5).map((m) => m.value),
      'end',
    ]);

    // Only the committed transaction's group offset took effect.
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(offsets).toEqual([{ topic, partitions: [expect.objectContaining({ partition: 0, offset: '10' })] }]);

    const [end] = await admin.fetchTopicOffsets(topic);
    expect(end?.high).toBe('14');
  });
});
