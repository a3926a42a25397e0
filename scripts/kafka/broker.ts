/**
 * A real, single-node Apache Kafka broker (KRaft mode) for integration tests and development.
 * No Docker: the broker's jars come from Maven Central (scripts/kafka/pom.xml) and the broker
 * runs as a plain `java` child process bound to 127.0.0.1 only.
 *
 * Library use (tests):
 *
 *   const broker = await startBroker();
 *   // ... use broker.bootstrapServers ("127.0.0.1:<port>")
 *   await broker.stop();
 *
 * CLI use (developers):
 *
 *   npx tsx scripts/kafka/broker.ts fetch [--version 3.9.2]   # download jars only
 *   npx tsx scripts/kafka/broker.ts start [--version 3.9.2] [--port 9092]
 *                                                            # runs until Ctrl-C
 *
 * Everything lives under `<repo>/.kafka/` (git-ignored):
 *   .kafka/lib-<version>/             broker jars (+ `.complete` marker once fully copied)
 *   .kafka/runs/<run-id>/             one folder per started broker:
 *       server.properties             generated configuration
 *       data/                         log.dirs (topic data and the KRaft metadata log)
 *       logs/server.log               broker log (INFO), see scripts/kafka/log4j.properties
 *       process.out                   the JVM's stdout/stderr (normally nearly empty)
 *       broker.pid                    pid of the java process while it runs
 * Old run folders are pruned at start (the newest few are kept for post-mortems).
 *
 * Environment:
 *   KAFKA_VERSION   broker version (default DEFAULT_KAFKA_VERSION)
 *   JAVA            java executable (default: $JAVA_HOME/bin/java, else `java`)
 *   MVN             maven executable (default `mvn`)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

/** Newest 3.9.x on Maven Central at the time of writing (3.9.x is the line kafkajs 2.2.4 supports fully). */
export const DEFAULT_KAFKA_VERSION = '3.9.2';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Repository root (this file is <root>/scripts/kafka/broker.ts). */
export const REPO_ROOT = path.resolve(HERE, '..', '..');
/** Git-ignored working folder for jars, data and logs. */
export const KAFKA_HOME = path.join(REPO_ROOT, '.kafka');
const POM = path.join(HERE, 'pom.xml');
const COMPLETE_MARKER = '.complete';
/** How many old `.kafka/runs/*` folders to keep (in addition to live ones). */
const RUNS_TO_KEEP = 5;

export interface StartBrokerOptions {
  /** Kafka version to run (default: $KAFKA_VERSION or DEFAULT_KAFKA_VERSION). */
  version?: string;
  /** PLAINTEXT port on 127.0.0.1 (default: a free port). */
  port?: number;
  /** CONTROLLER port on 127.0.0.1 (default: a free port). */
  controllerPort?: number;
  /** Max time from spawning java until a client can list topics (default 120 s). */
  readyTimeoutMs?: number;
  /** JVM heap limit (default '512m'). */
  heap?: string;
  /** Extra/overriding server.properties entries. */
  properties?: Record<string, string | number | boolean>;
  /** Progress messages (default: silent). */
  log?: (message: string) => void;
}

