/**
 * The client of DriverRunner.java: builds bench/reference-java with Maven when its jar is missing or older
 * than its sources (as scripts/conformance-golden.mjs does), and keeps one JVM per topology serving many
 * sequences (JVM start is slow).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { END_LINE, type InputLine, type OutputLine } from './lines.js';
import type { StoreType } from './runner.js';
import type { ReferenceTopology } from './topologies.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const javaDir = path.join(root, 'bench', 'reference-java');
const jar = path.join(javaDir, 'target', 'reference-java.jar');

/** The classpath of the built reference harness. */
export const JAVA_CLASSPATH = [jar, path.join(javaDir, 'target', 'lib', '*')].join(path.delimiter);

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Runs `mvn package` unless the jar is newer than pom.xml and every source. Returns whether it built. */
export function ensureJavaBuilt(): boolean {
  if (existsSync(jar)) {
    const sources = Math.max(statSync(path.join(javaDir, 'pom.xml')).mtimeMs, newestSource(path.join(javaDir, 'src')));
    if (statSync(jar).mtimeMs >= sources) return false;
  }
  const res = spawnSync('mvn', ['-q', '-B', '-Dstyle.color=never', '-f', path.join(javaDir, 'pom.xml'), 'package'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (res.error) throw new Error(`could not run mvn (Java 17+ and Maven are needed): ${res.error.message}`);
  if (res.status !== 0) throw new Error(`mvn package failed (exit ${res.status ?? res.signal}):\n${res.stdout}${res.stderr}`);
  return true;
}

/** One JVM running DriverRunner in conformance mode for one topology; sequences are answered in order. */
export class JavaDriver {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<{ lines: OutputLine[]; resolve: (lines: OutputLine[]) => void; reject: (e: Error) => void }> = [];
  private stderr = '';
  private exited: Error | null = null;

  constructor(topology: ReferenceTopology, store: StoreType = 'rocksDB') {
    this.proc = spawn('java', ['-XX:TieredStopAtLevel=1', '-cp', JAVA_CLASSPATH, 'kstreams.reference.DriverRunner', `topology=${topology}`, `store=${store}`], {
      cwd: root,
    });
    this.proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-10_000);
    });
    createInterface({ input: this.proc.stdout }).on('line', (line) => this.onLine(line));
    this.proc.on('exit', (code, signal) => this.fail(new Error(`DriverRunner exited (${code ?? signal}):\n${this.stderr}`)));
    this.proc.on('error', (e) => this.fail(e));
    this.proc.stdin.on('error', () => {}); // an exit is reported by the 'exit' handler
  }

  private onLine(line: string): void {
    const head = this.waiting[0];
    if (head === undefined) return this.fail(new Error(`DriverRunner wrote an unexpected line: ${line}`));
    if (line === END_LINE) {
      this.waiting.shift();
      head.resolve(head.lines);
    } else {
      head.lines.push(JSON.parse(line) as OutputLine);
    }
  }

  private fail(e: Error): void {
    this.exited ??= e;
    for (const w of this.waiting.splice(0)) w.reject(e);
  }

  /** Runs one sequence in a fresh Java driver. Calls may overlap: they are piped to the JVM in order. */
  run(sequence: InputLine[]): Promise<OutputLine[]> {
    if (this.exited !== null) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiting.push({ lines: [], resolve, reject });
      this.proc.stdin.write(`${sequence.map((l) => JSON.stringify(l)).join('\n')}\n${END_LINE}\n`);
    });
  }

  close(): Promise<void> {
    if (this.exited !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.stdin.end();
    });
  }
}
