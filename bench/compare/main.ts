/**
 * `npm run bench:compare [-- options]`: the side-by-side benchmark of issue 8. For each reference topology
 * (bench/reference/topologies.ts, ReferenceTopologies.java) and guarantee, one after the other on the same
 * broker and the same pre-produced input, it runs ours (run-ours.ts), Apache Kafka Streams (BrokerBench.java)
 * and @kafkats/flow (run-flow.ts, for the topologies it can express), each in its own process with a fresh
 * application.id and default configs, and measures:
 *
 *  - throughput: input records / (last output - running), over `--records` pre-produced records (for
 *    @kafkats/flow, the first `--flow-records` of them: it runs at a few thousand records/s, so a million
 *    per run would take far longer than the 30 minutes the whole run may take);
 *  - CPU seconds and peak RSS of the runner process (/proc);
 *  - p50/p99 end-to-end latency at `--rate` records/s for `--seconds` (after `--warmup` seconds);
 *  - TopologyTestDriver throughput with in-memory stores, ours (run-driver.ts) vs Java's (DriverRunner.java
 *    throughput mode): Java's driver commits after every piped record, flushing its RocksDB stores each
 *    time, which makes it crawl (here 120k records took over 10 minutes) and would measure RocksDB flushes.
 *
 * Prints a ratio table and writes bench/results/compare-<date>.json and .svg. Runs from source with tsx
 * (the runners run compiled, from dist/), on a broker of its own (scripts/kafka/broker.ts) unless
 * KAFKA_BOOTSTRAP_SERVERS names one.
 *
 * Options (defaults in brackets): --records [1000000] --keys [10000] --partitions [6]
 *   --topologies [stateless,count,hopping-count,stream-join,order-fill] --guarantees [alos,eos]
 *   --runners [ours,java,flow] --phases [throughput,latency,driver] --rate [5000] --seconds [10]
 *   --warmup [3] --timeout [300] (seconds per throughput run at most) --budget [28] (minutes for the
 *   whole run) --driver-records [min(200000, --records)] --flow-records [min(50000, --records)]
 * A throughput run that exceeds its timeout is stopped and reported with its rate until then. The budget
 * sets the timeouts: what is left of it, less an estimate for the latency and driver runs still to come,
 * is shared among the throughput runs still to come (at least 30 s each), so that a full run (1M records,
 * 28 throughput runs, 28 latency runs of about 20 s, 10 driver runs) ends within it even on a slow machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBroker } from '../../scripts/kafka/broker.js';
import { ensureJavaBuilt, JAVA_CLASSPATH } from '../reference/java-driver.js';
import { isReferenceTopology, type ReferenceTopology } from '../reference/topologies.js';
import { kafkaClient, preProduce, recreateTopics } from './kafka.js';
import { chart, table, type CompareResults, type DriverResult } from './report.js';
import { latencyRun, throughputRun, type Guarantee, type LatencyResult, type RunContext, type RunnerCommand, type ThroughputResult } from './runs.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(ROOT, 'dist/bench/compare');

const { values: opt } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    keys: { type: 'string', default: '10000' },
    partitions: { type: 'string', default: '6' },
    topologies: { type: 'string', default: 'stateless,count,hopping-count,stream-join,order-fill' },
    guarantees: { type: 'string', default: 'alos,eos' },
    runners: { type: 'string', default: 'ours,java,flow' },
    phases: { type: 'string', default: 'throughput,latency,driver' },
    rate: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    timeout: { type: 'string', default: '300' },
    budget: { type: 'string', default: '28' },
    'driver-records': { type: 'string' },
    'flow-records': { type: 'string' },
  },
});
const startedAt = Date.now();
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const records = Number(opt.records);
const keys = Number(opt.keys);
const partitions = Number(opt.partitions);
const topologies = list(opt.topologies);
for (const t of topologies) if (!isReferenceTopology(t)) throw new Error(`unknown topology ${t}`);
const guarantees = list(opt.guarantees).map((g): Guarantee => (g === 'alos' ? 'at_least_once' : g === 'eos' ? 'exactly_once_v2' : (g as Guarantee)));
const phases = new Set(list(opt.phases));
const load = { rate: Number(opt.rate), seconds: Number(opt.seconds), warmupSeconds: Number(opt.warmup), keys };
const timeoutMs = Number(opt.timeout) * 1000;
const driverRecords = Number(opt['driver-records'] ?? Math.min(records, 200_000));
const flowRecords = Math.min(records, Number(opt['flow-records'] ?? 50_000));

/** The runners: how to start each, which topologies it can express, how many records it processes. */
const RUNNERS: Record<string, { command: RunnerCommand; topologies?: readonly string[]; records: number }> = {
  ours: { command: [process.execPath, join(DIST, 'run-ours.js')], records },
  java: { command: ['java', '-cp', JAVA_CLASSPATH, 'kstreams.reference.BrokerBench'], records },
  flow: { command: [process.execPath, join(DIST, 'run-flow.js')], topologies: ['stateless', 'count', 'hopping-count', 'stream-join'], records: flowRecords },
};
const runners = list(opt.runners);
for (const r of runners) if (!(r in RUNNERS)) throw new Error(`unknown runner ${r}; one of ${Object.keys(RUNNERS).join(', ')}`);
const runs = (topology: string) => runners.filter((r) => RUNNERS[r]!.topologies?.includes(topology) ?? true);

