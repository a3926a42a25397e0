/**
 * The soak's verifier: reads the input and every output with read_committed and checks, record by record,
 * what exactly-once promises (after Kafka's EosTestDriver):
 *  - echo: per partition, the input records in order (key, value, timestamp);
 *  - min / sum / cnt: per key, one record per input record of the key, each the running aggregate over
 *    the key's input values in order (the whole sequence, not just the final value);
 *  - repartition: per group, one record per input record of the group's keys, each step adding the next
 *    input value of the key it names (any interleaving of the keys, each key in order);
 *  - no transaction left open: a marker written to each output partition after the run is readable.
 * A record that does not match is classified, where the expected sequence allows: a value from earlier
 * in the sequence is a duplicate, one from later means the records between were lost.
 * Values are decoded here from their bytes (Integer: 4, Long: 8 bytes big-endian), not with our serdes.
 */
import type { ConsumerRecord, KafkaClient, PartitionReader, ProducerRecord } from '../../src/kafka/index.js';
import { GROUPS, KEYS, OUTPUTS, PARTITIONS, groupOf, keyIndex, type Output, type SoakTopics } from './topology.js';

const MARKER_KEY = '__soak-marker__';
/** Failures reported per output (all are counted). */
const MESSAGES_PER_OUTPUT = 6;

export interface TopicTally {
  verified: number;
  lost: number;
  duplicated: number;
  wrong: number;
}

export interface Verdict {
  readonly inputRecords: number;
  readonly perTopic: Readonly<Record<Output, TopicTally>>;
  readonly verified: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly wrong: number;
  /** Output partitions whose marker was not readable (an open transaction holds the LSO back). */
  readonly markersMissing: string[];
  /** The first failures, for the report. */
  readonly messages: string[];
}

/** The marker records, one per output partition (written with a plain producer once the instances stopped). */
export function markerRecords(topics: SoakTopics): ProducerRecord[] {
  return OUTPUTS.flatMap((o) =>
    Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: topics.outputs[o], partition, key: Buffer.from(MARKER_KEY), value: Buffer.alloc(0) })),
  );
}

interface InputRecord {
  readonly key: number;
  readonly value: number;
  readonly timestamp: number;
}

/** Where a sequence check stands: the position of the next expected element, of `length`. */
class Cursor {
  pos = 0;
  constructor(readonly length: number) {}
}

/** A cursor over a key's expected running aggregates. */
class Running extends Cursor {
  constructor(readonly expected: readonly number[]) {
    super(expected.length);
  }
}

export class SoakVerifier {
  private readonly byPartition: InputRecord[][] = Array.from({ length: PARTITIONS }, () => []);
  private readonly byKey: number[][] = Array.from({ length: KEYS }, () => []);
  private readonly tally = Object.fromEntries(OUTPUTS.map((o) => [o, { verified: 0, lost: 0, duplicated: 0, wrong: 0 }])) as Record<Output, TopicTally>;
  private readonly messages = new Map<Output, string[]>(OUTPUTS.map((o) => [o, []]));
  private readonly positions = new Map<string, number | 'earliest'>();
  private readonly markers = new Set<string>();
  private readonly echo: Cursor[] = [];
  /** Per output (min, sum, cnt), per key: the running aggregates expected. */
  private readonly running = new Map<Output, Running[]>();
  /** repartition: per key, how many of its values the group sums took; per group, the last sum. */
  private readonly groupTaken: number[] = new Array<number>(KEYS).fill(0);
  private readonly groupSum: number[] = new Array<number>(GROUPS).fill(0);
  private readonly topicOf = new Map<string, Output>();
  private reader: PartitionReader | null = null;
  /** Output records read so far (markers included). */
  recordsRead = 0;

  constructor(
    private readonly client: KafkaClient,
    private readonly topics: SoakTopics,
  ) {
    for (const o of OUTPUTS) {
      this.topicOf.set(topics.outputs[o], o);
      for (let p = 0; p < PARTITIONS; p++) this.positions.set(`${topics.outputs[o]}:${p}`, 'earliest');
    }
  }

