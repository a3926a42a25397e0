/**
 * The crash soak's orchestrator, after Kafka's exactly-once system test (StreamsEosTest): a producer writes
 * keyed records to `data` continuously while N instances of the soak topology (instance.ts, child
 * processes with their own state folders) run under exactly_once_v2; one instance at a time is SIGKILLed
 * and restarted, in rotation, at random intervals; optionally the broker is restarted once half-way.
 * Then the producer stops, the outputs drain, the instances close cleanly (SIGTERM, exit code 0), a
 * marker goes to each output partition, and the verifier (verifier.ts) checks everything read_committed.
 * Used by `npm run soak` (main.ts) and by the CI short run (test/integration/soak.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKafkaJsClient, type KafkaClient, type ProducerRecord } from '../../src/kafka/index.js';
import type { InstanceConfig } from './instance.js';
import { KEYS, OUTPUTS, PARTITIONS, keyName, randomValue, soakTopics, type SoakTopics } from './topology.js';
import { SoakVerifier, markerRecords, type Verdict } from './verifier.js';

const INSTANCE = fileURLToPath(new URL('./instance.ts', import.meta.url));
/** The drain gives up once the outputs have not grown for this long. */
const STALL_MS = 60_000;

export interface SoakOptions {
  readonly bootstrapServers: string;
  readonly durationMs: number;
  readonly instances: number;
  /** Mean time between kills; each wait is uniform in [0.5, 1.5] × this. */
  readonly killIntervalMs: number;
  /** Input records per second. */
  readonly rate: number;
  /** Prefix of the topic names (empty on a broker of its own). */
  readonly topicPrefix: string;
  readonly applicationId: string;
  /** exactly_once_v2; at_least_once shows what the verifier catches. */
  readonly guarantee: string;
  /** State folders and instance logs go here. */
  readonly workDir: string;
  /** Restarts the broker (once, half-way through the run) when given. */
  readonly restartBroker?: () => Promise<void>;
  /** Longest wait for the outputs to catch up with the input after the producer stopped. */
  readonly drainTimeoutMs: number;
  readonly log: (message: string) => void;
}

export interface SoakResult {
  readonly guarantee: string;
  readonly durationMs: number;
  readonly kills: number;
  readonly brokerRestarts: number;
  /** Records the producer had acknowledged. */
  readonly produced: number;
  readonly sendErrors: number;
  /** Instances that did not close cleanly at the end (exit code other than 0). */
  readonly uncleanStops: string[];
  /** Instances that exited during the run without being killed (their client failed). */
  readonly crashes: string[];
  readonly verdict: Verdict;
  /** Everything checked and nothing wrong. */
  readonly passed: boolean;
}

