// The Avro serdes against a real Confluent-compatible schema registry (Apicurio Registry, started from
// Maven Central by scripts/schema-registry/apicurio.ts), and a topology running on Kafka with Avro.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import registryLib from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Serdes, StreamsBuilder } from '../../src/index.js';
import { AvroSerdes, MAGIC_BYTE, loadSchema } from '../../src/serde/avro-serdes.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import { TOPOLOGIES, type SampleRecord } from '../../topologies/index.js';
import type { OrderState } from '../../topologies/records.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from '../../scripts/schema-registry/apicurio.js';
import { jsonLines, kstreams, spawnKstreams } from '../cli/helpers.js';
import { bootstrapServers, kafkaClient, uniqueName } from './kafka.js';

const state: OrderState = {
  orderId: 'ORD-1',
  parentOrderId: 'P-1',
  account: 'ACC-1',
  symbol: 'AAPL',
  side: 'SELL',
  quantity: 100,
  filledQuantity: 40,
  averagePrice: 189.25,
  status: 'PARTIALLY_FILLED',
  fillCount: 2,
  lastEventTime: 1_700_000_000_123,
};

describe('Avro with a real schema registry (Apicurio, Confluent API)', { timeout: 180_000 }, () => {
  let registry: RunningSchemaRegistry;
  let lib: InstanceType<typeof registryLib.SchemaRegistry>;
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    registry = await startSchemaRegistry({ log: (m) => console.log(`[registry] ${m}`) });
    lib = new registryLib.SchemaRegistry({ host: registry.url });
  }, 600_000);

  afterAll(async () => {
    for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
    await registry?.stop();
  });

  it('registers the schema under <topic>-value and frames values as magic byte 0 + schema id + Avro, readable by the Confluent client', async () => {
    const topic = uniqueName('order-state');
    const serde = await AvroSerdes.create({ url: registry.url }).forTopic<OrderState>(topic, loadSchema('order-state'));
    expect(await lib.getLatestSchemaId(`${topic}-value`)).toBe(serde.schemaId);
    const bytes = serde.serializer().serialize(topic, state)!;
    expect(bytes[0]).toBe(MAGIC_BYTE);
    expect(bytes.readInt32BE(1)).toBe(serde.schemaId);
    expect({ ...(await lib.decode(bytes)) }).toEqual(state);
    const theirs = await lib.encode(serde.schemaId, state);
    expect({ ...serde.deserializer().deserialize(topic, theirs) }).toEqual(state);
    // registering again finds the same id
    expect((await AvroSerdes.create({ url: registry.url }).forTopic(topic, loadSchema('order-state'))).schemaId).toBe(serde.schemaId);
  });

  it('reads records written with a newer registered version of the subject (schema evolution)', async () => {
    const topic = uniqueName('order-state');
    const v1 = await AvroSerdes.create({ url: registry.url }).forTopic<OrderState>(topic, loadSchema('order-state'));
    const v2Schema = { ...(loadSchema('order-state') as object), fields: [...(loadSchema('order-state') as { fields: object[] }).fields, { name: 'venue', type: ['null', 'string'], default: null }] };
    const { id: v2Id } = await lib.register({ type: registryLib.SchemaType.AVRO, schema: JSON.stringify(v2Schema) }, { subject: `${topic}-value` });
    expect(v2Id).not.toBe(v1.schemaId);
    const written = await lib.encode(v2Id, { ...state, venue: 'XNAS' });
    // a serde made now knows every version of the subject
    const reader = await AvroSerdes.create({ url: registry.url, autoRegister: false }).forTopic<OrderState>(topic, loadSchema('order-state'));
    expect(reader.schemaId).toBe(v1.schemaId);
    expect({ ...reader.deserializer().deserialize(topic, written) }).toEqual(state);
    // one made before does not, and says so
    expect(() => v1.deserializer().deserialize(topic, written)).toThrow(new RegExp(`written with schema id ${v2Id}, which is not a version`));
  });

  it('says what is wrong: an unregistered schema with auto.register.schemas=false, an unreachable registry', async () => {
    const topic = uniqueName('fills');
    await expect(AvroSerdes.fromConfig({ 'schema.registry.url': registry.url, 'auto.register.schemas': 'false' }).forTopic(topic, loadSchema('fill'))).rejects.toThrow(
      new RegExp(`Schema registry .*: cannot find the schema io.kstreams.orders.Fill under subject ${topic}-value`),
    );
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r));
    await expect(AvroSerdes.create({ url: `http://127.0.0.1:${port}` }).forTopic(topic, loadSchema('fill'))).rejects.toThrow(`Cannot reach the schema registry at http://127.0.0.1:${port}`);
  });

  it('kstreams run with schema.registry.url: the records go through Avro and the outputs are those of the JSON run', async () => {
    const input = (await kstreams(['produce', 'order-fill', '--count', '15', '--seed', '4'])).stdout;
    const json = await kstreams(['run', 'order-fill'], { stdin: input });
    const avro = await kstreams(['run', 'order-fill', '--config', `schema.registry.url=${registry.url}`], { stdin: input });
    expect(avro.code, avro.stderr).toBe(0);
    expect(avro.stdout).toBe(json.stdout);
    const subjects = (await (await fetch(`${registry.url}/subjects`)).json()) as string[];
    for (const t of ['orders', 'fills', 'order-state', 'orders-filled', 'order-anomalies']) expect(subjects).toContain(`${t}-value`);
  });

  it('order-hierarchy on Kafka reading and writing Avro: the outputs equal the driver outputs', async () => {
    const B = bootstrapServers();
    const u = uniqueName('avro');
    const t = { 'order-state': `${u}-order-state`, 'parent-order-state': `${u}-parent-order-state`, 'parent-orders-filled': `${u}-parent-orders-filled` };
    const args = [...Object.entries(t).flatMap(([k, v]) => ['--topic', `${k}=${v}`]), '--config', `schema.registry.url=${registry.url}`];
    expect((await kstreams(['topics', 'order-hierarchy', '--create', '--bootstrap-servers', B, ...Object.entries(t).flatMap(([k, v]) => ['--topic', `${k}=${v}`])])).code).toBe(0);
    const printed = jsonLines((await kstreams(['produce', 'order-hierarchy', '--count', '20', '--seed', '8', ...args])).stdout) as SampleRecord[];
    const sent = await kstreams(['produce', 'order-hierarchy', '--count', '20', '--seed', '8', '--bootstrap-servers', B, ...args]);
    expect(sent.code, sent.stderr).toBe(0);

    const app = spawnKstreams(['run', 'order-hierarchy', '--bootstrap-servers', B, '--application-id', `${u}-app`, '--processing-guarantee', 'exactly_once_v2', '--state-dir', mkdtempSync(path.join(tmpdir(), 'kstreams-avro-')), ...args]);
    running.push(app);

    // the driver's outputs for the same input (JSON: the values are the same)
    const b = new StreamsBuilder();
    TOPOLOGIES['order-hierarchy']!.add(b, { topics: t });
    const driver = new TopologyTestDriver(b.build(), {}, 0);
    const S = Serdes.String();
    const input = driver.createInputTopic(t['order-state'], S, Serdes.Json<unknown>());
    for (const r of printed) await input.pipeInput(r.key as string, r.value, r.timestamp);
    const expected: Record<string, unknown[]> = {};
    for (const topic of [t['parent-order-state'], t['parent-orders-filled']]) {
      for (const r of driver.createOutputTopic(topic, S, Serdes.Json<unknown>()).readRecordsToList()) (expected[`${topic} ${r.key}`] ??= []).push({ value: r.value, timestamp: r.timestamp });
    }
    await driver.close();
    const total = Object.values(expected).reduce((n, l) => n + l.length, 0);

    const consumer = kafkaClient(uniqueName('verify')).consumer({ groupId: uniqueName('verify'), readUncommitted: false });
    const seen: Record<string, unknown[]> = {};
    let count = 0;
    const raw: Buffer[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [t['parent-order-state'], t['parent-orders-filled']], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        raw.push(message.value!);
        (seen[`${topic} ${message.key!.toString()}`] ??= []).push({ value: { ...(await lib.decode(message.value!)) }, timestamp: Number(message.timestamp) });
        count++;
      },
    });
    const deadline = Date.now() + 90_000;
    while (count < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 1_000));
    await consumer.disconnect();
    expect(raw.every((v) => v[0] === MAGIC_BYTE)).toBe(true);
    expect(count).toBe(total);
    expect(seen).toEqual(expected);

    app.kill('SIGTERM');
    expect(await new Promise((r) => app.once('exit', r))).toBe(0);
  });
});