  /** Reads the whole input (call once the producer stopped): the truth the outputs are checked against. */
  async loadInput(): Promise<number> {
    const reader = await this.open();
    let n = 0;
    await reader.readToEnd(
      Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: this.topics.input, partition, offset: 'earliest' as const })),
      (batch) => {
        for (const r of batch.records) {
          const rec = { key: keyIndex(r.key!.toString('utf8')), value: r.value!.readInt32BE(0), timestamp: r.timestamp };
          this.byPartition[batch.partition]!.push(rec);
          this.byKey[rec.key]!.push(rec.value);
          n++;
        }
      },
      { timeoutMs: 300_000 },
    );
    for (let p = 0; p < PARTITIONS; p++) this.echo.push(new Cursor(this.byPartition[p]!.length));
    const prefix = (values: readonly number[], step: (agg: number, v: number) => number, init: number): number[] => {
      let agg = init;
      return values.map((v) => (agg = step(agg, v)));
    };
    this.running.set('min', this.byKey.map((vs) => new Running(prefix(vs, Math.min, 0x7fffffff))));
    this.running.set('sum', this.byKey.map((vs) => new Running(prefix(vs, (a, v) => a + v, 0))));
    this.running.set('cnt', this.byKey.map((vs) => new Running(vs.map((_, i) => i + 1))));
    return n;
  }

  /** One pass over every output partition, from where the last pass ended up to the current end (LSO). */
  async readOutputs(): Promise<void> {
    const reader = await this.open();
    const start = [...this.positions].map(([tp, offset]) => {
      const [topic, partition] = tp.split(':');
      return { topic: topic!, partition: Number(partition), offset };
    });
    const reached = await reader.readToEnd(start, (batch) => {
      for (const r of batch.records) this.check(this.topicOf.get(batch.topic)!, r);
    }, { timeoutMs: 300_000 });
    for (const r of reached) this.positions.set(`${r.topic}:${r.partition}`, r.offset);
  }

  /** Expected output records not seen yet, per output (all zero once the outputs have drained). */
  outstanding(): Record<Output, number> {
    const left = (cursors: readonly Cursor[]): number => cursors.reduce((n, c) => n + c.length - Math.min(c.pos, c.length), 0);
    return {
      echo: left(this.echo),
      min: left(this.running.get('min')!),
      sum: left(this.running.get('sum')!),
      cnt: left(this.running.get('cnt')!),
      repartition: this.byKey.reduce((n, values, k) => n + values.length - Math.min(this.groupTaken[k]!, values.length), 0),
    };
  }

  markersSeen(): number {
    return this.markers.size;
  }

  verdict(): Verdict {
    // what the outputs never delivered is lost
    const outstanding = this.outstanding();
    const perTopic = Object.fromEntries(OUTPUTS.map((o) => [o, { ...this.tally[o], lost: this.tally[o].lost + outstanding[o] }])) as Record<Output, TopicTally>;
    const sum = (f: keyof TopicTally): number => OUTPUTS.reduce((s, o) => s + perTopic[o][f], 0);
    const markersMissing = OUTPUTS.flatMap((o) =>
      Array.from({ length: PARTITIONS }, (_, p) => `${this.topics.outputs[o]}:${p}`).filter((tp) => !this.markers.has(tp)),
    );
    return {
      inputRecords: this.byPartition.reduce((s, p) => s + p.length, 0),
      perTopic,
      verified: sum('verified'),
      lost: sum('lost'),
      duplicated: sum('duplicated'),
      wrong: sum('wrong'),
      markersMissing,
      messages: [...this.messages.values()].flat(),
    };
  }

  async close(): Promise<void> {
    await this.reader?.close();
    this.reader = null;
  }

  private async open(): Promise<PartitionReader> {
    this.reader ??= await this.client.partitionReader({ isolationLevel: 'read_committed', maxWaitTimeMs: 100 });
    return this.reader;
  }

  private check(output: Output, r: ConsumerRecord): void {
    this.recordsRead++;
    const key = r.key!.toString('utf8');
    if (key === MARKER_KEY) {
      this.markers.add(`${r.topic}:${r.partition}`);
      return;
    }
    const where = `${output}[${r.partition}@${r.offset}] ${key}`;
    if (output === 'echo') {
      const input = this.byPartition[r.partition]!;
      const value = r.value!.readInt32BE(0);
      const same = (i: number): boolean => {
        const e = input[i]!;
        return e.key === keyIndex(key) && e.value === value && e.timestamp === r.timestamp;
      };
      this.step(output, where, this.echo[r.partition]!, same, `${value}@${r.timestamp}`);
    } else if (output === 'repartition') {
      this.checkGroupSum(where, key, Number(r.value!.readBigInt64BE(0)));
    } else {
      const value = output === 'min' ? r.value!.readInt32BE(0) : Number(r.value!.readBigInt64BE(0));
      const cursor = this.running.get(output)![keyIndex(key)];
      if (cursor === undefined) this.fail(output, 'wrong', `${where}: not an input key`);
      else this.step(output, where, cursor, (i) => cursor.expected[i] === value, String(value));
    }
  }

  /**
   * Advances `cursor` if the record is the next expected one; otherwise finds it in the sequence to tell a
   * duplicate (earlier) from a loss (later: the records between are lost) and resynchronises there.
   */
  private step(output: Output, where: string, cursor: Cursor, matches: (i: number) => boolean, shown: string): void {
    const n = cursor.length;
    if (cursor.pos < n && matches(cursor.pos)) {
      this.tally[output].verified++;
      cursor.pos++;
      return;
    }
    for (let i = cursor.pos + 1; i < n; i++) {
      if (matches(i)) {
        this.fail(output, 'lost', `${where}: ${shown} is expected #${i + 1}, #${cursor.pos + 1}..#${i} missing`, i - cursor.pos);
        this.tally[output].verified++;
        cursor.pos = i + 1;
        return;
      }
    }
    for (let i = Math.min(cursor.pos, n) - 1; i >= 0; i--) {
      if (matches(i)) {
        this.fail(output, 'duplicated', `${where}: ${shown} repeats expected #${i + 1} (next expected #${cursor.pos + 1})`);
        return;
      }
    }
    this.fail(output, 'wrong', `${where}: ${shown} matches no expected record (next expected #${cursor.pos + 1} of ${n})`);
  }

  /** A group's sum steps by the next value of the key the step names (value % 100, see topology.ts). */
  private checkGroupSum(where: string, group: string, sum: number): void {
    const g = Number(group.slice(1));
    const previous = this.groupSum[g];
    if (previous === undefined) return this.fail('repartition', 'wrong', `${where}: not a group`);
    this.groupSum[g] = sum;
    const step = sum - previous;
    const k = step % 100;
    const values = step >= 0 && k < KEYS && groupOf(k) === group ? this.byKey[k]! : undefined;
    if (values === undefined) return this.fail('repartition', 'wrong', `${where}: step ${step} from ${previous} to ${sum} names no key of the group`);
    const next = this.groupTaken[k]!;
    if (values[next] === step) {
      this.tally.repartition.verified++;
      this.groupTaken[k] = next + 1;
      return;
    }
    const later = values.indexOf(step, next + 1);
    if (later >= 0) {
      this.fail('repartition', 'lost', `${where}: adds k${k}'s value #${later + 1}, #${next + 1}..#${later} missing`, later - next);
      this.tally.repartition.verified++;
      this.groupTaken[k] = later + 1;
    } else if (next > 0 && values.lastIndexOf(step, next - 1) >= 0) {
      this.fail('repartition', 'duplicated', `${where}: adds k${k}'s value ${step} again`);
    } else {
      this.fail('repartition', 'wrong', `${where}: step ${step} is no input value of k${k}`);
    }
  }

  private fail(output: Output, kind: 'lost' | 'duplicated' | 'wrong', message: string, count = 1): void {
    this.tally[output][kind] += count;
    const messages = this.messages.get(output)!;
    if (messages.length < MESSAGES_PER_OUTPUT) messages.push(message);
  }
}