export interface RunningBroker {
  /** e.g. "127.0.0.1:40123" — pass to kafkajs `brokers: [bootstrapServers]`. */
  readonly bootstrapServers: string;
  readonly version: string;
  /** .kafka/runs/<run-id> */
  readonly runDir: string;
  /** Broker log file (INFO level). */
  readonly logFile: string;
  readonly pid: number;
  /** Milliseconds from spawning the JVM until listTopics() succeeded. */
  readonly startupMs: number;
  /** SIGTERM, wait for exit (SIGKILL after `timeoutMs`, default 30 s). Idempotent. */
  stop(timeoutMs?: number): Promise<void>;
  /** Stops the broker and starts it again on the same data folder and ports (a broker bounce). */
  restart(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Jars

function libDirFor(version: string): string {
  return path.join(KAFKA_HOME, `lib-${version}`);
}

function majorVersion(version: string): number {
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  if (!Number.isFinite(major)) throw new Error(`Unrecognised Kafka version: ${version}`);
  return major;
}

/** True when `dir` holds a complete copy (marker present and every listed jar still there). */
function isCompleteLibDir(dir: string): boolean {
  const marker = path.join(dir, COMPLETE_MARKER);
  if (!existsSync(marker)) return false;
  try {
    const { jars } = JSON.parse(readFileSync(marker, 'utf8')) as { jars?: unknown };
    return (
      Array.isArray(jars) &&
      jars.length > 0 &&
      jars.every((jar) => typeof jar === 'string' && existsSync(path.join(dir, jar)))
    );
  } catch {
    return false;
  }
}

/**
 * Makes sure `.kafka/lib-<version>/` holds the broker and all its runtime dependencies, running
 * `mvn dependency:copy-dependencies` on scripts/kafka/pom.xml when needed (into a temporary
 * folder that is renamed into place, so an interrupted download is never mistaken for a complete
 * one). Returns the folder.
 */
export async function ensureKafkaJars(
  version: string = process.env.KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION,
  log: (message: string) => void = () => {},
): Promise<string> {
  const libDir = libDirFor(version);
  if (isCompleteLibDir(libDir)) return libDir;

  mkdirSync(KAFKA_HOME, { recursive: true });
  const tmpDir = `${libDir}.partial-${process.pid}-${randomBytes(3).toString('hex')}`;
  const mvn = process.env.MVN ?? 'mvn';
  const args = [
    '-q',
    '-B',
    '-f',
    POM,
    'dependency:copy-dependencies',
    `-Dkafka.version=${version}`,
    `-Dkafka.lib.dir=${tmpDir}`,
  ];
  if (majorVersion(version) >= 4) args.push('-Pkafka4');
  log(`Fetching Kafka ${version} jars with Maven into ${path.relative(REPO_ROOT, libDir)} ...`);
  const started = Date.now();
  const result = await run(mvn, args, REPO_ROOT);
  if (result.code !== 0) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw new Error(
      `Fetching Kafka ${version} jars failed (${mvn} ${args.join(' ')} exited with ${result.code}).\n` +
        tail(result.output, 40),
    );
  }
  const jars = readdirSync(tmpDir).filter((f) => f.endsWith('.jar')).sort();
  if (!jars.some((j) => j.startsWith(`kafka_2.13-${version}`))) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw new Error(`Maven finished but kafka_2.13-${version}.jar is missing from ${tmpDir}`);
  }
  writeFileSync(
    path.join(tmpDir, COMPLETE_MARKER),
    JSON.stringify({ version, fetchedAt: new Date().toISOString(), jars }, null, 2) + '\n',
  );
  // Another process may have finished the same download meanwhile; either copy is fine.
  if (isCompleteLibDir(libDir)) {
    rmSync(tmpDir, { recursive: true, force: true });
  } else {
    rmSync(libDir, { recursive: true, force: true });
    renameSync(tmpDir, libDir);
  }
  log(`Fetched ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return libDir;
}

// ---------------------------------------------------------------------------------------------
// Broker

/**
 * Starts a fresh single-node KRaft broker (empty data folder) listening on 127.0.0.1 and resolves
 * once a Kafka client can fetch metadata from it.
 */
export async function startBroker(opts: StartBrokerOptions = {}): Promise<RunningBroker> {
  const version = opts.version ?? process.env.KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
  const log = opts.log ?? (() => {});
  const libDir = await ensureKafkaJars(version, log);
  pruneOldRuns();

  // A free port found by binding port 0 can in principle be taken by someone else before the
  // broker binds it; if the broker then dies with a BindException, retry with new ports.
  const attempts = opts.port !== undefined && opts.controllerPort !== undefined ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(version, libDir, opts, log);
    } catch (err) {
      if (attempt < attempts && err instanceof BrokerStartError && err.portClash) {
        log(`Port clash (${err.message.split('\n')[0]}); retrying with other ports.`);
        continue;
      }
      throw err;
    }
  }
}

class BrokerStartError extends Error {
  constructor(
    message: string,
    readonly portClash: boolean,
  ) {
    super(message);
    this.name = 'BrokerStartError';
  }
}

async function startOnce(
  version: string,
  libDir: string,
  opts: StartBrokerOptions,
  log: (message: string) => void,
): Promise<RunningBroker> {
  const [port, controllerPort] = await freePorts(opts.port, opts.controllerPort);
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${version}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const runDir = path.join(KAFKA_HOME, 'runs', runId);
  const dataDir = path.join(runDir, 'data');
  const logsDir = path.join(runDir, 'logs');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(logsDir, { recursive: true });
  const logFile = path.join(logsDir, 'server.log');
  const propsFile = path.join(runDir, 'server.properties');
  writeFileSync(propsFile, serverProperties(version, port, controllerPort, dataDir, opts.properties));

  const java = javaExecutable();
  const jvmArgs = javaArgs(version, libDir, logsDir, opts.heap ?? '512m');

  // Format the storage (writes meta.properties + the bootstrap metadata checkpoint).
  const clusterId = randomClusterId();
  const formatStarted = Date.now();
  const format = await run(
    java,
    [...jvmArgs, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile, '--ignore-formatted'],
    runDir,
  );
  if (format.code !== 0) {
    throw new BrokerStartError(
      `Formatting Kafka storage failed (exit ${format.code}). See ${logFile}\n${tail(format.output, 30)}`,
      false,
    );
  }

  log(
    `Formatted storage in ${Date.now() - formatStarted} ms; starting Kafka ${version} on 127.0.0.1:${port} ` +
      `(controller ${controllerPort}); log: ${path.relative(REPO_ROOT, logFile)}`,
  );
  const bootstrapServers = `127.0.0.1:${port}`;
  const launch = (): Promise<Launched> =>
    launchBroker(java, [...jvmArgs, 'kafka.Kafka', propsFile], runDir, logFile, bootstrapServers, opts.readyTimeoutMs ?? 120_000);
  let current = await launch();
  log(`Kafka ${version} ready on ${bootstrapServers} after ${current.startupMs} ms (pid ${current.pid}).`);
  return {
    bootstrapServers,
    version,
    runDir,
    logFile,
    get pid() {
      return current.pid;
    },
    startupMs: current.startupMs,
    stop: (timeoutMs) => current.stop(timeoutMs),
    async restart() {
      await current.stop();
      current = await launch();
      log(`Kafka ${version} restarted on ${bootstrapServers} after ${current.startupMs} ms (pid ${current.pid}).`);
    },
  };
}

interface Launched {
  readonly pid: number;
  readonly startupMs: number;
  stop(timeoutMs?: number): Promise<void>;
}

/** Spawns the broker JVM on a formatted data folder and resolves once a client can list topics. */
async function launchBroker(
  java: string,
  args: string[],
  runDir: string,
  logFile: string,
  bootstrapServers: string,
  readyTimeoutMs: number,
): Promise<Launched> {
  const processOut = path.join(runDir, 'process.out');
  const outFd = openSync(processOut, 'a');
  const started = Date.now();
  let child: ChildProcess;
  try {
    child = spawn(java, args, {
      cwd: runDir,
      stdio: ['ignore', outFd, outFd],
    });
  } finally {
    closeSync(outFd);
  }
  const pid = child.pid;
  if (pid === undefined) {
    throw new BrokerStartError(`Could not spawn ${java}: ${tail(readText(processOut), 10)}`, false);
  }
  writeFileSync(path.join(runDir, 'broker.pid'), `${pid}\n`);
  liveChildren.add(child);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      liveChildren.delete(child);
      rmSync(path.join(runDir, 'broker.pid'), { force: true });
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      liveChildren.delete(child);
      resolve(`spawn error: ${err.message}`);
    });
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const stop = async (timeoutMs = 30_000): Promise<void> => {
    if (hasExited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!hasExited) child.kill('SIGKILL');
    }, timeoutMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  const deadline = started + readyTimeoutMs;
  for (;;) {
    if (hasExited) {
      const code = await exited;
      const logText = readText(logFile);
      const outText = readText(processOut);
      const clash = /BindException|Address already in use/.test(logText + outText);
      throw new BrokerStartError(
        `Kafka broker exited during startup (${code}). Broker log: ${logFile}\n` +
          `--- ${path.basename(logFile)} (tail) ---\n${tail(logText, 30)}\n` +
          `--- ${path.basename(processOut)} (tail) ---\n${tail(outText, 20)}`,
        clash,
      );
    }
    if (await canListTopics(bootstrapServers)) break;
    if (Date.now() > deadline) {
      await stop(10_000);
      throw new BrokerStartError(
        `Kafka broker on ${bootstrapServers} was not ready (admin listTopics) within ${readyTimeoutMs} ms; ` +
          `stopped it. Broker log: ${logFile}\n--- tail ---\n${tail(readText(logFile), 30)}`,
        false,
      );
    }
    await sleep(250);
  }
  return { pid, startupMs: Date.now() - started, stop };
}

/**
 * The broker configuration. Single node, so replication factor 1 everywhere, including the
 * internal topics behind consumer groups (__consumer_offsets) and transactions (__transaction_state).
 */
function serverProperties(
  version: string,
  port: number,
  controllerPort: number,
  dataDir: string,
  overrides: StartBrokerOptions['properties'] = {},
): string {
  const props: Record<string, string | number | boolean> = {
    // KRaft, one process acting as both broker and controller.
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    'listeners': `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': dataDir,

    // One broker: replication factor 1 for everything.
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    // Internal topics default to 50 partitions each; creating them lazily (first group / first
    // transactional producer) is noticeably slower with 50. Coordinators all live on this one
    // node anyway, so fewer partitions change nothing observable.
    'offsets.topic.num.partitions': 5,
    'transaction.state.log.num.partitions': 5,

    // Fast tests: no 3 s wait before the first rebalance of a new group.
    'group.initial.rebalance.delay.ms': 0,
    'num.partitions': 1,
    // Topics must be created explicitly (admin createTopics). Kafka Streams creates its internal
    // repartition/changelog topics itself with specific partition counts and configs; broker-side
    // auto-creation (with num.partitions=1 defaults, triggered by any metadata request or
    // producer) would hide bugs where the runtime forgets to create a topic or gets its
    // partition count wrong. Tests that want a topic create it.
    'auto.create.topics.enable': false,
    'delete.topic.enable': true,

    // Modest resources: 2-core machines, -Xmx512m.
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
    'log.cleaner.threads': 1,
    'log.cleaner.dedupe.buffer.size': 32 * 1024 * 1024,
  };
  if (majorVersion(version) >= 4) {
    // Share groups' state topic (only created if share groups are used).
    props['share.coordinator.state.topic.replication.factor'] = 1;
    props['share.coordinator.state.topic.min.isr'] = 1;
  }
  Object.assign(props, overrides);
  return (
    `# Generated by scripts/kafka/broker.ts for Kafka ${version}\n` +
    Object.entries(props)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('\n') +
    '\n'
  );
}

