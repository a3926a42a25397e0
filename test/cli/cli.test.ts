// The kstreams command line, spawned as a user runs it: real processes, real output, real exit codes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Serdes, StreamsBuilder } from '../../src/index.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import { TOPOLOGIES, type SampleRecord } from '../../topologies/index.js';
import { jsonLines, kstreams } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kstreams-cli-'));

/** What the embedded runner must print for `records`: after each input, each output topic's new records. */
async function expectedRun(name: string, records: readonly SampleRecord[]): Promise<unknown[]> {
  const module = TOPOLOGIES[name]!;
  const b = new StreamsBuilder();
  module.add(b);
  const driver = new TopologyTestDriver(b.build(), { 'application.id': 'expected' }, 0);
  const S = Serdes.String();
  const inputs = new Map(module.topics.filter((t) => t.direction === 'input').map((t) => [t.name, driver.createInputTopic(t.name, S, Serdes.Json<unknown>())]));
  const outputs = module.topics.filter((t) => t.direction === 'output').map((t) => [t.name, driver.createOutputTopic(t.name, S, t.valueSerde?.() ?? Serdes.Json<unknown>())] as const);
  const printed: unknown[] = [];
  for (const r of records) {
    await inputs.get(r.topic)!.pipeInput(r.key as string, r.value, r.timestamp);
    for (const [topic, out] of outputs) for (const o of out.readRecordsToList()) printed.push({ topic, key: o.key, value: o.value, timestamp: o.timestamp });
  }
  await driver.close();
  return printed;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

// every test spawns a few processes (about a second each)
describe('kstreams (the command line)', { timeout: 90_000 }, () => {
  let sample: string;
  let sampleRecords: SampleRecord[];

  beforeAll(async () => {
    const produced = await kstreams(['produce', 'order-fill', '--count', '25', '--seed', '5']);
    expect(produced.code, produced.stderr).toBe(0);
    sample = produced.stdout;
    sampleRecords = jsonLines(sample) as SampleRecord[];
  }, 60_000);

  it('--help everywhere, exit code 0', async () => {
    const top = await kstreams(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['run', 'describe', 'produce', 'topics', 'demo', 'list']) expect(top.stdout).toContain(c);
    expect(top.stdout).toContain('order-fill, order-hierarchy');
    for (const c of ['run', 'describe', 'produce', 'topics']) {
      const r = await kstreams([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout).toContain(`Usage: kstreams ${c} [options] <topology>`);
    }
    expect((await kstreams(['run', '--help'])).stdout).toContain('--processing-guarantee');
  });

  it('produce: realistic, seeded JSON lines; the same seed gives the same records', async () => {
    expect(sampleRecords).toEqual(await TOPOLOGIES['order-fill']!.sample({ count: 25, seed: 5 }));
    expect(new Set(sampleRecords.map((r) => r.topic))).toEqual(new Set(['orders', 'fills']));
    const again = await kstreams(['produce', 'order-fill', '--count', '25', '--seed', '5']);
    expect(again.stdout).toBe(sample);
    const other = await kstreams(['produce', 'order-fill', '--count', '25', '--seed', '6']);
    expect(other.stdout).not.toBe(sample);
    const renamed = await kstreams(['produce', 'order-fill', '--count', '2', '--topic', 'orders=o2', '--topic', 'fills=f2']);
    expect(new Set((jsonLines(renamed.stdout) as SampleRecord[]).map((r) => r.topic))).toEqual(new Set(['o2', 'f2']));
  });

  it('produce --rate throttles', async () => {
    const fast = await kstreams(['produce', 'sample-order-counts', '--count', '10']);
    const slow = await kstreams(['produce', 'sample-order-counts', '--count', '10', '--rate', '20']);
    expect(slow.code).toBe(0);
    const n = jsonLines(slow.stdout).length;
    expect(slow.stdout).toBe(fast.stdout);
    // a lower bound only: throttling makes it at least this long, whatever the machine's load
    expect(slow.ms).toBeGreaterThanOrEqual(((n - 1) / 20) * 1000); // n records at 20/s
  });

  it('run (embedded): reads JSON lines from a file or stdin and prints exactly what the engine outputs', async () => {
    const file = path.join(dir, 'orders.jsonl');
    writeFileSync(file, sample);
    const fromFile = await kstreams(['run', 'order-fill', '--input', file]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const expected = await expectedRun('order-fill', sampleRecords);
    expect(jsonLines(fromFile.stdout)).toEqual(expected);
    expect(fromFile.stderr).toContain(`order-fill: ${sampleRecords.length} input records processed, ${expected.length} output records`);
    const fromStdin = await kstreams(['run', 'order-fill'], { stdin: sample });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
  });

  it('run order-hierarchy on the order-state that produce derives for it', async () => {
    const states = await kstreams(['produce', 'order-hierarchy', '--count', '25', '--seed', '5']);
    expect(states.code).toBe(0);
    const records = jsonLines(states.stdout) as SampleRecord[];
    expect(new Set(records.map((r) => r.topic))).toEqual(new Set(['order-state']));
    const run = await kstreams(['run', 'order-hierarchy'], { stdin: states.stdout });
    expect(run.code, run.stderr).toBe(0);
    expect(jsonLines(run.stdout)).toEqual(await expectedRun('order-hierarchy', records));
  });

  it('run: a malformed line is reported with its line number, the others are processed, and the exit code is 3', async () => {
    const lines = sample.trimEnd().split('\n');
    const bad = [
      ...lines.slice(0, 3),
      '{"topic":"orders","key":"X"', // line 4: not JSON
      '{"topic":"trades","key":"X","value":{}}', // line 5: not an input topic
      JSON.stringify({ topic: 'fills', key: 'X', value: { fillId: 'F', orderId: 'X', quantity: 'ten', price: 1, eventTime: 5 } }), // line 6
      '[1,2]', // line 7
      ...lines.slice(3),
    ].join('\n');
    const r = await kstreams(['run', 'order-fill'], { stdin: bad });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('kstreams: stdin:4: not valid JSON');
    expect(r.stderr).toContain('kstreams: stdin:5: topic "trades" is not an input of this topology (its inputs: orders, fills)');
    expect(r.stderr).toContain('kstreams: stdin:6: "value" is not a valid fill record (schemas/fill.avsc): quantity: "ten" is not a valid long');
    expect(r.stderr).toContain('kstreams: stdin:7: expected a JSON object');
    expect(r.stderr).toContain('4 input line(s) rejected');
    // nothing lost: every good line was processed
    expect(jsonLines(r.stdout)).toEqual(await expectedRun('order-fill', sampleRecords));
  });

  it('unknown topology: says so, lists the known ones, exit code 2', async () => {
    for (const cmd of [['run'], ['describe'], ['produce'], ['topics']]) {
      const r = await kstreams([...cmd, 'order-fills']);
      expect(r.code, cmd[0]).toBe(2);
      expect(r.stderr).toContain('unknown topology "order-fills". Known topologies: order-fill, order-hierarchy, order-saga, sample-order-counts. Did you mean order-fill?');
    }
  });

  it('usage errors say what is wrong, exit code 2', async () => {
    const cases: Array<[string[], string]> = [
      [['produce', 'order-fill', '--count', 'many'], "option '-n, --count <n>' argument 'many' is invalid. --count must be an integer."],
      [['run', 'order-fill', '--input', path.join(dir, 'missing.jsonl')], 'no such file'],
      [['run', 'order-fill', '--topic', 'trades=x'], 'order-fill has no topic "trades"; its topics are orders, fills, order-state, orders-filled, order-anomalies'],
      [['run', 'order-fill', '--option', 'graceMs=5'], 'order-fill has no option "graceMs"; its options are unknownOrderGraceMs, unknownOrderCheckIntervalMs, storeType'],
      [['run', 'order-fill', '--config', 'nonsense'], '--config expects key=value'],
      [['run', 'order-fill', '--state-dir', '/tmp/x'], '--state-dir is for running on Kafka: add --bootstrap-servers'],
      [['run', 'order-fill', '--processing-guarantee', 'twice'], "argument 'twice' is invalid. Allowed choices are at_least_once, exactly_once_v2."],
      [['topics', 'order-fill', '--create'], '--create needs --bootstrap-servers'],
      [['nonsense'], "unknown command 'nonsense'"],
    ];
    for (const [args, message] of cases) {
      const r = await kstreams(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
    }
  });

  it('an unreachable broker is reported as such, quickly, exit code 1', async () => {
    const broker = `127.0.0.1:${await closedPort()}`;
    for (const args of [
      ['run', 'order-fill', '--bootstrap-servers', broker],
      ['produce', 'order-fill', '--count', '1', '--bootstrap-servers', broker],
      ['topics', 'order-fill', '--create', '--bootstrap-servers', broker],
    ]) {
      const r = await kstreams(args, { timeoutMs: 30_000 });
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr).toContain(`kstreams: cannot reach the Kafka broker at ${broker}`);
      expect(r.stderr).toContain("Start a local one with 'npm run kafka -- start'");
      expect(r.ms).toBeLessThan(20_000);
    }
  });

  it("describe prints Java's describe() text, or a Mermaid diagram", async () => {
    const text = await kstreams(['describe', 'order-fill']);
    expect(text.code).toBe(0);
    const b = new StreamsBuilder();
    TOPOLOGIES['order-fill']!.add(b);
    expect(text.stdout.trimEnd()).toBe(b.build().describe().toString().trimEnd());
    const mermaid = await kstreams(['describe', 'order-hierarchy', '--format', 'mermaid']);
    expect(mermaid.code).toBe(0);
    const lines = mermaid.stdout.split('\n');
    expect(lines[0]).toBe('flowchart LR');
    expect(lines).toContain('  subgraph sub0["Sub-topology 0"]');
    expect(lines).toContain('  subgraph sub1["Sub-topology 1"]');
    expect(lines).toContain('  t_order_hierarchy_by_parent_repartition[/"order-hierarchy-by-parent-repartition"/]');
    expect(lines).toContain('  s_parent_order_state[("parent-order-state")]');
    expect(lines).toContain('  t_order_state --> n_KSTREAM_SOURCE_0000000000');
    expect(lines).toContain('  n_order_hierarchy_aggregate_sink --> t_order_hierarchy_by_parent_repartition');
    expect(lines).toContain('  t_order_hierarchy_by_parent_repartition --> n_order_hierarchy_aggregate_source');
    expect(lines).toContain('  n_order_hierarchy_aggregate -.- s_parent_order_state');
  });

  it('topics lists the topology topics; list lists the topologies', async () => {
    const t = await kstreams(['topics', 'order-fill', '--topic', 'fills=my-fills']);
    expect(t.code).toBe(0);
    expect(t.stdout.split('\n').map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'input orders order-event',
      'input my-fills fill',
      'output order-state order-state',
      'output orders-filled order-state',
      'output order-anomalies order-anomaly',
      '',
    ]);
    const l = await kstreams(['list']);
    expect(l.stdout).toContain('order-hierarchy: Parent/child hierarchies');
  });

  it('demo (npm run demo) runs order-fill on sample data and prints the order states', async () => {
    const r = await kstreams(['demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('87 records in, 104 out. Final order states:');
    expect(r.stdout).toContain('  ORD-0010    BUY  TSLA  OVERFILLED       filled 430/400 avg 238.60 in 3 fill(s)');
  });
});
