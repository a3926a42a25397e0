/**
 * The Kafka client port (src/kafka/client-port.ts) through its kafkajs adapter, on the real broker:
 * admin, idempotent and transactional producers, the group consumer with a custom assignor, and the
 * partition reader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKafkaJsClient,
  defaultPartition,
  OffsetOutOfRangeError,
  ProducerFencedError,
  UnknownTopicError,
  type Admin,
  type Assignment,
  type AssignmentContext,
  type ConsumerRecord,
  type GroupConsumer,
  type GroupConsumerListener,
  type KafkaClient,
  type MemberAssignment,
  type PartitionAssignor,
  type ProducerRecord,
  type RecordBatch,
  type TopicPartition,
} from '../../src/kafka/index.js';
import { bootstrapServers, kafkaClient, uniqueName } from './kafka.js';

async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));

function record(topic: string, partition: number | undefined, key: string | null, value: string | null): ProducerRecord {
  return {
    topic,
    ...(partition === undefined ? {} : { partition }),
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : Buffer.from(value),
  };
}

/** Everything a partition reader returns from the beginning to the end, plus the final positions. */
async function readAll(client: KafkaClient, partitions: TopicPartition[], isolationLevel: 'read_committed' | 'read_uncommitted' = 'read_uncommitted') {
  const reader = await client.partitionReader({ isolationLevel, maxWaitTimeMs: 100 });
  try {
    const records: ConsumerRecord[] = [];
    const positions = await reader.readToEnd(
      partitions.map((tp) => ({ ...tp, offset: 'earliest' as const })),
      (batch) => void records.push(...batch.records),
      { timeoutMs: 30_000 },
    );
    return { records, positions };
  } finally {
    await reader.close();
  }
}

/** Fast group settings for tests. */
const GROUP_TIMING = { sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 20_000, heartbeatIntervalMs: 300, maxWaitTimeMs: 100 };

/** Records what a group consumer's listener sees. */
class Recorder implements GroupConsumerListener {
  readonly events: Array<{ kind: 'revoked' | 'assigned'; partitions: string[]; userData?: string | null }> = [];
  readonly batches: RecordBatch[] = [];
  readonly errors: Error[] = [];
  lastAssignment: Assignment | null = null;

  get records(): ConsumerRecord[] {
    return this.batches.flatMap((b) => b.records);
  }

  onBatch(batch: RecordBatch): void {
    this.batches.push(batch);
  }

  onPartitionsRevoked(partitions: readonly TopicPartition[]): void {
    this.events.push({ kind: 'revoked', partitions: partitions.map((tp) => `${tp.topic}-${tp.partition}`) });
  }

  onPartitionsAssigned(assignment: Assignment): void {
    this.lastAssignment = assignment;
    this.events.push({
      kind: 'assigned',
      partitions: assignment.topicPartitions.map((tp) => `${tp.topic}-${tp.partition}`),
      userData: text(assignment.userData),
    });
  }

  onError(error: Error): void {
    this.errors.push(error);
  }
}

/**
 * The test's assignor: members sorted by their subscription userData (their names); partition p of
 * every topic goes to member p % n. Each member's assignment userData names it and its partitions.
 */
function moduloAssignor(name: string, seen: AssignmentContext[]): PartitionAssignor {
  return {
    name: 'test-modulo',
    version: 1,
    subscriptionUserData: () => Buffer.from(name),
    assign(context) {
      seen.push(context);
      const members = [...context.members].sort((a, b) => a.userData.toString().localeCompare(b.userData.toString()));
      const result = new Map<string, MemberAssignment>();
      members.forEach((member, i) => {
        const topicPartitions: TopicPartition[] = [];
        for (const [topic, count] of context.partitionsPerTopic) {
          for (let p = 0; p < count; p++) if (p % members.length === i) topicPartitions.push({ topic, partition: p });
        }
        const userData = Buffer.from(JSON.stringify({ to: member.userData.toString(), partitions: topicPartitions.map((tp) => tp.partition) }));
        result.set(member.memberId, { topicPartitions, userData });
      });
      return result;
    },
  };
}

