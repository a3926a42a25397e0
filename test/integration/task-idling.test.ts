// max.task.idle.ms on a real broker: a stream-table join whose two co-partitioned inputs are produced
// separately (the stream first, the table a moment later, with older timestamps) gives the driver's result
// when the task waits for the empty table partitions; with idling off it does not wait.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Consumed, Produced, Serdes, StreamsBuilder, type Topology } from '../../src/index.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import { bootstrapServers, kafkaClient, uniqueName } from './kafka.js';

const S = Serdes.String();

/** Orders enriched with their customer's name (a left join: an order before its customer gets `?`). */
function enrich(orders: string, customers: string, output: string): Topology {
  const b = new StreamsBuilder();
  const names = b.table<string, string>(customers, Consumed.with(S, S));
  b.stream<string, string>(orders, Consumed.with(S, S))
    .leftJoin(names, (order: string, name: string | null) => `${order}:${name ?? '?'}`)
    .to(output, Produced.with(S, S));
  return b.build();
}

const CUSTOMERS = Array.from({ length: 8 }, (_, i) => ({ key: `c${i}`, value: `name-${i}`, timestamp: 1_000 + i }));
const ORDERS = Array.from({ length: 40 }, (_, i) => ({ key: `c${i % 8}`, value: `order-${i}`, timestamp: 2_000 + i }));

/** The driver's output, fed in timestamp order (the customers are older than every order). */
async function expected(): Promise<Record<string, string[]>> {
  const driver = new TopologyTestDriver(enrich('orders', 'customers', 'out'), { 'application.id': 'oracle' }, 0);
  const customers = driver.createInputTopic('customers', S, S);
  const orders = driver.createInputTopic('orders', S, S);
  for (const c of CUSTOMERS) await customers.pipeInput(c.key, c.value, c.timestamp);
  for (const o of ORDERS) await orders.pipeInput(o.key, o.value, o.timestamp);
  const out = driver.createOutputTopic('out', S, S).readKeyValuesToList();
  await driver.close();
  return perKey(out.map((kv) => ({ key: kv.key!, value: kv.value! })));
}

function perKey(records: ReadonlyArray<{ key: string; value: string }>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of records) (out[r.key] ??= []).push(r.value);
  return out;
}

async function consume(topic: string, count: number, timeoutMs = 60_000): Promise<Array<{ key: string; value: string }>> {
  const consumer = kafkaClient(uniqueName('check')).consumer({ groupId: uniqueName('check') });
  const seen: Array<{ key: string; value: string }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push({ key: message.key!.toString(), value: message.value!.toString() }) });
  const deadline = Date.now() + timeoutMs;
  while (seen.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  return seen;
}

describe('max.task.idle.ms on a real broker', { timeout: 120_000 }, () => {
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });

  /** Starts the join with `maxTaskIdleMs`; `send` writes records to one of its inputs. */
  async function start(maxTaskIdleMs: number) {
    const [orders, customers, output] = [uniqueName('orders'), uniqueName('customers'), uniqueName('enriched')];
    const kafka = kafkaClient(uniqueName('setup'));
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [orders, customers, output].map((topic) => ({ topic, numPartitions: 2 })), waitForLeaders: true });
    await admin.disconnect();
    const streams = new KafkaStreams(enrich(orders, customers, output), {
      'application.id': uniqueName('idle-app'),
      'bootstrap.servers': bootstrapServers(),
      'state.dir': mkdtempSync(join(tmpdir(), 'ks-idle-')),
      'commit.interval.ms': 100,
      'max.task.idle.ms': maxTaskIdleMs,
    });
    running.push(streams);
    await streams.start();
    const send = async (topic: string, records: typeof ORDERS) => {
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: records.map((r) => ({ key: r.key, value: r.value, timestamp: String(r.timestamp) })) });
      await producer.disconnect();
    };
    return { orders, customers, output, send };
  }

  it('waits for the empty co-partitioned table partitions (5000 ms): the same result as the driver', async () => {
    const want = await expected();
    expect(Object.values(want).flat().some((v) => v.endsWith(':?'))).toBe(false);
    const app = await start(5_000);
    await app.send(app.orders, ORDERS);
    await new Promise((r) => setTimeout(r, 1_000));
    await app.send(app.customers, CUSTOMERS);
    expect(perKey(await consume(app.output, ORDERS.length))).toEqual(want);
  });

  it('-1 (no idling): the orders are processed at once, without waiting for the empty table partitions', async () => {
    const app = await start(-1);
    await app.send(app.orders, ORDERS);
    const got = await consume(app.output, ORDERS.length);
    expect(got).toHaveLength(ORDERS.length);
    expect(got.every((r) => r.value.endsWith(':?'))).toBe(true);
  });
});
