// Produced.withStreamPartitioner on a real broker: the partitioner is told the output topic's real partition
// count (looked up once, not assumed to be 1), and records land where it puts them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Consumed, Produced, Serdes, StreamsBuilder } from '../../src/index.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { bootstrapServers, kafkaClient, uniqueName } from './kafka.js';

const S = Serdes.String();

describe('a custom stream partitioner on a real broker', { timeout: 120_000 }, () => {
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });

  it('gets the output topic partition count from the broker and decides where each record goes', async () => {
    const [input, output] = [uniqueName('partitioner-in'), uniqueName('partitioner-out')];
    const kafka = kafkaClient(uniqueName('setup'));
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();

    const counts: number[] = [];
    const b = new StreamsBuilder();
    b.stream<string, string>(input, Consumed.with(S, S)).to(
      output,
      Produced.with(S, S).withStreamPartitioner((_topic, key: string, _value, numPartitions) => {
        counts.push(numPartitions);
        return Number(key) % numPartitions;
      }),
    );
    const streams = new KafkaStreams(b.build(), {
      'application.id': uniqueName('partitioner-app'),
      'bootstrap.servers': bootstrapServers(),
      'state.dir': mkdtempSync(join(tmpdir(), 'ks-partitioner-')),
      'commit.interval.ms': 100,
    });
    running.push(streams);
    await streams.start();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: input, messages: Array.from({ length: 12 }, (_, i) => ({ key: String(i), value: `v${i}` })) });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('check') });
    const seen: Array<{ key: string; partition: number }> = [];
    await consumer.connect();
    await consumer.subscribe({ topic: output, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => void seen.push({ key: message.key!.toString(), partition }) });
    const deadline = Date.now() + 60_000;
    while (seen.length < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await consumer.disconnect();

    expect(new Set(counts)).toEqual(new Set([3]));
    expect(seen).toHaveLength(12);
    for (const r of seen) expect(r.partition).toBe(Number(r.key) % 3);
  });
});