/** The report printed at the end of a run. */
export function summary(r: SoakResult): string {
  const v = r.verdict;
  const lines = [
    `soak ${r.passed ? 'PASSED' : 'FAILED'} (${r.guarantee}) after ${(r.durationMs / 60_000).toFixed(1)} min: ${r.kills} kills, ${r.brokerRestarts} broker restarts`,
    `  produced ${r.produced} (send errors ${r.sendErrors}), input read back ${v.inputRecords}`,
    `  output records verified ${v.verified}; lost ${v.lost}, duplicated ${v.duplicated}, wrong ${v.wrong}`,
    ...Object.entries(v.perTopic).map(([t, c]) => `    ${t.padEnd(12)} verified ${c.verified}, lost ${c.lost}, duplicated ${c.duplicated}, wrong ${c.wrong}`),
    `  open transactions (markers not readable): ${v.markersMissing.length === 0 ? 'none' : v.markersMissing.join(', ')}`,
    `  unclean instance stops: ${r.uncleanStops.length === 0 ? 'none' : r.uncleanStops.join(', ')}`,
    `  instance crashes: ${r.crashes.length === 0 ? 'none' : r.crashes.join(', ')}`,
    ...v.messages.map((m) => `  ! ${m}`),
  ];
  return lines.join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One instance slot: a child process that is killed and started again, its output appended to one log. */
class Instance {
  private proc: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  private stopping = false;
  /** Exits nobody asked for (the client failed): the soak fails, the rotation restarts the instance. */
  readonly crashes: string[] = [];

  constructor(
    readonly name: string,
    private readonly config: InstanceConfig,
    private readonly logFile: string,
  ) {}

  start(): void {
    const fd = openSync(this.logFile, 'a');
    try {
      const proc = spawn(process.execPath, ['--import', 'tsx', INSTANCE], {
        env: { ...process.env, KSTREAMS_LOG_LEVEL: process.env.KSTREAMS_LOG_LEVEL ?? 'warn', SOAK_INSTANCE: JSON.stringify(this.config) },
        stdio: ['ignore', fd, fd],
      });
      this.proc = proc;
      this.stopping = false;
      this.exited = new Promise((resolve) =>
        proc.once('exit', (code, signal) => {
          if (!this.stopping) this.crashes.push(`${this.name} exited by itself at ${new Date().toISOString()} (${code ?? signal})`);
          resolve(code);
        }),
      );
    } finally {
      closeSync(fd);
    }
  }

  async kill(): Promise<void> {
    this.stopping = true;
    this.proc?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and the exit code (null if it had to be killed after `timeoutMs`). */
  async stop(timeoutMs: number): Promise<number | null> {
    this.stopping = true;
    this.proc?.kill('SIGTERM');
    const timer = setTimeout(() => this.proc?.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const started = Date.now();
  const topics = soakTopics(opts.topicPrefix);
  const client = createKafkaJsClient({ bootstrapServers: opts.bootstrapServers, clientId: 'soak' });
  const instances: Instance[] = [];
  try {
    await createTopics(client, topics);
    mkdirSync(opts.workDir, { recursive: true });
    for (let i = 0; i < opts.instances; i++) {
      const name = `instance-${i + 1}`;
      const config: InstanceConfig = {
        bootstrapServers: opts.bootstrapServers,
        applicationId: opts.applicationId,
        guarantee: opts.guarantee,
        stateDir: path.join(opts.workDir, `state-${i + 1}`),
        topicPrefix: opts.topicPrefix,
      };
      instances.push(new Instance(name, config, path.join(opts.workDir, `${name}.log`)));
    }
    for (const instance of instances) instance.start();
    opts.log(`${opts.instances} instances started (logs and state in ${opts.workDir}); producing ${opts.rate} records/s for ${opts.durationMs / 1000} s`);

    const end = started + opts.durationMs;
    let kills = 0;
    let brokerRestarts = 0;
    const producer = new InputProducer(client, topics, opts.rate, opts.log);
    const producing = producer.run(() => Date.now() >= end);
    const progress = setInterval(() => opts.log(`${Math.round((Date.now() - started) / 1000)} s: ${producer.produced} produced, ${kills} kills`), 30_000);
    const bounce = async (): Promise<void> => {
      if (opts.restartBroker === undefined) return;
      await sleep(opts.durationMs / 2);
      opts.log('restarting the broker');
      await opts.restartBroker();
      brokerRestarts++;
    };
    const rotate = async (): Promise<void> => {
      for (;;) {
        await sleep(Math.min(opts.killIntervalMs * (0.5 + Math.random()), end - Date.now()));
        if (Date.now() >= end) return;
        const victim = instances[kills % instances.length]!;
        await victim.kill();
        kills++;
        opts.log(`killed ${victim.name} (kill ${kills}), restarting it`);
        victim.start();
      }
    };
    try {
      await Promise.all([producing, rotate(), bounce()]);
    } finally {
      clearInterval(progress);
    }

    const verifier = new SoakVerifier(client, topics);
    try {
      const input = await verifier.loadInput();
      opts.log(`producer stopped: ${producer.produced} acknowledged, ${input} in ${topics.input}; draining`);
      const drainEnd = Date.now() + opts.drainTimeoutMs;
      let outstanding: number;
      // outputs that stopped growing will not drain (wrong values never match what is expected)
      let read = -1;
      let lastGrowth = Date.now();
      for (;;) {
        await verifier.readOutputs();
        outstanding = Object.values(verifier.outstanding()).reduce((a, b) => a + b, 0);
        if (verifier.recordsRead > read) [read, lastGrowth] = [verifier.recordsRead, Date.now()];
        if (outstanding === 0 || Date.now() > drainEnd || Date.now() - lastGrowth > STALL_MS) break;
        await sleep(1000);
      }
      opts.log(`${outstanding === 0 ? 'drained' : `not drained in time (${outstanding} output records missing)`}; stopping the instances`);
      const codes = await Promise.all(instances.map((i) => i.stop(60_000)));
      const uncleanStops = instances.flatMap((inst, i) => (codes[i] === 0 ? [] : [`${inst.name}: exit ${codes[i]}`]));

      // Plain writes: readable under read_committed only if no transaction is open before them.
      const markers = await client.producer();
      await markers.send(markerRecords(topics));
      await markers.close();
      const markerEnd = Date.now() + 60_000;
      while (verifier.markersSeen() < OUTPUTS.length * PARTITIONS && Date.now() < markerEnd) {
        await sleep(500);
        await verifier.readOutputs();
      }
      const verdict = verifier.verdict();
      const crashes = instances.flatMap((i) => i.crashes);
      const passed =
        verdict.lost + verdict.duplicated + verdict.wrong === 0 &&
        crashes.length === 0 &&
        verdict.markersMissing.length === 0 &&
        uncleanStops.length === 0 &&
        verdict.inputRecords > 0 &&
        (producer.sendErrors > 0 || verdict.inputRecords === producer.produced);
      return { guarantee: opts.guarantee, durationMs: Date.now() - started, kills, brokerRestarts, produced: producer.produced, sendErrors: producer.sendErrors, uncleanStops, crashes, verdict, passed };
    } finally {
      await verifier.close();
    }
  } finally {
    await Promise.all(instances.map((i) => i.kill()));
    await client.close();
  }
}

async function createTopics(client: KafkaClient, topics: SoakTopics): Promise<void> {
  const admin = await client.admin();
  try {
    await admin.createTopics([topics.input, ...Object.values(topics.outputs)].map((topic) => ({ topic, partitions: PARTITIONS })));
  } finally {
    await admin.close();
  }
}

/** Writes random keyed records at a steady rate (an idempotent producer: no duplicates on retries). */
class InputProducer {
  produced = 0;
  sendErrors = 0;

  constructor(
    private readonly client: KafkaClient,
    private readonly topics: SoakTopics,
    private readonly rate: number,
    private readonly log: (message: string) => void,
  ) {}

  async run(done: () => boolean): Promise<void> {
    const producer = await this.client.producer();
    const tickMs = 100;
    try {
      for (let tick = Date.now(); !done(); tick += tickMs) {
        const records: ProducerRecord[] = [];
        for (let i = 0; i < (this.rate * tickMs) / 1000; i++) {
          const k = Math.floor(Math.random() * KEYS);
          const value = Buffer.alloc(4);
          value.writeInt32BE(randomValue(k));
          records.push({ topic: this.topics.input, key: Buffer.from(keyName(k)), value });
        }
        try {
          await producer.send(records);
          this.produced += records.length;
        } catch (e) {
          // Possibly written anyway: the verifier checks the outputs against what `data` holds.
          this.sendErrors++;
          this.log(`input send failed: ${e instanceof Error ? e.message : String(e)}`);
        }
        await sleep(tick + tickMs - Date.now());
      }
    } finally {
      await producer.close();
    }
  }
}
