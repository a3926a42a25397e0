// order-fill, order-hierarchy and order-saga on the real broker, run by the kstreams CLI under exactly_once_v2
// and fed with `kstreams produce` data: their outputs must equal the TopologyTestDriver's for the same input.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { Serdes, StreamsBuilder } from '../../src/index.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import { TOPOLOGIES, type SampleRecord } from '../../topologies/index.js';
import { jsonLines, kstreams, spawnKstreams } from '../cli/helpers.js';
import { bootstrapServers, kafkaClient, uniqueName } from './kafka.js';

interface Seen {
  topic: string;
  key: string;
  value: unknown;
  timestamp: number;
}

/** Output records per topic and key, in order (Kafka orders records per partition, hence per key). */
function byTopicAndKey(records: readonly Seen[]): Record<string, Record<string, Array<{ value: unknown; timestamp: number }>>> {
  const out: Record<string, Record<string, Array<{ value: unknown; timestamp: number }>>> = {};
  for (const r of records) ((out[r.topic] ??= {})[r.key] ??= []).push({ value: r.value, timestamp: r.timestamp });
  return out;
}

/** Runs `name` on the TopologyTestDriver over `records` (in order) and returns everything it outputs. */
async function driverOutputs(name: string, topics: Record<string, string>, records: readonly SampleRecord[], options: Record<string, string | number> = {}): Promise<Seen[]> {
  const module = TOPOLOGIES[name]!;
  const b = new StreamsBuilder();
  module.add(b, { topics, options });
  const driver = new TopologyTestDriver(b.build(), { 'application.id': 'oracle' }, 0);
  const S = Serdes.String();
  const inputs = new Map(module.topics.filter((t) => t.direction === 'input').map((t) => [topics[t.name] ?? t.name, driver.createInputTopic(topics[t.name] ?? t.name, S, Serdes.Json<unknown>())]));
  const outputs = module.topics.filter((t) => t.direction === 'output').map((t) => topics[t.name] ?? t.name);
  const seen: Seen[] = [];
  for (const r of records) {
    await inputs.get(r.topic)!.pipeInput(r.key as string, r.value, r.timestamp);
  }
  for (const topic of outputs) {
    for (const o of driver.createOutputTopic(topic, S, Serdes.Json<unknown>()).readRecordsToList()) seen.push({ topic, key: o.key!, value: o.value, timestamp: o.timestamp! });
  }
  await driver.close();
  return seen;
}

/** Reads `topics` (read_committed) from the beginning until `count` records arrived, then a little longer to catch extras. */
async function consume(topics: readonly string[], count: number, timeoutMs = 90_000): Promise<Seen[]> {
  const consumer = kafkaClient(uniqueName('verify')).consumer({ groupId: uniqueName('verify'), readUncommitted: false });
  const seen: Seen[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      seen.push({ topic, key: message.key!.toString(), value: JSON.parse(message.value!.toString()), timestamp: Number(message.timestamp) });
    },
  });
  const deadline = Date.now() + timeoutMs;
  while (seen.length < count && Date.now() < deadline) await sleep(200);
  await sleep(1_500); // anything beyond the expected records would show up now
  await consumer.disconnect();
  return seen;
}

