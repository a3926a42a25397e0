/**
 * The reference topologies of issue 8, declared with kstreams-ts. ReferenceTopologies.java declares the
 * same ones with Apache Kafka Streams: same topic names, serdes and store names, so that differential
 * conformance and the benchmarks compare like with like. Store types follow `default.dsl.store` in the
 * given properties (`rocksDB`, the default, or `in_memory`), order-fill's Processor API stores included.
 */
import {
  Consumed,
  JoinWindows,
  KeyValue,
  Materialized,
  Produced,
  Serdes,
  StreamJoined,
  StreamsBuilder,
  TimeWindows,
  type KStream,
  type StreamsProperties,
  type Topology,
} from '../../src/index.js';
import { addOrderFill } from '../../topologies/order-fill.js';

export const REFERENCE_TOPOLOGIES = ['stateless', 'count', 'hopping-count', 'stream-join', 'stream-left-join', 'stream-outer-join', 'order-fill'] as const;
export type ReferenceTopology = (typeof REFERENCE_TOPOLOGIES)[number];

export const HOPPING_SIZE_MS = 60_000;
export const HOPPING_ADVANCE_MS = 10_000;
export const HOPPING_GRACE_MS = 30_000;
export const JOIN_DIFFERENCE_MS = 100;
export const JOIN_BEFORE_MS = 60;
export const JOIN_GRACE_MS = 50;
/** order-fill's defaults (topologies/order-fill.ts), which the Java port hard-codes. */
export const UNKNOWN_ORDER_GRACE_MS = 60_000;

/** How a topic's values are encoded (keys are always strings). */
export type ValueFormat = 'string' | 'long' | 'json';

const S = Serdes.String();
const L = Serdes.Long();

export function isReferenceTopology(name: string): name is ReferenceTopology {
  return (REFERENCE_TOPOLOGIES as readonly string[]).includes(name);
}

function isJoin(name: ReferenceTopology): boolean {
  return name === 'stream-join' || name === 'stream-left-join' || name === 'stream-outer-join';
}

export function inputTopics(name: ReferenceTopology): string[] {
  if (isJoin(name)) return ['left', 'right'];
  return name === 'order-fill' ? ['orders', 'fills'] : ['input'];
}

export function outputTopics(name: ReferenceTopology): string[] {
  return name === 'order-fill' ? ['order-state', 'orders-filled', 'order-anomalies'] : ['output'];
}

export function valueFormat(name: ReferenceTopology, topic: string): ValueFormat {
  if (topic === 'output') return name === 'count' || name === 'hopping-count' ? 'long' : 'string';
  return name === 'order-fill' ? 'json' : 'string';
}

export function buildReferenceTopology(name: ReferenceTopology, props: StreamsProperties = {}): Topology {
  const b = new StreamsBuilder();
  switch (name) {
    case 'stateless':
      b.stream<string, string>('input', Consumed.with(S, S))
        .filter((_k, v) => v !== null && !v.endsWith('7'))
        .mapValues((v) => v.toUpperCase())
        .to('output', Produced.with(S, S));
      break;
    case 'count':
      b.stream<string, string>('input', Consumed.with(S, S))
        .groupByKey()
        .count(Materialized.as('counts'))
        .toStream()
        .to('output', Produced.with(S, L));
      break;
    case 'hopping-count':
      b.stream<string, string>('input', Consumed.with(S, S))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(HOPPING_SIZE_MS, HOPPING_GRACE_MS).advanceBy(HOPPING_ADVANCE_MS))
        .count(Materialized.as('hopping-counts'))
        .toStream()
        .map((wk, v) => KeyValue.pair(`${wk.key}@${wk.window.start}`, v))
        .to('output', Produced.with(S, L));
      break;
    case 'stream-join':
    case 'stream-left-join':
    case 'stream-outer-join':
      streamJoin(b, name);
      break;
    case 'order-fill':
      addOrderFill(b, { storeType: props['default.dsl.store'] === 'in_memory' ? 'in-memory' : 'persistent' });
      break;
  }
  return b.build(props);
}

/**
 * left ⋈ right: a left record joins right records from 60 ms before to 100 ms after it (unequal sides, so
 * that mixing up before and after shows), 50 ms grace; stores `join-this-join-store` etc.
 */
function streamJoin(b: StreamsBuilder, name: 'stream-join' | 'stream-left-join' | 'stream-outer-join'): void {
  const left = b.stream<string, string>('left', Consumed.with(S, S));
  const right = b.stream<string, string>('right', Consumed.with(S, S));
  const windows = JoinWindows.ofTimeDifferenceAndGrace(JOIN_DIFFERENCE_MS, JOIN_GRACE_MS).before(JOIN_BEFORE_MS);
  const joiner = (l: string | null, r: string | null) => `${l}|${r}`;
  const joined = StreamJoined.with(S, S, S).withStoreName('join');
  const out: KStream<string, string> =
    name === 'stream-join'
      ? left.join(right, joiner, windows, joined)
      : name === 'stream-left-join'
        ? left.leftJoin(right, joiner, windows, joined)
        : left.outerJoin(right, joiner, windows, joined);
  out.to('output', Produced.with(S, S));
}
