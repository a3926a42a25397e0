/**
 * The soak's topology and record format, after Kafka's exactly-once system test (EosTestClient):
 *
 *   data ─┬─> echo                                   every input record, as is
 *         ├─ groupByKey ─┬─ aggregate(min) ─> min    running minimum per key   (Integer)
 *         │              ├─ aggregate(sum) ─> sum    running sum per key       (Long)
 *         │              └─ count          ─> cnt    running count per key     (Long)
 *         └─ groupBy(group of the key) ─ aggregate(sum) ─> repartition
 *                                                    running sum per group, through a repartition topic
 *
 * Keys are `k<index>` (index < KEYS); a value is `random * 100 + index`, so a step of the per-group sum
 * names the key whose record it added (step % 100) and the verifier can replay any interleaving.
 * Caches are off (see instance.ts), so every input record yields exactly one record on each output.
 */
import { Consumed, Grouped, Materialized, Produced, Serdes, StreamsBuilder, type Topology } from '../../src/index.js';

export const OUTPUTS = ['echo', 'min', 'sum', 'cnt', 'repartition'] as const;
export type Output = (typeof OUTPUTS)[number];
/** Topic names: `data` and the outputs, behind a prefix so runs on a shared broker never collide. */
export interface SoakTopics {
  readonly input: string;
  readonly outputs: Readonly<Record<Output, string>>;
}

export function soakTopics(prefix = ''): SoakTopics {
  return {
    input: `${prefix}data`,
    outputs: Object.fromEntries(OUTPUTS.map((o) => [o, `${prefix}${o}`])) as Record<Output, string>,
  };
}

export const PARTITIONS = 6;
export const KEYS = 60;
export const GROUPS = 7;
/** Values stay below 2^31 (Integer) and a group's sum of a long run below 2^53. */
const RANDOM_RANGE = 100_000;

export function keyName(index: number): string {
  return `k${index}`;
}

export function keyIndex(key: string): number {
  return Number(key.slice(1));
}

export function groupOf(index: number): string {
  return `g${index % GROUPS}`;
}

export function randomValue(index: number): number {
  return Math.floor(Math.random() * RANDOM_RANGE) * 100 + index;
}

const S = Serdes.String();
const I = Serdes.Integer();
const L = Serdes.Long();

export function soakTopology({ input, outputs }: SoakTopics): Topology {
  const b = new StreamsBuilder();
  const data = b.stream<string, number>(input, Consumed.with(S, I));
  data.to(outputs.echo, Produced.with(S, I));

  const byKey = data.groupByKey();
  byKey
    .aggregate(() => 0x7fffffff, (_k, v, min) => Math.min(v, min), Materialized.as<string, number>('min').withValueSerde(I))
    .toStream()
    .to(outputs.min, Produced.with(S, I));
  byKey
    .aggregate(() => 0, (_k, v, sum) => sum + v, Materialized.as<string, number>('sum').withValueSerde(L))
    .toStream()
    .to(outputs.sum, Produced.with(S, L));
  byKey.count(Materialized.as<string, number>('cnt')).toStream().to(outputs.cnt, Produced.with(S, L));

  data
    .groupBy((k) => groupOf(keyIndex(k)), Grouped.with('by-group', S, I))
    .aggregate(() => 0, (_g, v, sum) => sum + v, Materialized.as<string, number>('group-sum').withValueSerde(L))
    .toStream()
    .to(outputs.repartition, Produced.with(S, L));
  return b.build();
}