function javaExecutable(): string {
  if (process.env.JAVA) return process.env.JAVA;
  if (process.env.JAVA_HOME) {
    const candidate = path.join(process.env.JAVA_HOME, 'bin', 'java');
    if (existsSync(candidate)) return candidate;
  }
  return 'java';
}

function javaArgs(version: string, libDir: string, logsDir: string, heap: string): string[] {
  const logging =
    majorVersion(version) >= 4
      ? `-Dlog4j2.configurationFile=${path.join(HERE, 'log4j2.properties')}`
      : `-Dlog4j.configuration=file:${path.join(HERE, 'log4j.properties')}`;
  return [
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${logsDir}`,
    logging,
    '-cp',
    `${libDir}${path.sep}*`,
  ];
}

/** A random cluster id in Kafka's Uuid string form (URL-safe base64 of 16 bytes, no padding). */
/** A base64url UUID; never one starting with '-', which the storage tool would read as an option. */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Ready means a client can fetch metadata, not merely that the port is open. */
async function canListTopics(bootstrapServers: string): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'kstreams-ts-broker-probe',
    brokers: [bootstrapServers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** Picks free ports on 127.0.0.1 (both held open together so they differ). */
async function freePorts(...wanted: (number | undefined)[]): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (const w of wanted) {
      if (w !== undefined) {
        ports.push(w);
        continue;
      }
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      ports.push((server.address() as AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** Deletes old `.kafka/runs/*` folders, keeping the newest RUNS_TO_KEEP and any still running. */
function pruneOldRuns(): void {
  const runsDir = path.join(KAFKA_HOME, 'runs');
  if (!existsSync(runsDir)) return;
  const runs = readdirSync(runsDir)
    .map((name) => path.join(runsDir, name))
    .filter((dir) => statSync(dir).isDirectory())
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const dir of runs.slice(RUNS_TO_KEEP)) {
    const pidFile = path.join(dir, 'broker.pid');
    if (existsSync(pidFile) && isAlive(Number.parseInt(readText(pidFile), 10))) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// If this Node process exits without calling stop() (crash, process.exit), don't leave
// brokers running: a synchronous SIGTERM is all an 'exit' handler can do.
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGTERM');
});

// ---------------------------------------------------------------------------------------------
// Helpers

function run(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (err) => resolve({ code: -1, output: `${output}\n${err.message}` }));
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// CLI

function parseCli(argv: string[]): { command: string; version?: string; port?: number } {
  const [command = 'help', ...rest] = argv;
  const out: { command: string; version?: string; port?: number } = { command };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = rest[i + 1];
    if (arg === '--version' && value) {
      out.version = value;
      i++;
    } else if (arg === '--port' && value) {
      out.port = Number.parseInt(value, 10);
      i++;
    } else {
      throw new Error(`Unknown argument: ${arg}`);
    }
  }
  return out;
}

