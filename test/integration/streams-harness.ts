/**
 * Helpers of the KafkaStreams fault tests: topics, paced input, the counting app as a child process
 * (fixtures/counting-app.ts), and the exactly-once / at-least-once checks of its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKafkaJsClient, type ConsumerRecord, type KafkaClient } from '../../src/kafka/index.js';
import { inputRecord, parseTotal, type Total } from './fixtures/counting-topology.js';
import { bootstrapServers, kafkaClient } from './kafka.js';

const APP = fileURLToPath(new URL('./fixtures/counting-app.ts', import.meta.url));

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export function tempStateDir(): string {
  return mkdtempSync(join(tmpdir(), 'ks-it-'));
}

export async function createTopics(topics: ReadonlyArray<{ topic: string; partitions: number }>): Promise<void> {
  const admin = kafkaClient('setup-admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.partitions })), waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Produces input records [from, to) of the counting topology, in chunks, optionally paced. */
export async function produceInput(topic: string, from: number, to: number, keys: number, pace?: { chunk: number; everyMs: number }): Promise<void> {
  const producer = kafkaClient('input-producer').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const chunk = pace?.chunk ?? 10_000;
    for (let start = from; start < to; start += chunk) {
      const began = Date.now();
      const messages = [];
      for (let i = start; i < Math.min(to, start + chunk); i++) {
        const r = inputRecord(i, keys);
        messages.push({ key: r.key, value: r.value });
      }
      await producer.send({ topic, messages });
      if (pace !== undefined) await sleep(Math.max(0, pace.everyMs - (Date.now() - began)));
    }
  } finally {
    await producer.disconnect();
  }
}

export interface AppEvent {
  readonly event: string;
  readonly state?: string;
  readonly old?: string;
  readonly tasks?: string[];
  readonly clean?: boolean;
}

