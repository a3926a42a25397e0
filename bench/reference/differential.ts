/**
 * Differential conformance: the same generated input sequence through Java's TopologyTestDriver and ours,
 * compared record by record (topic, key, value, timestamp) and by final store contents. A mismatch is
 * shrunk by delta debugging (drop chunks of input while it still mismatches) before it is reported.
 */
import { generateSequence, sequenceSeed } from './generator.js';
import { JavaDriver } from './java-driver.js';
import { canonical, sortStoreLines, type InputLine, type OutputLine, type StoreLine } from './lines.js';
import { runOurs, type StoreType } from './runner.js';
import type { ReferenceTopology } from './topologies.js';

/**
 * Both sides' lines in comparable form: records in production order, then store lines sorted. Error
 * messages differ between the implementations; only that (and where) processing failed is compared.
 */
function normalize(lines: OutputLine[]): string[] {
  const stores = sortStoreLines(lines.filter((l): l is StoreLine => 'store' in l));
  const rest = lines.filter((l) => !('store' in l)).map((l) => ('error' in l ? { error: true } : l));
  return [...rest, ...stores].map(canonical);
}

/** A line-by-line diff from the first difference, or null when both agree. */
export function diff(java: OutputLine[], ours: OutputLine[]): string | null {
  const a = normalize(java);
  const b = normalize(ours);
  let first = 0;
  while (first < a.length && first < b.length && a[first] === b[first]) first++;
  if (first === a.length && first === b.length) return null;
  const out = [`first difference at output line ${first} (java ${a.length} lines, ours ${b.length}):`];
  for (let i = Math.max(0, first - 2); i < Math.max(a.length, b.length) && i < first + 12; i++) {
    if (a[i] === b[i]) out.push(`    ${a[i]}`);
    else {
      if (i < a.length) out.push(`  - java ${a[i]}`);
      if (i < b.length) out.push(`  + ours ${b[i]}`);
    }
  }
  const errors = [...java, ...ours].filter((l) => 'error' in l).map((l) => `  error: ${(l as { error: string }).error}`);
  return [...out, ...errors].join('\n');
}

/** The diff of one input sequence through both drivers, or null when they agree. */
export async function compareSequence(java: JavaDriver, topology: ReferenceTopology, input: InputLine[], store: StoreType): Promise<string | null> {
  return diff(await java.run(input), await runOurs(topology, input, store));
}

export interface Mismatch {
  topology: ReferenceTopology;
  seed: number;
  index: number;
  input: InputLine[];
  diff: string;
}

/**
 * Delta debugging (ddmin, complements only): removes ever smaller chunks of `input` while the two sides
 * still disagree. Stops after `maxRuns` comparisons; the result always mismatches.
 */
export async function shrink(input: InputLine[], mismatches: (input: InputLine[]) => Promise<boolean>, maxRuns = 600): Promise<InputLine[]> {
  let current = input;
  let chunks = 2;
  let runs = 0;
  while (current.length > 1 && runs < maxRuns) {
    const size = Math.ceil(current.length / chunks);
    let reduced = false;
    for (let start = 0; start < current.length && runs < maxRuns; start += size) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      runs++;
      if (await mismatches(candidate)) {
        current = candidate;
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (size === 1) break;
      chunks = Math.min(chunks * 2, current.length);
    }
  }
  return current;
}

export function formatMismatch(m: Mismatch): string {
  return [
    `${m.topology}: sequence ${m.index} (seed ${m.seed}) differs from Apache Kafka Streams; smallest failing input (${m.input.length} lines):`,
    ...m.input.map((l) => `  ${JSON.stringify(l)}`),
    m.diff,
  ].join('\n');
}

export interface CheckOptions {
  sequences: number;
  seed: number;
  store?: StoreType;
  /** Input lines per sequence at most (generator.ts; default 60). */
  maxLength?: number;
}

/**
 * Runs `sequences` generated sequences of one topology through both drivers; returns the first mismatch,
 * shrunk, or null. Java is fed ahead (its JVM answers in order) while ours runs, so both work at once.
 */
export async function checkTopology(topology: ReferenceTopology, options: CheckOptions): Promise<Mismatch | null> {
  const store = options.store ?? 'rocksDB';
  const java = new JavaDriver(topology, store);
  try {
    const inputs = Array.from({ length: options.sequences }, (_, i) => generateSequence(topology, sequenceSeed(options.seed, topology, i), options.maxLength));
    const window = 16; // sequences in flight to the JVM
    const send = (input: InputLine[]) => {
      const answer = java.run(input);
      answer.catch(() => {}); // a JVM failure is thrown where the answer is awaited
      return answer;
    };
    const pending = inputs.slice(0, window).map(send);
    for (let i = 0; i < inputs.length; i++) {
      if (i + window < inputs.length) pending.push(send(inputs[i + window]!));
      const input = inputs[i]!;
      const d = diff(await pending[i]!, await runOurs(topology, input, store));
      if (d === null) continue;
      await Promise.allSettled(pending.slice(i + 1)); // let the JVM finish what it was sent
      const shrunk = await shrink(input, async (candidate) => (await compareSequence(java, topology, candidate, store)) !== null);
      return { topology, seed: options.seed, index: i, input: shrunk, diff: (await compareSequence(java, topology, shrunk, store))! };
    }
    return null;
  } finally {
    await java.close();
  }
}