/** The runs still to come, and the timeout of the next throughput run under the budget. */
const left = {
  throughput: phases.has('throughput') ? topologies.reduce((sum, t) => sum + runs(t).length * guarantees.length, 0) : 0,
  latency: phases.has('latency') ? topologies.reduce((sum, t) => sum + runs(t).length * guarantees.length, 0) : 0,
  driver: phases.has('driver') ? topologies.length * runners.filter((r) => r === 'ours' || r === 'java').length : 0,
};
const deadline = startedAt + Number(opt.budget) * 60_000;
function throughputTimeoutMs(): number {
  // a latency run: start-up, warm-up, load, drain and close; a driver run: JVM start and JIT warm-up
  const reserved = left.latency * (load.warmupSeconds + load.seconds + 10) * 1000 + left.driver * 20_000;
  // each throughput run also spends about 10 s starting, closing and cleaning up
  const share = (deadline - Date.now() - reserved) / Math.max(1, left.throughput) - 10_000;
  return Math.max(30_000, Math.min(timeoutMs, share));
}

const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)} load ${loadavg()[0]!.toFixed(1)}] ${s}`);
const n = (x: number | null | undefined) => (x == null ? '-' : Math.round(x).toLocaleString('en'));

/** One JSON line from a process that prints one on success. */
function jsonLine(cmd: string, args: string[]): Record<string, unknown> {
  const res = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${res.status ?? res.signal}):\n${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

async function driverRun(topology: ReferenceTopology, runner: 'ours' | 'java'): Promise<DriverResult> {
  const warmup = Math.min(100_000, driverRecords);
  const loadAverage = loadavg()[0]!;
  const line =
    runner === 'ours'
      ? jsonLine(process.execPath, [join(DIST, 'run-driver.js'), topology, String(driverRecords), String(keys), String(warmup)])
      : jsonLine('java', ['-cp', JAVA_CLASSPATH, 'kstreams.reference.DriverRunner', `topology=${topology}`, 'mode=throughput', 'store=in_memory', `records=${driverRecords}`, `keys=${keys}`, `warmup=${warmup}`]);
  return { topology, runner, records: driverRecords, recordsPerSecond: Number(line.recordsPerSecond), loadAverage };
}

if (runners.includes('java') || phases.has('driver')) {
  log('building bench/reference-java (mvn package) if needed');
  ensureJavaBuilt();
}
const javaVersion = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0] ?? '';
const external = process.env.KAFKA_BOOTSTRAP_SERVERS?.trim();
const broker = external ? null : await startBroker({ log: (m) => log(m) });
const bootstrapServers = external ?? broker!.bootstrapServers;
const kafka = kafkaClient(bootstrapServers);
const admin = kafka.admin();
await admin.connect();
const results: CompareResults = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, node: process.version, java: javaVersion },
  options: { records, flowRecords, keys, partitions, topologies, guarantees, runners, phases: [...phases], load, timeoutSeconds: timeoutMs / 1000, budgetMinutes: Number(opt.budget), driverRecords },
  elapsedSeconds: 0,
  failures: [],
  throughput: [],
  latency: [],
  driver: [],
};
/** Runs one measurement; a failure is recorded and the run goes on (one runner's crash should not cost the rest). */
async function attempt(phase: keyof typeof left, topology: string, guarantee: string, runner: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    results.failures.push({ phase, topology, guarantee, runner, error });
    log(`  ${guarantee} ${runner}: FAILED ${error.split('\n')[0]}`);
  } finally {
    left[phase]--;
  }
}

try {
  for (const topology of topologies as ReferenceTopology[]) {
    const context = (guarantee: Guarantee, runner: string): RunContext => ({ kafka, admin, bootstrapServers, topology, guarantee, runner, command: RUNNERS[runner]!.command });
    if (phases.has('throughput')) {
      await recreateTopics(admin, topology, partitions);
      log(`${topology}: pre-producing ${n(records)} records`);
      log(`${topology}: pre-produced in ${(await preProduce(kafka, topology, records, keys)) / 1000} s`);
      for (const guarantee of guarantees) {
        for (const runner of runs(topology)) {
          await attempt('throughput', topology, guarantee, runner, async () => {
            const r: ThroughputResult = await throughputRun(context(guarantee, runner), RUNNERS[runner]!.records, throughputTimeoutMs());
            results.throughput.push(r);
            const rate = r.recordsPerSecond === null ? `timed out (${n(r.partialRecordsPerSecond)} records/s before)` : `${n(r.recordsPerSecond)} records/s`;
            log(`  ${guarantee} ${runner}: ${rate}, ${r.seconds.toFixed(1)} s, CPU ${r.cpuSeconds.toFixed(1)} s, RSS ${n(r.peakRssMiB)} MiB, start-up ${r.startupSeconds.toFixed(1)} s`);
          });
        }
      }
    }
    if (phases.has('latency')) {
      for (const guarantee of guarantees) {
        for (const runner of runs(topology)) {
          await attempt('latency', topology, guarantee, runner, async () => {
            await recreateTopics(admin, topology, partitions);
            const r: LatencyResult = await latencyRun(context(guarantee, runner), load);
            results.latency.push(r);
            log(`  ${guarantee} ${runner} at ${n(r.rate)}/s: p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms (${n(r.measured)} of ${n(r.outputs)} outputs measured)`);
          });
        }
      }
    }
    if (phases.has('driver')) {
      for (const runner of (['ours', 'java'] as const).filter((r) => runners.includes(r))) {
        await attempt('driver', topology, 'driver', runner, async () => {
          const r = await driverRun(topology, runner);
          results.driver.push(r);
          log(`  driver ${runner}: ${n(r.recordsPerSecond)} records/s`);
        });
      }
    }
  }
} finally {
  await admin.disconnect();
  await broker?.stop();
}
results.elapsedSeconds = (Date.now() - startedAt) / 1000;

const subtitle = `${n(records)} records, ${partitions} partitions, ${n(keys)} keys; latency at ${n(load.rate)}/s for ${load.seconds} s; ${results.machine.cpus} CPUs, node ${process.version}, ${javaVersion}; ${results.date}`;
console.log(`\n${subtitle}\n\n${table(results)}`);
for (const f of results.failures) console.log(`FAILED: ${f.phase} ${f.topology} ${f.guarantee} ${f.runner}: ${f.error.split('\n')[0]}`);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const base = join(ROOT, `bench/results/compare-${results.date.slice(0, 10)}`);
writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${base}.svg`, `${chart(results, subtitle)}\n`);
console.log(`\nwritten to ${base}.json and ${base}.svg (the run took ${(results.elapsedSeconds / 60).toFixed(1)} min)`);
process.exit(0);
