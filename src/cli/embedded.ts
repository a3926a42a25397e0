/**
 * The embedded default of `kstreams run`: the topology runs in-process on the engine the
 * TopologyTestDriver drives (the same StreamTask, stores and commit protocol as on Kafka), fed with JSON
 * lines `{"topic", "key", "value", "timestamp"?}` and printing every output record as such a line.
 *
 * A line that cannot be used (not JSON, not such an object, a topic the topology does not read, a value
 * its schema rejects) is reported on stderr with its line number and skipped; the others are processed,
 * and the run then ends with exit code 3 so that nothing is silently dropped.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import avro from 'avsc';
import { Serdes, type Topology } from '../index.js';
import { TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '../../test-driver/index.js';
import { loadSchema } from '../serde/avro-schemas.js';
import { CliError, ExitCode } from './errors.js';
import { resolvedTopics, type ResolvedTopic, type TopologySelection } from './topology.js';
import type { Serde } from '../serde/serde.js';

export interface EmbeddedIo {
  readonly input: Readable;
  /** Where the input comes from, for messages (a file name or "stdin"). */
  readonly inputName: string;
  /** Writes one output line (JSON). May return a promise to apply backpressure. */
  readonly out: (line: string) => void | Promise<void>;
  /** Writes one diagnostic line. */
  readonly err: (line: string) => void;
}

export interface EmbeddedResult {
  readonly lines: number;
  readonly processed: number;
  readonly rejected: number;
  readonly outputs: number;
}

interface InputLine {
  topic: string;
  key: string | null;
  value: unknown;
  timestamp?: number;
}

export async function runEmbedded(
  sel: TopologySelection,
  topology: Topology,
  serdeOf: (t: ResolvedTopic) => Serde<unknown>,
  io: EmbeddedIo,
): Promise<EmbeddedResult> {
  const started = Date.now();
  const driver = new TopologyTestDriver(topology, { 'application.id': `kstreams-${sel.name}`, ...sel.config }, started);
  const S = Serdes.String();
  const inputs = new Map<string, { spec: ResolvedTopic; topic: TestInputTopic<string | null, unknown>; type: avro.Type | null }>();
  for (const spec of resolvedTopics(sel, 'input')) {
    inputs.set(spec.topic, {
      spec,
      topic: driver.createInputTopic<string | null, unknown>(spec.topic, S, serdeOf(spec)),
      type: spec.schema === null ? null : avro.Type.forSchema(loadSchema(spec.schema)),
    });
  }
  const outputs: Array<[string, TestOutputTopic<string, unknown>]> = resolvedTopics(sel, 'output').map((spec) => [spec.topic, driver.createOutputTopic(spec.topic, S, serdeOf(spec))]);
  let clock = started;
  let lines = 0;
  let processed = 0;
  let rejected = 0;
  let written = 0;
  const reject = (lineNo: number, text: string, why: string) => {
    rejected++;
    const shown = text.length > 120 ? `${text.slice(0, 117)}...` : text;
    io.err(`kstreams: ${io.inputName}:${lineNo}: ${why}; line skipped: ${shown}`);
  };
  const drain = async () => {
    for (const [topic, out] of outputs) {
      for (const r of out.readRecordsToList()) {
        written++;
        await io.out(JSON.stringify({ topic, key: r.key, value: r.value, timestamp: r.timestamp }));
      }
    }
  };
  try {
    const reader = createInterface({ input: io.input, crlfDelay: Infinity });
    for await (const text of reader) {
      const lineNo = ++lines;
      if (text.trim() === '') continue;
      const parsed = parseLine(text, inputs);
      if (typeof parsed === 'string') {
        reject(lineNo, text, parsed);
        continue;
      }
      const input = inputs.get(parsed.topic)!;
      const timestamp = parsed.timestamp ?? eventTimeOf(parsed.value) ?? Date.now();
      try {
        const now = Date.now();
        if (now - clock >= 100) {
          await driver.advanceWallClockTime(now - clock); // WALL_CLOCK_TIME punctuation follows the system clock
          clock = now;
        }
        await input.topic.pipeInput(parsed.key, parsed.value, timestamp);
      } catch (e) {
        await drain();
        throw new CliError(`${io.inputName}:${lineNo}: processing failed: ${(e as Error).message}`, ExitCode.FAILURE);
      }
      processed++;
      await drain();
    }
  } finally {
    await driver.close().catch(() => undefined);
  }
  return { lines, processed, rejected, outputs: written };
}

/** The record of a line, or why it cannot be used. */
function parseLine(text: string, inputs: ReadonlyMap<string, { spec: ResolvedTopic; type: avro.Type | null }>): InputLine | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return `not valid JSON (${(e as Error).message})`;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'expected a JSON object {"topic", "key", "value", "timestamp"?}';
  const line = json as Partial<InputLine> & Record<string, unknown>;
  const known = [...inputs.keys()].join(', ');
  if (typeof line.topic !== 'string') return `missing "topic" (one of: ${known})`;
  const input = inputs.get(line.topic);
  if (input === undefined) return `topic "${line.topic}" is not an input of this topology (its inputs: ${known})`;
  if (!('key' in line)) return 'missing "key" (a string, or null)';
  if (line.key !== null && typeof line.key !== 'string') return `"key" must be a string or null, got ${JSON.stringify(line.key)}`;
  if (!('value' in line)) return 'missing "value" (null for a tombstone)';
  if (line.timestamp !== undefined && (typeof line.timestamp !== 'number' || !Number.isInteger(line.timestamp) || line.timestamp < 0)) {
    return `"timestamp" must be a non-negative integer (epoch ms), got ${JSON.stringify(line.timestamp)}`;
  }
  if (line.value !== null && input.type !== null) {
    const problems: string[] = [];
    input.type.isValid(line.value, {
      errorHook: (path: string[], value: unknown, type: avro.Type) => problems.push(`${path.join('.') || 'value'}: ${value === undefined ? 'missing' : `${JSON.stringify(value)} is not a valid ${type.typeName}`}`),
    });
    if (problems.length > 0) return `"value" is not a valid ${input.spec.schema} record (schemas/${input.spec.schema}.avsc): ${problems.join('; ')}`;
  }
  return { topic: line.topic, key: line.key ?? null, value: line.value, timestamp: line.timestamp };
}

function eventTimeOf(value: unknown): number | undefined {
  const t = (value as { eventTime?: unknown } | null)?.eventTime;
  return typeof t === 'number' && t >= 0 ? t : undefined;
}
