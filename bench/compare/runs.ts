/**
 * One measured run of one runner process (protocol.ts): a throughput run over the pre-produced input, or a
 * latency run under a steady load. CPU time and peak RSS come from /proc/<pid> (utime + stime, VmHWM),
 * read before the runner is let go, so the three runners are measured the same way whatever their language.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Admin, Kafka } from 'kafkajs';
import { outputTopics, type ReferenceTopology } from '../reference/topologies.js';
import { deleteInternalTopics, endOffsets, latencyLoad, sleep } from './kafka.js';
import type { RunnerConfig, RunnerMessage } from './protocol.js';

export type Guarantee = RunnerConfig['guarantee'];

/** How to start a runner: the command line before its JSON config. */
export type RunnerCommand = readonly string[];

interface ProcStats {
  cpuSeconds: number;
  peakRssMiB: number;
}

/** Linux clock ticks per second (USER_HZ), 100 on every mainstream architecture. */
const CLOCK_TICKS = 100;

function procStats(pid: number): ProcStats {
  // fields after the parenthesised command name: state is the 1st, utime the 12th, stime the 13th
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS, peakRssMiB: Number(hwm?.[1] ?? NaN) / 1024 };
}

/** A runner process and the messages it has sent. */
class RunnerProcess {
  readonly spawnedAt = Date.now();
  private readonly proc;
  private readonly waiters = new Map<RunnerMessage['event'], (m: RunnerMessage) => void>();
  private readonly seen = new Map<RunnerMessage['event'], RunnerMessage>();
  private stderr = '';
  readonly exited: Promise<number | null>;

  constructor(command: RunnerCommand, cfg: RunnerConfig) {
    this.proc = spawn(command[0]!, [...command.slice(1), JSON.stringify(cfg)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr = (this.stderr + d).slice(-20_000)));
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      if (!line.startsWith('{"event"')) return; // a runner's own logging
      const m = JSON.parse(line) as RunnerMessage;
      this.seen.set(m.event, m);
      this.waiters.get(m.event)?.(m);
    });
    this.exited = new Promise((r) => this.proc.once('exit', (code) => r(code)));
  }

  get pid(): number {
    return this.proc.pid!;
  }

  last(event: RunnerMessage['event']): RunnerMessage | undefined {
    return this.seen.get(event);
  }

  /** Resolves with `event`, or rejects when the runner fails, exits or `timeoutMs` passes. */
  async next(event: RunnerMessage['event'], timeoutMs: number): Promise<RunnerMessage> {
    const seen = this.seen.get(event);
    if (seen !== undefined) return seen;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<RunnerMessage>((r) => this.waiters.set(event, r)),
        new Promise<never>((_, reject) => this.waiters.set('error', () => reject(new Error(`runner failed:\n${this.stderr}`)))),
        this.exited.then((code) => Promise.reject(new Error(`runner exited (${code}) before "${event}":\n${this.stderr}`))),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TimeoutError(event, timeoutMs)), timeoutMs))),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  stats(): ProcStats {
    return procStats(this.pid);
  }

  send(line: string): void {
    this.proc.stdin.write(`${line}\n`);
  }

  /** Lets a closed runner exit (it waits for stdin to close). */
  async release(): Promise<void> {
    this.proc.stdin.end();
    await this.exited;
  }

  async kill(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }
}

export class TimeoutError extends Error {
  constructor(event: string, ms: number) {
    super(`no "${event}" within ${ms / 1000} s`);
  }
}

export interface RunContext {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly bootstrapServers: string;
  readonly topology: ReferenceTopology;
  readonly guarantee: Guarantee;
  readonly runner: string;
  readonly command: RunnerCommand;
}

interface Common {
  topology: string;
  guarantee: Guarantee;
  runner: string;
  /** 1-minute load average of the machine when the run started. */
  loadAverage: number;
  /** Whole process, start-up included. */
  cpuSeconds: number;
  peakRssMiB: number;
}

export interface ThroughputResult extends Common {
  records: number;
  /** Input records / (last output - running); null when the run timed out. */
  recordsPerSecond: number | null;
  /** Records processed / time, when the run timed out. */
  partialRecordsPerSecond?: number;
  seconds: number;
  startupSeconds: number;
  /** Growth of the output topics' end offsets (under exactly-once, transaction markers included). */
  outputOffsets: number;
}