describe('Kafka client port (kafkajs adapter)', () => {
  let client: KafkaClient;
  let admin: Admin;

  beforeAll(async () => {
    client = createKafkaJsClient({ bootstrapServers: bootstrapServers(), clientId: uniqueName('port-test') });
    admin = await client.admin();
  });

  afterAll(async () => {
    await client?.close();
  });

  it('admin: creates (idempotently), describes, lists and deletes topics, with configs', async () => {
    const compacted = uniqueName('admin-compacted');
    const plain = uniqueName('admin-plain');
    const created = await admin.createTopics([
      { topic: compacted, partitions: 3, configs: { 'cleanup.policy': 'compact' } },
      { topic: plain, partitions: 2, replicationFactor: 1 },
    ]);
    expect(created.sort()).toEqual([compacted, plain].sort());
    // Existing topics are left alone.
    expect(await admin.createTopics([{ topic: compacted, partitions: 5 }])).toEqual([]);

    expect(await admin.describeTopics([compacted, plain])).toEqual([
      { topic: compacted, partitions: 3, replicationFactor: 1 },
      { topic: plain, partitions: 2, replicationFactor: 1 },
    ]);
    expect(await admin.listTopics()).toEqual(expect.arrayContaining([compacted, plain]));
    const missing = uniqueName('missing');
    const error = await admin.describeTopics([plain, missing]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownTopicError);
    expect((error as UnknownTopicError).topics).toEqual([missing]);

    // The config reached the broker (checked with kafkajs directly).
    const raw = kafkaClient(uniqueName('admin-check')).admin();
    await raw.connect();
    try {
      const { resources } = await raw.describeConfigs({ resources: [{ type: 2, name: compacted, configNames: ['cleanup.policy'] }], includeSynonyms: false });
      expect(resources[0]?.configEntries.find((c) => c.configName === 'cleanup.policy')?.configValue).toBe('compact');
    } finally {
      await raw.disconnect();
    }

    await admin.deleteTopics([plain, missing]);
    expect(await admin.listTopics()).not.toContain(plain);
  });

  it('idempotent producer: explicit partitions, per-record offsets, headers, null keys and values', async () => {
    const topic = uniqueName('produce');
    await admin.createTopics([{ topic, partitions: 3 }]);
    const producer = await client.producer({ maxRecordsPerRequest: 7 }); // several requests per send
    const records: ProducerRecord[] = Array.from({ length: 30 }, (_, i) => ({
      ...record(topic, i % 3, i % 10 === 0 ? null : `k${i}`, i % 10 === 5 ? null : `v${i}`),
      timestamp: 1_700_000_000_000 + i,
      headers: i === 4 ? [{ key: 'h', value: Buffer.from('1') }, { key: 'e', value: Buffer.alloc(0) }, { key: 'h', value: Buffer.from('2') }] : [],
    }));
    const metadata = await producer.send(records);
    expect(metadata).toEqual(records.map((r, i) => ({ topic, partition: r.partition, offset: Math.floor(i / 3) })));
    await producer.close();

    const { records: read, positions } = await readAll(client, [0, 1, 2].map((partition) => ({ topic, partition })));
    expect(positions).toEqual([0, 1, 2].map((partition) => ({ topic, partition, offset: 10 })));
    const byOffset = (p: number) => read.filter((r) => r.partition === p).sort((a, b) => a.offset - b.offset);
    for (let p = 0; p < 3; p++) {
      expect(byOffset(p).map((r) => [text(r.key), text(r.value), r.timestamp])).toEqual(
        records.filter((r) => r.partition === p).map((r) => [text(r.key ?? null), text(r.value), r.timestamp]),
      );
    }
    const withHeaders = read.find((r) => text(r.key) === 'k4')!;
    // kafkajs groups repeated header keys (first-seen key first).
    expect(withHeaders.headers.map((h) => [h.key, text(h.value)])).toEqual([['h', '1'], ['h', '2'], ['e', '']]);
    // Null header values cannot be written through kafkajs: refused before anything is sent.
    const again = await client.producer();
    await expect(again.send([{ ...record(topic, 0, 'k', 'v'), headers: [{ key: 'n', value: null }] }])).rejects.toThrow(/null value/);
    await again.close();
  });

  it('default partitioning of keyed records is Java’s (murmur2)', async () => {
    const topic = uniqueName('keyed');
    const partitions = 7;
    await admin.createTopics([{ topic, partitions }]);
    const producer = await client.producer();
    const keys = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    const metadata = await producer.send(keys.map((k) => record(topic, undefined, k, 'x')));
    await producer.close();
    const expected = keys.map((k) => defaultPartition(Buffer.from(k), partitions));
    expect(metadata.map((m) => m.partition)).toEqual(expected);
    expect(new Set(expected).size).toBe(partitions);
    const { records } = await readAll(client, Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
    for (const r of records) expect(r.partition).toBe(defaultPartition(r.key!, partitions));
    expect(records).toHaveLength(keys.length);
  });

  it('group consumer: custom assignor splits partitions between two members, userData round trips', async () => {
    const topic = uniqueName('group');
    const groupId = uniqueName('group-g');
    await admin.createTopics([{ topic, partitions: 4 }]);
    const producer = await client.producer();
    const round = (n: number) => Array.from({ length: 8 }, (_, i) => record(topic, i % 4, `k${i}`, `round${n}-${i}`));
    await producer.send(round(1));

    const seen: AssignmentContext[] = [];
    const a = new Recorder();
    const b = new Recorder();
    const consumerA = client.groupConsumer({ groupId, topics: [topic], assignor: moduloAssignor('a', seen), ...GROUP_TIMING });
    const consumerB = client.groupConsumer({ groupId, topics: [topic], assignor: moduloAssignor('b', seen), ...GROUP_TIMING });
    try {
      await consumerA.start(a);
      // Alone, A gets everything, and the userData the leader (A) wrote for it.
      expect(a.events).toEqual([
        { kind: 'assigned', partitions: [0, 1, 2, 3].map((p) => `${topic}-${p}`), userData: JSON.stringify({ to: 'a', partitions: [0, 1, 2, 3] }) },
      ]);
      expect(a.lastAssignment?.isLeader).toBe(true);
      await waitFor('A to read round 1', () => a.records.length === 8);
      // A processed everything: commit the positions, as a task would.
      await consumerA.commit(a.batches.map((batch) => ({ topic, partition: batch.partition, offset: batch.nextOffset })));

      await consumerB.start(b);
      await waitFor('A to be reassigned', () => a.events.length === 3);
      expect(a.events.slice(1)).toEqual([
        { kind: 'revoked', partitions: [0, 1, 2, 3].map((p) => `${topic}-${p}`) },
        { kind: 'assigned', partitions: [`${topic}-0`, `${topic}-2`], userData: JSON.stringify({ to: 'a', partitions: [0, 2] }) },
      ]);
      expect(b.events).toEqual([
        { kind: 'assigned', partitions: [`${topic}-1`, `${topic}-3`], userData: JSON.stringify({ to: 'b', partitions: [1, 3] }) },
      ]);
      expect(consumerA.assignment()).toEqual([{ topic, partition: 0 }, { topic, partition: 2 }]);
      // The leader's assignor saw both members with their subscription userData.
      const last = seen[seen.length - 1]!;
      expect(last.members.map((m) => m.userData.toString()).sort()).toEqual(['a', 'b']);
      expect(last.members.every((m) => m.topics.includes(topic))).toBe(true);
      expect(last.partitionsPerTopic.get(topic)).toBe(4);

      const aBefore = a.records.length;
      await producer.send(round(2));
      await waitFor('round 2', () => a.records.length - aBefore === 4 && b.records.length === 4);
      // Each reads its own partitions, from the committed offsets: nothing twice.
      expect(a.records.slice(aBefore).map((r) => r.partition).sort()).toEqual([0, 0, 2, 2]);
      expect(b.records.map((r) => r.partition).sort()).toEqual([1, 1, 3, 3]);
      expect([...a.records.slice(aBefore), ...b.records].every((r) => text(r.value)!.startsWith('round2') && r.offset >= 2)).toBe(true);
      expect(a.errors).toEqual([]);
      expect(b.errors).toEqual([]);
    } finally {
      await consumerB.close();
      await consumerA.close();
      await producer.close();
    }
  });

  it('group consumer: explicit commits; a restarted member resumes from the committed offsets', async () => {
    const topic = uniqueName('resume');
    const groupId = uniqueName('resume-g');
    await admin.createTopics([{ topic, partitions: 2 }]);
    const producer = await client.producer();
    await producer.send(Array.from({ length: 20 }, (_, i) => record(topic, i % 2, `k${i}`, `v${i}`)));
    const assignor = moduloAssignor('only', []);

    const first = new Recorder();
    const c1 = client.groupConsumer({ groupId, topics: [topic], assignor, ...GROUP_TIMING });
    await c1.start(first);
    await waitFor('first read', () => first.records.length === 20);
    // Processed up to offset 6 in partition 0 and 3 in partition 1 (no autocommit happens).
    await c1.commit([{ topic, partition: 0, offset: 6 }, { topic, partition: 1, offset: 3 }]);
    expect(await c1.committed([{ topic, partition: 0 }, { topic, partition: 1 }])).toEqual([
      { topic, partition: 0, offset: 6 },
      { topic, partition: 1, offset: 3 },
    ]);
    await c1.close();
    expect(await admin.committedOffsets(groupId, [topic])).toEqual([
      { topic, partition: 0, offset: 6 },
      { topic, partition: 1, offset: 3 },
    ]);

    const second = new Recorder();
    const c2 = client.groupConsumer({ groupId, topics: new RegExp(`^${topic}$`), assignor, ...GROUP_TIMING });
    try {
      await c2.start(second);
      await waitFor('second read', () => second.records.length === 4 + 7);
      const offsets = (p: number) => second.records.filter((r) => r.partition === p).map((r) => r.offset);
      expect(offsets(0)).toEqual([6, 7, 8, 9]);
      expect(offsets(1)).toEqual([3, 4, 5, 6, 7, 8, 9]);
      expect(c2.position({ topic, partition: 0 })).toBe(10);
    } finally {
      await c2.close();
      await producer.close();
    }
  });

  it('group consumer: paused partitions are not delivered until resumed', async () => {
    const topic = uniqueName('pause');
    await admin.createTopics([{ topic, partitions: 2 }]);
    const producer = await client.producer();
    const recorder = new Recorder();
    const consumer = client.groupConsumer({ groupId: uniqueName('pause-g'), topics: [topic], assignor: moduloAssignor('p', []), ...GROUP_TIMING });
    try {
      await consumer.start({
        onBatch: (b) => recorder.onBatch(b),
        onPartitionsAssigned: () => consumer.pause([{ topic, partition: 1 }]),
      });
      expect(consumer.paused()).toEqual([{ topic, partition: 1 }]);
      await producer.send([record(topic, 0, 'a', '0'), record(topic, 1, 'b', '1')]);
      await waitFor('partition 0', () => recorder.records.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(recorder.records.map((r) => r.partition)).toEqual([0]);
      consumer.resume([{ topic, partition: 1 }]);
      await waitFor('partition 1', () => recorder.records.length === 2);
      expect(consumer.paused()).toEqual([]);
    } finally {
      await consumer.close();
      await producer.close();
    }
  });

  it('partition reader: reads a compacted changelog from 0 to its end and stops', async () => {
    const topic = uniqueName('changelog');
    await admin.createTopics([{ topic, partitions: 2, configs: { 'cleanup.policy': 'compact' } }]);
    const producer = await client.producer();
    // Updates and tombstones, as a store's changelog has them.
    const writes = Array.from({ length: 50 }, (_, i) => record(topic, i % 2, `key-${i % 5}`, i % 7 === 6 ? null : `value-${i}`));
    await producer.send(writes);
    await producer.close();

    const reader = await client.partitionReader({ maxWaitTimeMs: 100 });
    try {
      const partitions = [{ topic, partition: 0 }, { topic, partition: 1 }];
      expect(await reader.beginningOffsets(partitions)).toEqual(partitions.map((tp) => ({ ...tp, offset: 0 })));
      expect(await reader.endOffsets(partitions)).toEqual(partitions.map((tp) => ({ ...tp, offset: 25 })));

      const restored = new Map<string, string | null>();
      const seen: number[] = [];
      const positions = await reader.readToEnd(
        partitions.map((tp) => ({ ...tp, offset: 0 })),
        (batch) => {
          for (const r of batch.records) {
            restored.set(`${r.partition}/${text(r.key)}`, text(r.value));
            seen.push(r.offset);
          }
        },
      );
      expect(positions).toEqual(partitions.map((tp) => ({ ...tp, offset: 25 })));
      expect(seen).toHaveLength(50);
      const expected = new Map<string, string | null>();
      writes.forEach((w) => expected.set(`${w.partition}/${text(w.key ?? null)}`, text(w.value)));
      expect(restored).toEqual(expected);

      // From a checkpoint in the middle; and at the end there is nothing to do.
      let fromCheckpoint = 0;
      await reader.readToEnd([{ topic, partition: 0, offset: 20 }], (batch) => void (fromCheckpoint += batch.records.length));
      expect(fromCheckpoint).toBe(5);
      let atEnd = 0;
      expect(await reader.readToEnd([{ topic, partition: 1, offset: 25 }], () => void atEnd++)).toEqual([{ topic, partition: 1, offset: 25 }]);
      expect(atEnd).toBe(0);
    } finally {
      await reader.close();
    }
  });

  it('partition reader: a start offset before the log start fails with OffsetOutOfRangeError', async () => {
    const topic = uniqueName('truncated');
    await admin.createTopics([{ topic, partitions: 1 }]);
    const producer = await client.producer();
    await producer.send(Array.from({ length: 10 }, (_, i) => record(topic, 0, `k${i}`, `v${i}`)));
    await producer.close();
    const raw = kafkaClient(uniqueName('truncate')).admin();
    await raw.connect();
    await raw.fetchTopicMetadata({ topics: [topic] });
    await raw.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '4' }] });
    await raw.disconnect();

    const reader = await client.partitionReader();
    try {
      expect(await reader.beginningOffsets([{ topic, partition: 0 }])).toEqual([{ topic, partition: 0, offset: 4 }]);
      const error = await reader.readToEnd([{ topic, partition: 0, offset: 1 }], () => undefined).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OffsetOutOfRangeError);
      expect((error as OffsetOutOfRangeError).partition).toBe(0);
      const offsets: number[] = [];
      await reader.readToEnd([{ topic, partition: 0, offset: 'earliest' }], (b) => void offsets.push(...b.records.map((r) => r.offset)));
      expect(offsets).toEqual([4, 5, 6, 7, 8, 9]);
    } finally {
      await reader.close();
    }
  });

  it('transactional producer: committed records are visible to read_committed, aborted ones never', async () => {
    const topic = uniqueName('txn');
    await admin.createTopics([{ topic, partitions: 2 }]);
    const producer = await client.transactionalProducer({ transactionalId: uniqueName('txn-app-0_1'), transactionTimeoutMs: 10_000 });
    try {
      await producer.begin();
      expect(producer.inTransaction).toBe(true);
      await producer.send([record(topic, 0, 'a', 'committed-1'), record(topic, 1, 'b', 'committed-2')]);
      await producer.commit();
      expect(producer.inTransaction).toBe(false);

      await producer.begin();
      await producer.send([record(topic, 0, 'c', 'aborted-1'), record(topic, 1, 'd', 'aborted-2')]);
      await producer.abort();

      await producer.begin();
      const last = await producer.send([record(topic, 0, 'e', 'committed-3')]);
      expect(last).toEqual([{ topic, partition: 0, offset: 4 }]); // 0 data, 1 marker, 2 aborted data, 3 marker
      await producer.commit();
    } finally {
      await producer.close();
    }

    const partitions = [{ topic, partition: 0 }, { topic, partition: 1 }];
    const committed = await readAll(client, partitions, 'read_committed');
    expect(committed.records.map((r) => text(r.value)).sort()).toEqual(['committed-1', 'committed-2', 'committed-3']);
    // The positions run past the final commit markers.
    expect(committed.positions).toEqual([{ topic, partition: 0, offset: 6 }, { topic, partition: 1, offset: 4 }]);
    const uncommitted = await readAll(client, partitions, 'read_uncommitted');
    expect(uncommitted.records.map((r) => text(r.value)).sort()).toEqual(['aborted-1', 'aborted-2', 'committed-1', 'committed-2', 'committed-3']);

    // A read_committed group consumer sees the same, and its batch positions skip the markers.
    const groupId = uniqueName('txn-reader');
    const recorder = new Recorder();
    const consumer = client.groupConsumer({ groupId, topics: [topic], assignor: moduloAssignor('r', []), isolationLevel: 'read_committed', ...GROUP_TIMING });
    try {
      await consumer.start(recorder);
      await waitFor('read_committed consumer', () => recorder.records.length === 3);
      expect(recorder.records.map((r) => text(r.value)).sort()).toEqual(['committed-1', 'committed-2', 'committed-3']);
      await waitFor('positions past the markers', () => consumer.position({ topic, partition: 0 }) === 6 && consumer.position({ topic, partition: 1 }) === 4);
    } finally {
      await consumer.close();
    }
  });

  it('transactional producer: sendOffsets commits the group’s offsets only when the transaction commits', async () => {
    const input = uniqueName('eos-in');
    const output = uniqueName('eos-out');
    const groupId = uniqueName('eos-app');
    await admin.createTopics([{ topic: input, partitions: 2 }, { topic: output, partitions: 1 }]);
    const producer = await client.transactionalProducer({ transactionalId: `${groupId}-0_0` });
    try {
      await producer.begin();
      await producer.send([record(output, 0, 'k', 'aborted')]);
      await producer.sendOffsets({ consumerGroupId: groupId, offsets: [{ topic: input, partition: 0, offset: 99 }] });
      await producer.abort();
      expect(await admin.committedOffsets(groupId, [input])).toEqual([
        { topic: input, partition: 0, offset: null },
        { topic: input, partition: 1, offset: null },
      ]);

      await producer.begin();
      await producer.send([record(output, 0, 'k', 'committed')]);
      await producer.sendOffsets({ consumerGroupId: groupId, offsets: [{ topic: input, partition: 0, offset: 7 }, { topic: input, partition: 1, offset: 3 }] });
      await producer.commit();
    } finally {
      await producer.close();
    }
    // The offsets materialise when the commit markers are written, just after the commit returns.
    const expected = [
      { topic: input, partition: 0, offset: 7 },
      { topic: input, partition: 1, offset: 3 },
    ];
    let offsets = await admin.committedOffsets(groupId, [input]);
    for (let i = 0; i < 40 && JSON.stringify(offsets) !== JSON.stringify(expected); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      offsets = await admin.committedOffsets(groupId, [input]);
    }
    expect(offsets).toEqual(expected);
    const { records } = await readAll(client, [{ topic: output, partition: 0 }], 'read_committed');
    expect(records.map((r) => text(r.value))).toEqual(['committed']);
  });

  it('transactional producer: a second producer with the same transactional id fences the first', async () => {
    const topic = uniqueName('fence');
    await admin.createTopics([{ topic, partitions: 1 }]);
    const transactionalId = uniqueName('fence-app-1_0');
    const zombie = await client.transactionalProducer({ transactionalId });
    await zombie.begin();
    await zombie.send([record(topic, 0, 'k', 'zombie')]);

    // The task's new owner: creating its producer fences the zombie and aborts its open transaction.
    const owner = await client.transactionalProducer({ transactionalId });
    const error = await zombie.commit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProducerFencedError);
    expect((error as ProducerFencedError).code).toBe('PRODUCER_FENCED');
    // A fenced producer stays unusable.
    await expect(zombie.begin()).rejects.toBeInstanceOf(ProducerFencedError);
    await zombie.close();

    await owner.begin();
    await owner.send([record(topic, 0, 'k', 'owner')]);
    await owner.commit();
    await owner.close();

    const { records } = await readAll(client, [{ topic, partition: 0 }], 'read_committed');
    expect(records.map((r) => text(r.value))).toEqual(['owner']);
  });

  it('group consumer: a handler running longer than the session timeout keeps the membership', async () => {
    const topic = uniqueName('long');
    const groupId = uniqueName('long-g');
    await admin.createTopics([{ topic, partitions: 1 }]);
    const producer = await client.producer();
    await producer.send([record(topic, 0, 'k', 'first')]);
    const recorder = new Recorder();
    const consumer = client.groupConsumer({
      groupId,
      topics: [topic],
      assignor: moduloAssignor('slow', []),
      sessionTimeoutMs: 6000, // the broker's minimum
      heartbeatIntervalMs: 500,
      rebalanceTimeoutMs: 20_000,
      maxWaitTimeMs: 100,
    });
    try {
      await consumer.start({
        ...recorder,
        onPartitionsAssigned: (a) => recorder.onPartitionsAssigned(a),
        onPartitionsRevoked: (p) => recorder.onPartitionsRevoked(p),
        onError: (e) => recorder.onError(e),
        onBatch: async (batch) => {
          recorder.onBatch(batch);
          // Far past the session timeout; kafkajs alone would not heartbeat meanwhile.
          if (recorder.batches.length === 1) await new Promise((resolve) => setTimeout(resolve, 8000));
        },
      });
      await waitFor('the slow batch', () => recorder.batches.length === 1);
      await producer.send([record(topic, 0, 'k', 'second')]);
      await waitFor('the next batch', () => recorder.records.length === 2);
      expect(recorder.events.map((e) => e.kind)).toEqual(['assigned']); // never kicked out
      expect(recorder.errors).toEqual([]);
      const raw = kafkaClient(uniqueName('describe')).admin();
      await raw.connect();
      const { groups } = await raw.describeGroups([groupId]);
      await raw.disconnect();
      expect(groups[0]?.state).toBe('Stable');
      expect(groups[0]?.members.map((m) => m.memberId)).toEqual([recorder.lastAssignment?.memberId]);
    } finally {
      await consumer.close();
      await producer.close();
    }
  }, 60_000);

  it('group consumer: a long handler learns of a rebalance and lets the member rejoin promptly', async () => {
    const topic = uniqueName('rejoin');
    const groupId = uniqueName('rejoin-g');
    await admin.createTopics([{ topic, partitions: 2 }]);
    const producer = await client.producer();
    await producer.send([record(topic, 0, 'k', 'v'), record(topic, 1, 'k', 'v')]);
    const seen: AssignmentContext[] = [];
    const a = new Recorder();
    const b = new Recorder();
    let sawRebalance = false;
    const consumerA = client.groupConsumer({ groupId, topics: [topic], assignor: moduloAssignor('a', seen), ...GROUP_TIMING });
    const consumerB = client.groupConsumer({ groupId, topics: [topic], assignor: moduloAssignor('b', seen), ...GROUP_TIMING });
    try {
      let release = false;
      await consumerA.start({
        onPartitionsAssigned: (x) => a.onPartitionsAssigned(x),
        onPartitionsRevoked: (p) => a.onPartitionsRevoked(p),
        onError: (e) => a.onError(e),
        onBatch: async (batch, context) => {
          a.onBatch(batch);
          // "Processing" until told the group is rebalancing (or 15 s).
          const deadline = Date.now() + 15_000;
          while (!release && Date.now() < deadline) {
            if (context.rebalanceInProgress()) {
              sawRebalance = true;
              break;
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        },
      });
      await waitFor('A busy', () => a.batches.length === 1);
      const started = Date.now();
      await consumerB.start(b);
      release = true;
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(sawRebalance).toBe(true);
      expect(b.lastAssignment?.topicPartitions).toEqual([{ topic, partition: 1 }]);
      await waitFor('A reassigned', () => a.events.length === 3);
      expect(a.lastAssignment?.topicPartitions).toEqual([{ topic, partition: 0 }]);
    } finally {
      await consumerB.close();
      await consumerA.close();
      await producer.close();
    }
  }, 60_000);

  it('group consumer: a handler error stops the consumer and is reported once', async () => {
    const topic = uniqueName('fail');
    await admin.createTopics([{ topic, partitions: 1 }]);
    const producer = await client.producer();
    await producer.send([record(topic, 0, 'k', 'poison')]);
    await producer.close();
    const errors: Error[] = [];
    const consumer: GroupConsumer = client.groupConsumer({ groupId: uniqueName('fail-g'), topics: [topic], assignor: moduloAssignor('x', []), ...GROUP_TIMING });
    await consumer.start({
      onBatch: () => {
        throw new Error('handler failed');
      },
      onError: (e) => errors.push(e),
    });
    await waitFor('the error', () => errors.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(errors.map((e) => e.message)).toEqual(['handler failed']);
    await expect(consumer.commit([{ topic, partition: 0, offset: 1 }])).rejects.toThrow(/not running/);
    await consumer.close();
  });
});
