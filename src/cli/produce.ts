/** `kstreams produce <topology>`: seeded sample input, as JSON lines on stdout or written to Kafka. */
import { Serdes } from '../index.js';
import type { ProducerRecord } from '../kafka/index.js';
import type { SampleRecord } from '../../topologies/index.js';
import { CliError, ExitCode } from './errors.js';
import { connectKafka, requireTopics } from './kafka.js';
import { resolvedTopics, valueSerdes, type TopologySelection } from './topology.js';

export interface ProduceOptions {
  readonly count: number;
  readonly seed: number;
  /** Records per second; unlimited when undefined. */
  readonly rate?: number;
  readonly bootstrapServers?: string;
  readonly topicArgs: string;
  readonly out: (line: string) => void | Promise<void>;
  readonly err: (text: string) => void;
}

export async function produce(sel: TopologySelection, o: ProduceOptions): Promise<number> {
  if (!Number.isInteger(o.count) || o.count < 0) throw new CliError(`--count expects a non-negative integer, got ${o.count}`, ExitCode.USAGE);
  if (!Number.isInteger(o.seed)) throw new CliError(`--seed expects an integer, got ${o.seed}`, ExitCode.USAGE);
  if (o.rate !== undefined && !(o.rate > 0)) throw new CliError(`--rate expects a positive number of records per second, got ${o.rate}`, ExitCode.USAGE);
  const records = await sel.module.sample({ count: o.count, seed: o.seed, topics: sel.topics });
  if (o.bootstrapServers === undefined) {
    await paced(records, o.rate, async (batch) => {
      for (const r of batch) await o.out(JSON.stringify(r));
    });
    return records.length;
  }
  const conn = await connectKafka(o.bootstrapServers, 'kstreams-produce');
  try {
    const inputs = resolvedTopics(sel, 'input');
    await requireTopics(conn.admin, inputs.map((t) => t.topic), sel.name, o.bootstrapServers, o.topicArgs);
    const { serdeOf } = await valueSerdes(sel);
    const serializers = new Map(inputs.map((t) => [t.topic, serdeOf(t).serializer()]));
    const keys = Serdes.String().serializer();
    const producer = await conn.client.producer();
    try {
      await paced(records, o.rate, async (batch) => {
        const out: ProducerRecord[] = batch.map((r) => ({
          topic: r.topic,
          key: keys.serialize(r.topic, r.key),
          value: serializers.get(r.topic)!.serialize(r.topic, r.value),
          timestamp: r.timestamp,
        }));
        await producer.send(out);
      });
    } finally {
      await producer.close();
    }
    const perTopic = new Map<string, number>();
    for (const r of records) perTopic.set(r.topic, (perTopic.get(r.topic) ?? 0) + 1);
    o.err(`kstreams: produced ${records.length} records to ${o.bootstrapServers}: ${[...perTopic].map(([t, n]) => `${t} ${n}`).join(', ')}\n`);
    return records.length;
  } finally {
    await conn.close();
  }
}

/** Hands `records` over in order, in batches, at most `rate` per second (as fast as possible without). */
async function paced(records: readonly SampleRecord[], rate: number | undefined, send: (batch: readonly SampleRecord[]) => Promise<void>): Promise<void> {
  if (rate === undefined) {
    for (let i = 0; i < records.length; i += 500) await send(records.slice(i, i + 500));
    return;
  }
  const start = Date.now();
  let next = 0;
  while (next < records.length) {
    const due = Math.min(records.length, Math.floor(((Date.now() - start) / 1000) * rate) + 1);
    if (due > next) {
      await send(records.slice(next, due));
      next = due;
    }
    if (next < records.length) await new Promise((r) => setTimeout(r, Math.max(1, Math.min(100, 1000 / rate))));
  }
}
