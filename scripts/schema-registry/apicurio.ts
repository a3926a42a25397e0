/**
 * A real, local schema registry for tests and development: Apicurio Registry 2.6 (in-memory storage),
 * fetched from Maven Central (scripts/schema-registry/pom.xml) and run as a plain `java` child process on
 * 127.0.0.1. It serves a Confluent-compatible API at `<url>/apis/ccompat/v7`, which is what
 * `schema.registry.url` should point at. No Docker.
 *
 * Library use (tests):
 *
 *   const registry = await startSchemaRegistry();
 *   // ... registry.url is "http://127.0.0.1:<port>/apis/ccompat/v7"
 *   await registry.stop();
 *
 * CLI use (developers):
 *
 *   npx tsx scripts/schema-registry/apicurio.ts start [--port 8081]    # runs until Ctrl-C
 *
 * Files live under `<repo>/.kafka/` (git-ignored): `apicurio-<version>/` (the distribution, with a
 * `.complete` marker once unpacked) and `registry-runs/<run-id>/process.out` (its log).
 *
 * Environment: APICURIO_VERSION, JAVA (default $JAVA_HOME/bin/java, else `java`), MVN (default `mvn`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The newest Apicurio Registry line that runs on Java 17 (3.x needs Java 21). */
export const DEFAULT_APICURIO_VERSION = '2.6.13.Final';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');
const HOME = path.join(REPO_ROOT, '.kafka');
const POM = path.join(HERE, 'pom.xml');

export interface RunningSchemaRegistry {
  /** The Confluent-compatible API: use as `schema.registry.url`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly logFile: string;
  /** SIGTERM, wait for exit (SIGKILL after `timeoutMs`, default 20 s). Idempotent. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartSchemaRegistryOptions {
  version?: string;
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Longest wait for the API to answer (default 120 s). */
  readyTimeoutMs?: number;
  log?: (message: string) => void;
}

/** Makes sure the distribution is unpacked under `.kafka/apicurio-<version>/`; returns its runner jar. */
export async function ensureApicurio(version = process.env.APICURIO_VERSION ?? DEFAULT_APICURIO_VERSION, log: (m: string) => void = () => {}): Promise<string> {
  const dir = path.join(HOME, `apicurio-${version}`);
  const runner = path.join(dir, `apicurio-registry-app-${version}-runner.jar`);
  if (existsSync(path.join(dir, '.complete')) && existsSync(runner)) return runner;
  mkdirSync(HOME, { recursive: true });
  const tmp = `${dir}.partial-${process.pid}-${randomBytes(3).toString('hex')}`;
  const mvn = process.env.MVN ?? 'mvn';
  const markers = `${tmp}-markers`; // the pom keeps the plugin's markers there (removed below)
  const args = ['-q', '-B', '-f', POM, 'dependency:unpack', `-Dapicurio.version=${version}`, `-Dapicurio.dir=${tmp}`];
  log(`Fetching Apicurio Registry ${version} with Maven into ${path.relative(REPO_ROOT, dir)} ...`);
  const result = await run(mvn, args);
  rmSync(markers, { recursive: true, force: true });
  if (result.code !== 0 || !existsSync(path.join(tmp, `apicurio-registry-app-${version}-runner.jar`))) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`Fetching Apicurio Registry ${version} failed (${mvn} ${args.join(' ')} exited with ${result.code}).\n${result.output.split('\n').slice(-30).join('\n')}`);
  }
  writeFileSync(path.join(tmp, '.complete'), `${new Date().toISOString()}\n`);
  if (existsSync(path.join(dir, '.complete'))) rmSync(tmp, { recursive: true, force: true });
  else {
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  return runner;
}

/** Starts an empty in-memory registry on 127.0.0.1 and resolves once its Confluent API answers. */
export async function startSchemaRegistry(opts: StartSchemaRegistryOptions = {}): Promise<RunningSchemaRegistry> {
  const version = opts.version ?? process.env.APICURIO_VERSION ?? DEFAULT_APICURIO_VERSION;
  const log = opts.log ?? (() => {});
  const runner = await ensureApicurio(version, log);
  const port = opts.port ?? (await freePort());
  const runDir = path.join(HOME, 'registry-runs', `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(runDir, { recursive: true });
  pruneRuns(path.dirname(runDir));
  const logFile = path.join(runDir, 'process.out');
  const out = openSync(logFile, 'a');
  const java = process.env.JAVA ?? (process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java');
  let child: ChildProcess;
  try {
    child = spawn(
      java,
      [
        '-Xmx384m',
        `-Dquarkus.http.port=${port}`,
        '-Dquarkus.http.host=127.0.0.1',
        '-Dquarkus.log.level=WARN',
        '-Dquarkus.log.category."io.quarkus".level=INFO',
        '-jar',
        runner,
      ],
      { cwd: runDir, stdio: ['ignore', out, out] },
    );
  } finally {
    closeSync(out);
  }
  if (child.pid === undefined) throw new Error(`Could not spawn ${java} for the schema registry`);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async (timeoutMs = 20_000): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => !exited && child.kill('SIGKILL'), timeoutMs);
    await exit;
    clearTimeout(timer);
  };
  const url = `http://127.0.0.1:${port}/apis/ccompat/v7`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (exited) throw new Error(`The schema registry exited during startup; see ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n')}`);
    try {
      const res = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(5_000);
      throw new Error(`The schema registry on port ${port} did not answer within ${opts.readyTimeoutMs ?? 120_000} ms; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`Apicurio Registry ${version} ready: schema.registry.url=${url} (pid ${child.pid})`);
  return { url, port, pid: child.pid, logFile, stop };
}

function pruneRuns(dir: string): void {
  const runs = readdirSync(dir).sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - 5))) rmSync(path.join(dir, old), { recursive: true, force: true });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', (e) => resolve({ code: -1, output: `${output}\n${e.message}` }));
    child.once('exit', (code) => resolve({ code: code ?? -1, output }));
  });
}

// `npx tsx scripts/schema-registry/apicurio.ts start [--port N]`
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, ...rest] = process.argv.slice(2);
  const portArg = rest.indexOf('--port');
  const port = portArg >= 0 ? Number(rest[portArg + 1]) : undefined;
  if (command === 'fetch') {
    await ensureApicurio(undefined, console.log);
  } else if (command === 'start') {
    const registry = await startSchemaRegistry({ port, log: console.log });
    console.log(`schema.registry.url=${registry.url}   (Ctrl-C stops it)`);
    const shutdown = () => void registry.stop().then(() => process.exit(0));
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  } else {
    console.error('usage: npx tsx scripts/schema-registry/apicurio.ts fetch|start [--port N]');
    process.exit(2);
  }
}
