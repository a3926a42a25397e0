/** The broker side of bench/compare: topics, the pre-produced input, output watching and the latency load. */
import { Kafka, logLevel, type Admin, type Message } from 'kafkajs';
import { inputTopics, outputTopics, type ReferenceTopology } from '../reference/topologies.js';
import { synthetic } from '../reference/throughput.js';
import { inputIndex } from './probe.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function kafkaClient(bootstrapServers: string): Kafka {
  return new Kafka({ clientId: 'bench-compare', brokers: [bootstrapServers], logLevel: logLevel.NOTHING });
}

/**
 * Deletes (if present) and creates the topology's input and output topics. The topics never expire
 * records: synthetic timestamps start at 0 (1970), which time-based retention would delete.
 */
export async function recreateTopics(admin: Admin, topology: ReferenceTopology, partitions: number): Promise<void> {
  const topics = [...inputTopics(topology), ...outputTopics(topology)];
  const present = (await admin.listTopics()).filter((t) => topics.includes(t));
  if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 30_000 });
  // deletion completes asynchronously; a topic still listed cannot be created again yet
  for (const deadline = Date.now() + 60_000; (await admin.listTopics()).some((t) => topics.includes(t)); ) {
    if (Date.now() > deadline) throw new Error(`topics ${present.join(', ')} were not deleted within 60 s`);
    await sleep(200);
  }
  await admin.createTopics({
    waitForLeaders: false,
    topics: topics.map((topic) => ({ topic, numPartitions: partitions, configEntries: [{ name: 'retention.ms', value: '-1' }] })),
  });
  // (kafkajs' own waitForLeaders fails, unhandled, on the metadata of a topic deleted just before)
  for (const deadline = Date.now() + 60_000; ; await sleep(200)) {
    const ready = await admin
      .fetchTopicMetadata({ topics })
      .then((m) => m.topics.every((t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0)))
      .catch(() => false);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leaders after 60 s`);
  }
}

/** Deletes an application's internal topics (changelogs), which would otherwise pile up run after run. */
export async function deleteInternalTopics(admin: Admin, applicationId: string): Promise<void> {
  const internal = (await admin.listTopics()).filter((t) => t.startsWith(`${applicationId}-`));
  if (internal.length > 0) await admin.deleteTopics({ topics: internal, timeout: 30_000 });
}

/** The sum of the end offsets of `topics` (under exactly-once, transaction markers count too). */
export async function endOffsets(admin: Admin, topics: readonly string[]): Promise<number> {
  let n = 0;
  for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) n += Number(p.high);
  return n;
}

function message(topology: ReferenceTopology, i: number, keys: number): { topic: string; message: Message } {
  const r = synthetic(topology, i, keys);
  const value = typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
  return { topic: r.topic, message: { key: r.key, value, timestamp: String(r.timestamp) } };
}

async function send(producer: ReturnType<Kafka['producer']>, batch: { topic: string; message: Message }[]): Promise<void> {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, message: m } of batch) (byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!).push(m);
  await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
}

/** Produces synthetic records 0..records-1 (the same data for every runner); returns the time taken in ms. */
export async function preProduce(kafka: Kafka, topology: ReferenceTopology, records: number, keys: number): Promise<number> {
  const producer = kafka.producer();
  await producer.connect();
  const started = Date.now();
  const chunk = 10_000;
  const inFlight: Promise<void>[] = [];
  for (let start = 0; start < records; start += chunk) {
    const batch = [];
    for (let i = start; i < Math.min(records, start + chunk); i++) batch.push(message(topology, i, keys));
    inFlight.push(send(producer, batch));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await producer.disconnect();
  return Date.now() - started;
}

export interface LoadResult {
  sent: number;
  /** Output records read. */
  outputs: number;
  /** Latencies (ms) of the outputs that answer inputs sent after the warm-up. */
  latencies: number[];
}

/**
 * Sends synthetic records at `rate` per second for `warmupSeconds + seconds` while reading the outputs
 * (read_committed), and records for each output `now - send time` of the input it answers (probe.ts).
 * Records keep their synthetic (event-time) timestamps, so windows and joins behave as in the throughput
 * runs.
 */
export async function latencyLoad(
  kafka: Kafka,
  topology: ReferenceTopology,
  o: { rate: number; seconds: number; warmupSeconds: number; keys: number },
): Promise<LoadResult> {
  const total = Math.round(o.rate * (o.warmupSeconds + o.seconds));
  const measureFrom = Math.round(o.rate * o.warmupSeconds);
  const sentAt = new Float64Array(total);
  const latencies: number[] = [];
  let outputs = 0;
  const consumer = kafka.consumer({ groupId: `bench-compare-load-${Date.now()}`, readUncommitted: false, maxWaitTimeInMs: 20, minBytes: 1 });
  await consumer.connect();
  await consumer.subscribe({ topics: outputTopics(topology), fromBeginning: true });
  const joined = new Promise((r) => consumer.on(consumer.events.GROUP_JOIN, r));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      outputs += batch.messages.length;
      for (const m of batch.messages) {
        if (m.key === null || m.value === null) continue;
        const i = inputIndex(topology, batch.topic, m.key.toString(), m.value, o.keys);
        if (i !== undefined && i >= measureFrom && i < total && sentAt[i]! > 0) latencies.push(now - sentAt[i]!);
      }
    },
  });
  await joined;
  const producer = kafka.producer();
  await producer.connect();
  const started = Date.now();
  let sent = 0;
  // a steady rate: every 10 ms, send what is due since the start
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * o.rate));
    if (due > sent) {
      const now = Date.now();
      const batch = [];
      for (; sent < due; sent++) {
        sentAt[sent] = now;
        batch.push(message(topology, sent, o.keys));
      }
      await send(producer, batch);
    }
    await sleep(10);
  }
  await sleep(3000); // the last outputs
  await producer.disconnect();
  await consumer.disconnect();
  return { sent, outputs, latencies };
}