/** Until the application's group has committed everything written to `topics` (so it has processed it). */
async function processedAll(admin: Admin, groupId: string, topics: readonly string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ends = new Map<string, number>();
    for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${p.partition}`, Number(p.high));
    const committed = new Map<string, number>();
    for (const t of await admin.fetchOffsets({ groupId, topics: [...topics] })) for (const p of t.partitions) committed.set(`${t.topic}:${p.partition}`, Number(p.offset));
    if ([...ends].every(([tp, end]) => end === 0 || (committed.get(tp) ?? -1) >= end)) return;
    if (Date.now() > deadline) throw new Error(`group ${groupId} did not process ${topics.join(', ')} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * The order in which a task processes `records` of its input topics (one partition each) once it waits for
 * empty partitions that still have data coming (max.task.idle.ms): each topic in produced order; across
 * topics the head with the smallest timestamp, a tie going to the head that waited longer (StreamTask's
 * rule). `topics` is the order in which the partitions first deliver, which only decides a tie between the
 * very first heads. This is the input order the driver is given.
 */
function processingOrder(records: readonly SampleRecord[], topics: readonly string[]): SampleRecord[] {
  const queues = topics.map((t) => records.filter((r) => r.topic === t));
  const position = queues.map(() => 0);
  const headSeq = queues.map(() => -1);
  const out: SampleRecord[] = [];
  for (let seq = 0; ; ) {
    let next = -1;
    for (const [i, q] of queues.entries()) {
      if (position[i]! >= q.length) continue;
      if (headSeq[i]! < 0) headSeq[i] = seq++;
      const ts = q[position[i]!]!.timestamp;
      const best = next < 0 ? Infinity : queues[next]![position[next]!]!.timestamp;
      if (ts < best || (ts === best && headSeq[i]! < headSeq[next]!)) next = i;
    }
    if (next < 0) return out;
    out.push(queues[next]![position[next]!++]!);
    headSeq[next] = -1;
  }
}

/** Writes the records, each topic's in order, at once. */
async function produceAll(kafka: ReturnType<typeof kafkaClient>, topics: readonly string[], records: readonly SampleRecord[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.sendBatch({
    topicMessages: topics.map((topic) => ({
      topic,
      messages: records.filter((r) => r.topic === topic).map((r) => ({ key: r.key, value: JSON.stringify(r.value), timestamp: String(r.timestamp) })),
    })),
  });
  await producer.disconnect();
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; stderr so far:\n${text}`)), timeoutMs);
    const onData = (d: Buffer) => {
      text += d.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}; stderr:\n${text}`)));
  });
}

/** SIGTERM, like Ctrl-C: resolves with the exit code and everything the process wrote to stderr since. */
function stop(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve({ code, stderr }));
    child.kill('SIGTERM');
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long a task waits for an empty input partition that has no lag (all input is produced at once). */
const IDLE_MS = 2_000;

const args = (t: Record<string, string>) => Object.entries(t).flatMap(([k, v]) => ['--topic', `${k}=${v}`]);

/** `kstreams run` options shared by the applications. */
const runOptions = (bootstrap: string) => ['--bootstrap-servers', bootstrap, '--processing-guarantee', 'exactly_once_v2', '--config', 'commit.interval.ms=100', '--config', `max.task.idle.ms=${IDLE_MS}`];