export interface LatencyResult extends Common {
  rate: number;
  sent: number;
  /** Output records read; `measured` of them answer inputs sent after the warm-up. */
  outputs: number;
  measured: number;
  p50: number;
  p99: number;
  max: number;
}

async function withRunner<T>(ctx: RunContext, records: number, properties: Record<string, string>, body: (p: RunnerProcess, common: Omit<Common, 'cpuSeconds' | 'peakRssMiB'>) => Promise<T>): Promise<T> {
  const applicationId = `cmp-${ctx.topology}-${ctx.guarantee}-${ctx.runner}-${Date.now()}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  const cfg: RunnerConfig = { topology: ctx.topology, guarantee: ctx.guarantee, bootstrapServers: ctx.bootstrapServers, applicationId, stateDir, records, properties };
  const common = { topology: ctx.topology, guarantee: ctx.guarantee, runner: ctx.runner, loadAverage: loadavg()[0]! };
  const p = new RunnerProcess(ctx.command, cfg);
  try {
    return await body(p, common);
  } finally {
    await p.kill();
    rmSync(stateDir, { recursive: true, force: true });
    await deleteInternalTopics(ctx.admin, applicationId);
  }
}

/** Processes the `records` pre-produced input records; throughput is records / (last output - running). */
export function throughputRun(ctx: RunContext, records: number, timeoutMs: number): Promise<ThroughputResult> {
  return withRunner(ctx, records, {}, async (p, common) => {
    const outputs = outputTopics(ctx.topology);
    const baseline = await endOffsets(ctx.admin, outputs);
    let offsets = baseline;
    let lastOutputAt = 0;
    let watching = true;
    // the time of the last output: when the output topics' end offsets last grew
    const watcher = (async () => {
      while (watching) {
        const n = await endOffsets(ctx.admin, outputs).catch(() => offsets); // (a missed poll only blurs the time)
        if (n !== offsets) [offsets, lastOutputAt] = [n, Date.now()];
        await sleep(50);
      }
    })();
    try {
      const running = await p.next('running', 120_000);
      const startupSeconds = (running.at - p.spawnedAt) / 1000;
      try {
        await p.next('closed', timeoutMs);
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        const progress = p.last('progress');
        const seconds = (Date.now() - running.at) / 1000;
        const partial = progress?.processed ? progress.processed / ((progress.at - running.at) / 1000) : 0;
        return { ...common, ...p.stats(), records, recordsPerSecond: null, partialRecordsPerSecond: partial, seconds, startupSeconds, outputOffsets: offsets - baseline };
      }
      const stats = p.stats();
      watching = false;
      await watcher;
      const last = await endOffsets(ctx.admin, outputs);
      if (last !== offsets) [offsets, lastOutputAt] = [last, Date.now()];
      await p.release();
      if (lastOutputAt === 0) throw new Error(`${ctx.runner} wrote nothing to ${outputs.join(', ')}`);
      const seconds = (lastOutputAt - running.at) / 1000;
      return { ...common, ...stats, records, recordsPerSecond: records / seconds, seconds, startupSeconds, outputOffsets: offsets - baseline };
    } finally {
      watching = false;
      await watcher;
    }
  });
}

export interface LoadOptions {
  rate: number;
  seconds: number;
  warmupSeconds: number;
  keys: number;
}

/**
 * Runs the runner while latencyLoad() feeds it. At-least-once runs use commit.interval.ms 100 (exactly-once's
 * default): its default, 30 s, would hold cached results that long, measuring the interval, not the engine.
 */
export function latencyRun(ctx: RunContext, load: LoadOptions): Promise<LatencyResult> {
  const properties: Record<string, string> = ctx.guarantee === 'at_least_once' ? { 'commit.interval.ms': '100' } : {};
  return withRunner(ctx, 0, properties, async (p, common) => {
    await p.next('running', 120_000);
    const { sent, outputs, latencies } = await latencyLoad(ctx.kafka, ctx.topology, load);
    p.send('stop');
    await p.next('closed', 120_000);
    const stats = p.stats();
    await p.release();
    const sorted = latencies.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
    return { ...common, ...stats, rate: load.rate, sent, outputs, measured: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
  });
}