async function main(argv: string[]): Promise<void> {
  const { command, version, port } = parseCli(argv);
  const say = (m: string): void => console.error(`[kafka] ${m}`);
  if (command === 'fetch') {
    const dir = await ensureKafkaJars(version ?? process.env.KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION, say);
    console.log(dir);
    return;
  }
  if (command === 'start') {
    const broker = await startBroker({ version, port, log: say });
    console.log(broker.bootstrapServers);
    say(`Broker log: ${broker.logFile}`);
    say('Press Ctrl-C to stop.');
    let stopping = false;
    const shutdown = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      say(`${signal}: stopping broker ...`);
      broker.stop().then(
        () => {
          say('Broker stopped.');
          process.exit(0);
        },
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    // Stay in the foreground until a signal arrives (the child process keeps the loop alive).
    return;
  }
  console.error(
    'Usage: tsx scripts/kafka/broker.ts <fetch|start> [--version <kafka version>] [--port <port>]\n' +
      `  fetch  download the broker jars into .kafka/lib-<version>/ (default ${DEFAULT_KAFKA_VERSION})\n` +
      '  start  start a single-node KRaft broker on 127.0.0.1, print its bootstrap servers, run until Ctrl-C',
  );
  process.exitCode = command === 'help' || command === '--help' ? 0 : 2;
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