describe('the seed topologies on a real broker (kstreams CLI, exactly_once_v2)', { timeout: 300_000 }, () => {
  const running: ChildProcess[] = [];
  afterAll(() => {
    for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('order-fill then order-hierarchy: the outputs equal the TopologyTestDriver outputs for the same input', async () => {
    const B = bootstrapServers();
    const u = uniqueName('seed');
    const names = ['orders', 'fills', 'order-state', 'orders-filled', 'order-anomalies', 'parent-order-state', 'parent-orders-filled'];
    const topics = Object.fromEntries(names.map((n) => [n, `${u}-${n}`]));
    const fillTopics = { orders: topics.orders!, fills: topics.fills!, 'order-state': topics['order-state']!, 'orders-filled': topics['orders-filled']!, 'order-anomalies': topics['order-anomalies']! };
    const hierarchyTopics = { 'order-state': topics['order-state']!, 'parent-order-state': topics['parent-order-state']!, 'parent-orders-filled': topics['parent-orders-filled']! };
    // held fills are checked at every stream-time advance, so that expiry does not depend on when a check falls
    const fillOptions = { unknownOrderCheckIntervalMs: 1 };

    // the topics (one partition: the hierarchy's input order is then the order-state topic's order)
    const created = await kstreams(['topics', 'order-fill', '--create', '--bootstrap-servers', B, ...args(fillTopics)]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.match(/^created/gm)).toHaveLength(5);
    const created2 = await kstreams(['topics', 'order-hierarchy', '--create', '--bootstrap-servers', B, ...args(hierarchyTopics)]);
    expect(created2.stdout).toContain(`exists   input   ${topics['order-state']}`);

    // the input: kstreams produce's sample data
    const produced = await kstreams(['produce', 'order-fill', '--count', '36', '--seed', '20', ...args({ orders: topics.orders!, fills: topics.fills! })]);
    expect(produced.code, produced.stderr).toBe(0);
    const records = jsonLines(produced.stdout) as SampleRecord[];

    // the applications, as a user starts them
    const stateDir = mkdtempSync(path.join(tmpdir(), 'kstreams-it-'));
    const common = runOptions(B);
    const fillApp = spawnKstreams(['run', 'order-fill', ...common, '--application-id', `${u}-fill`, '--state-dir', path.join(stateDir, 'fill'), ...args(fillTopics), '--option', 'unknownOrderCheckIntervalMs=1']);
    const hierarchyApp = spawnKstreams(['run', 'order-hierarchy', ...common, '--application-id', `${u}-hierarchy`, '--state-dir', path.join(stateDir, 'hierarchy'), ...args(hierarchyTopics)]);
    running.push(fillApp, hierarchyApp);
    await Promise.all([waitForLine(fillApp, /order-fill is running/, 90_000), waitForLine(hierarchyApp, /order-hierarchy is running/, 90_000)]);

    // feed it, all at once: the task waits for whichever input partition has data coming (max.task.idle.ms)
    const kafka = kafkaClient(uniqueName('feed'));
    const admin = kafka.admin();
    await admin.connect();
    const inputs = [topics.orders!, topics.fills!];
    await produceAll(kafka, inputs, records);
    await processedAll(admin, `${u}-fill`, inputs);
    await admin.disconnect();

    // order-fill: Kafka's outputs, per topic and key, equal the driver's for the same input in the task's order
    const ordered = processingOrder(records, inputs);
    expect(ordered).not.toEqual(records); // out-of-order event times: the order differs from the produced one
    const expectedFill = await driverOutputs('order-fill', fillTopics, ordered, fillOptions);
    const kinds = new Set(expectedFill.filter((r) => r.topic === topics['order-anomalies']).map((r) => (r.value as { kind: string }).kind));
    expect(kinds).toEqual(new Set(['DUPLICATE_FILL', 'OVERFILL', 'FILL_AFTER_CANCEL', 'LATE_CANCEL', 'UNKNOWN_ORDER']));
    const fillOutputs = [topics['order-state']!, topics['orders-filled']!, topics['order-anomalies']!];
    const seenFill = await consume(fillOutputs, expectedFill.length);
    expect(seenFill).toHaveLength(expectedFill.length);
    expect(byTopicAndKey(seenFill)).toEqual(byTopicAndKey(expectedFill));

    // order-hierarchy: over the order-state topic as order-fill wrote it (one partition: in that order)
    const orderStates: SampleRecord[] = seenFill.filter((r) => r.topic === topics['order-state']).map((r) => ({ topic: r.topic, key: r.key, value: r.value, timestamp: r.timestamp }));
    const expectedHierarchy = await driverOutputs('order-hierarchy', hierarchyTopics, orderStates);
    expect(expectedHierarchy.some((r) => r.topic === topics['parent-orders-filled'])).toBe(true);
    const seenHierarchy = await consume([topics['parent-order-state']!, topics['parent-orders-filled']!], expectedHierarchy.length);
    expect(seenHierarchy).toHaveLength(expectedHierarchy.length);
    expect(byTopicAndKey(seenHierarchy)).toEqual(byTopicAndKey(expectedHierarchy));

    // Ctrl-C (SIGTERM): both stop cleanly
    for (const [app, name] of [[fillApp, 'order-fill'], [hierarchyApp, 'order-hierarchy']] as const) {
      const { code, stderr } = await stop(app);
      expect(code, stderr).toBe(0);
      expect(stderr).toContain(`kstreams: ${name} stopped cleanly`);
    }

    // started again without its local state, order-fill restores its stores from their changelogs, showing progress
    const again = spawnKstreams(['run', 'order-fill', ...common, '--application-id', `${u}-fill`, '--state-dir', path.join(stateDir, 'fill-again'), ...args(fillTopics)]);
    running.push(again);
    let log = '';
    again.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    await waitForLine(again, /order-fill is running/, 90_000);
    const changelog = `${u}-fill-order-fill-state-changelog`;
    expect(log).toMatch(new RegExp(`restoring order-fill-state \\(${changelog}-0\\): \\d+ records to replay`));
    expect(log).toMatch(new RegExp(`order-fill-state \\(${changelog}-0\\) \\[#+\\] 100% `));
    expect(log).toMatch(new RegExp(`restored order-fill-state \\(${changelog}-0\\): \\d+ records in \\d+ ms`));
    expect((await stop(again)).code).toBe(0);
  });

  it('order-saga: the decisions equal the TopologyTestDriver decisions for the same input', async () => {
    const B = bootstrapServers();
    const u = uniqueName('saga');
    const topics = { 'payment-orders': `${u}-payment-orders`, 'stock-orders': `${u}-stock-orders`, 'order-decisions': `${u}-order-decisions` };
    const inputs = [topics['payment-orders'], topics['stock-orders']];
    const created = await kstreams(['topics', 'order-saga', '--create', '--bootstrap-servers', B, ...args(topics)]);
    expect(created.code, created.stderr).toBe(0);
    const produced = await kstreams(['produce', 'order-saga', '--count', '40', '--seed', '11', ...args(topics)]);
    expect(produced.code, produced.stderr).toBe(0);
    // windows close on stream time: a last answer far ahead closes every window, on Kafka as in the driver
    const end = Math.max(...(jsonLines(produced.stdout) as SampleRecord[]).map((r) => r.timestamp)) + 60_000;
    const flush = { orderId: 'FLUSH', status: 'ACCEPT', source: 'PAYMENT', eventTime: end };
    const records = [...(jsonLines(produced.stdout) as SampleRecord[]), { topic: inputs[0]!, key: 'FLUSH', value: flush, timestamp: end }];

    const app = spawnKstreams(['run', 'order-saga', ...runOptions(B), '--application-id', `${u}-saga`, '--state-dir', mkdtempSync(path.join(tmpdir(), 'kstreams-saga-')), ...args(topics)]);
    running.push(app);
    await waitForLine(app, /order-saga is running/, 90_000);
    const kafka = kafkaClient(uniqueName('feed'));
    const admin = kafka.admin();
    await admin.connect();
    await produceAll(kafka, inputs, records);
    await processedAll(admin, `${u}-saga`, inputs);
    await admin.disconnect();

    const expected = await driverOutputs('order-saga', topics, processingOrder(records, inputs));
    const decisions = expected.map((r) => r.value as { status: string });
    expect(new Set(decisions.map((d) => d.status))).toEqual(new Set(['CONFIRMED', 'REJECTED', 'ROLLBACK', 'TIMED_OUT']));
    expect(new Set(expected.map((r) => r.key)).size).toBe(expected.length); // one decision per order
    const seen = await consume([topics['order-decisions']], expected.length);
    expect(seen).toHaveLength(expected.length);
    expect(byTopicAndKey(seen)).toEqual(byTopicAndKey(expected));

    const { code, stderr } = await stop(app);
    expect(code, stderr).toBe(0);
  });

  it('kstreams produce --bootstrap-servers writes the same records it prints', async () => {
    const B = bootstrapServers();
    const u = uniqueName('produce');
    const t = { orders: `${u}-orders`, fills: `${u}-fills` };
    const targs = ['--topic', `orders=${t.orders}`, '--topic', `fills=${t.fills}`];
    const missing = await kstreams(['produce', 'order-fill', '--count', '5', '--bootstrap-servers', B, ...targs]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`topic(s) ${t.orders}, ${t.fills} do not exist on ${B}. Create them with: kstreams topics order-fill --create --bootstrap-servers ${B} --topic orders=${t.orders} --topic fills=${t.fills}`);
    expect((await kstreams(['topics', 'order-fill', '--create', '--partitions', '2', '--bootstrap-servers', B, ...targs])).code).toBe(0);
    const printed = jsonLines((await kstreams(['produce', 'order-fill', '--count', '8', '--seed', '3', ...targs])).stdout) as SampleRecord[];
    const sent = await kstreams(['produce', 'order-fill', '--count', '8', '--seed', '3', '--bootstrap-servers', B, ...targs]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stderr).toContain(`kstreams: produced ${printed.length} records to ${B}`);
    const seen = await consume([t.orders, t.fills], printed.length, 30_000);
    expect(byTopicAndKey(seen)).toEqual(byTopicAndKey(printed.map((r) => ({ ...r, key: r.key! }))));
  });
});