/** One counting-app child process. */
export class ChildApp {
  readonly events: AppEvent[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly proc: ChildProcess;
  private done = false;

  constructor(
    readonly name: string,
    config: { applicationId: string; input: string; output: string; guarantee: string; stateDir: string; props?: Record<string, unknown> },
    env: Record<string, string> = {},
  ) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', APP], {
      env: { ...process.env, KSTREAMS_LOG_LEVEL: 'warn', ...env, KS_APP: JSON.stringify({ bootstrapServers: bootstrapServers(), ...config }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    this.proc.stdout!.on('data', (d: Buffer) => {
      pending += d.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        try {
          this.events.push(JSON.parse(line) as AppEvent);
        } catch {
          // not an event line
        }
      }
    });
    this.proc.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString('utf8');
      if (this.stderr.length > 1_000_000) this.stderr = this.stderr.slice(-500_000);
    });
    this.exited = new Promise((resolve) =>
      this.proc.once('exit', (code, signal) => {
        this.done = true;
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get running(): boolean {
    return !this.done;
  }

  state(): string | undefined {
    return [...this.events].reverse().find((e) => e.event === 'state')?.state;
  }

  tasks(): string[] {
    return [...this.events].reverse().find((e) => e.event === 'tasks')?.tasks ?? [];
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.done) this.proc.kill(signal);
  }

  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  async waitFor(what: string, condition: (app: ChildApp) => boolean, timeoutMs = 60_000): Promise<void> {
    await waitUntil(`${this.name}: ${what}`, () => {
      if (condition(this)) return true;
      if (this.done) throw new Error(`${this.name} exited while waiting for ${what}; stderr:\n${this.stderr.slice(-3000)}`);
      return false;
    }, timeoutMs);
  }
}

/** Follows the output topic (read_committed) while the apps run: which input ids were seen. */
export class OutputFollower {
  readonly ids = new Set<number>();
  records = 0;
  private readonly consumer;

  constructor(private readonly topic: string, groupId: string) {
    this.consumer = kafkaClient(groupId).consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 100 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          this.records++;
          this.ids.add(parseTotal(m.value!.toString('utf8')).lastId);
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** Reads a whole topic from the beginning to its end (read_committed), through the client port. */
export async function readTopic(topic: string, partitions: number): Promise<ConsumerRecord[]> {
  const client: KafkaClient = createKafkaJsClient({ bootstrapServers: bootstrapServers(), clientId: 'verify' });
  try {
    const reader = await client.partitionReader({ isolationLevel: 'read_committed', maxWaitTimeMs: 100 });
    const records: ConsumerRecord[] = [];
    await reader.readToEnd(
      Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 'earliest' as const })),
      (batch) => void records.push(...batch.records),
      { timeoutMs: 60_000 },
    );
    return records;
  } finally {
    await client.close();
  }
}

/** The expected final totals and the ids of each key, for input records [0, n). */
export function oracle(n: number, keys: number): Map<string, { total: Total; ids: Set<number>; amounts: Map<number, number> }> {
  const out = new Map<string, { total: Total; ids: Set<number>; amounts: Map<number, number> }>();
  for (let i = 0; i < n; i++) {
    const r = inputRecord(i, keys);
    let e = out.get(r.group);
    if (e === undefined) out.set(r.group, (e = { total: { count: 0, sum: 0, lastId: -1 }, ids: new Set(), amounts: new Map() }));
    e.total = { count: e.total.count + 1, sum: e.total.sum + r.amount, lastId: i };
    e.ids.add(i);
    e.amounts.set(i, r.amount);
  }
  return out;
}

/** Output records grouped by key, in offset order (one key always lands in one partition). */
export function byKey(records: readonly ConsumerRecord[]): Map<string, Total[]> {
  const out = new Map<string, Total[]>();
  const sorted = [...records].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  for (const r of sorted) {
    const key = r.key!.toString('utf8');
    let list = out.get(key);
    if (list === undefined) out.set(key, (list = []));
    list.push(parseTotal(r.value!.toString('utf8')));
  }
  return out;
}

/**
 * Exactly-once: per key, counts 1..N exactly once and in order, each step adds the amount of the record
 * it names, every input id of the key appears once, and the last total is the oracle's. Returns the
 * problems found (empty: exactly once).
 */
export function exactlyOnceProblems(records: readonly ConsumerRecord[], n: number, keys: number): string[] {
  const expected = oracle(n, keys);
  const seen = byKey(records);
  const problems: string[] = [];
  for (const [key, e] of expected) {
    const totals = seen.get(key) ?? [];
    const ids = new Set<number>();
    let previous: Total = { count: 0, sum: 0, lastId: -1 };
    for (const [i, t] of totals.entries()) {
      if (t.count !== i + 1) {
        problems.push(`${key}: output #${i + 1} has count ${t.count} (previous ${previous.count})`);
        break;
      }
      const amount = e.amounts.get(t.lastId);
      if (amount === undefined) problems.push(`${key}: count ${t.count} names id ${t.lastId}, not an input of this key`);
      else if (t.sum - previous.sum !== amount) problems.push(`${key}: count ${t.count} adds ${t.sum - previous.sum}, record ${t.lastId} has ${amount}`);
      if (ids.has(t.lastId)) problems.push(`${key}: id ${t.lastId} counted twice`);
      ids.add(t.lastId);
      previous = t;
    }
    if (totals.length !== e.total.count) problems.push(`${key}: ${totals.length} outputs, expected ${e.total.count}`);
    if (previous.count !== e.total.count || previous.sum !== e.total.sum) {
      problems.push(`${key}: final ${previous.count}/${previous.sum}, expected ${e.total.count}/${e.total.sum}`);
    }
    if (problems.length > 20) break;
  }
  for (const key of seen.keys()) if (!expected.has(key)) problems.push(`unexpected key ${key}`);
  return problems;
}

/** At-least-once: every input id appears in the output (duplicates allowed), as the last id of a total. */
export function missingIds(records: readonly ConsumerRecord[], n: number): number[] {
  const ids = new Set(records.map((r) => parseTotal(r.value!.toString('utf8')).lastId));
  const missing: number[] = [];
  for (let i = 0; i < n; i++) if (!ids.has(i)) missing.push(i);
  return missing;
}
