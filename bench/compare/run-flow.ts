/**
 * A bench/compare runner: the reference topologies that @kafkats/flow can express, on the broker (see
 * protocol.ts). They mirror bench/reference/topologies.ts as far as its DSL goes: the same topics, serdes
 * (string keys and values, 8-byte big-endian long counts) and logic. Differences it imposes: its stores are
 * in memory (changelogged), it has no record cache (every update is emitted), no window grace, and its join
 * window is symmetric without grace. order-fill needs the Processor API, which flow lacks (main.ts lists
 * what this runner can run).
 */
import { flow, string, TimeWindows, type Codec, type FlowApp, type KStream } from '@kafkats/flow';
import { HOPPING_ADVANCE_MS, HOPPING_SIZE_MS, JOIN_DIFFERENCE_MS } from '../reference/topologies.js';
import { runRunner } from './protocol.js';

const S = string();
const L: Codec<number> = {
  encode: (v) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(v));
    return b;
  },
  decode: (b) => Number(b.readBigInt64BE()),
};

/** Declares `name` on `app`; `counted` wraps every source stream to count the records it processes. */
function declare(app: FlowApp, name: string, counted: (s: KStream<string, string>) => KStream<string, string>): void {
  const source = (topic: string) => counted(app.stream(topic, { key: S, value: S }));
  switch (name) {
    case 'stateless':
      source('input')
        .filter((_k, v) => v !== null && !v.endsWith('7'))
        .mapValues((v) => v!.toUpperCase())
        .to('output', { key: S, value: S });
      return;
    case 'count':
      source('input')
        .groupByKey({ key: S, value: S })
        .count({ storeName: 'counts', key: S, value: L })
        .toStream()
        .to('output', { key: S, value: L });
      return;
    case 'hopping-count':
      source('input')
        .groupByKey({ key: S, value: S })
        .windowedBy(TimeWindows.of(HOPPING_SIZE_MS).advanceBy(HOPPING_ADVANCE_MS))
        .count({ storeName: 'hopping-counts', value: L })
        .toStream()
        .map((wk, v): [string, number] => [`${wk!.key}@${wk!.window.start}`, v!])
        .to('output', { key: S, value: L });
      return;
    case 'stream-join':
      source('left')
        .join(source('right'), (l, r) => `${l}|${r}`, { within: TimeWindows.of(JOIN_DIFFERENCE_MS) })
        .to('output', { key: S, value: S });
      return;
    default:
      throw new Error(`@kafkats/flow cannot express ${name}`);
  }
}

runRunner(async (cfg) => {
  const commitInterval = cfg.properties['commit.interval.ms'];
  const app = flow({
    applicationId: cfg.applicationId,
    client: { brokers: [cfg.bootstrapServers], clientId: cfg.applicationId, logLevel: 'error' },
    processingGuarantee: cfg.guarantee === 'exactly_once_v2' ? 'exactly_once' : 'at_least_once',
    stateDir: cfg.stateDir,
    // Kafka Streams' default (flow's is latest, which would skip the pre-produced input)
    consumer: { autoOffsetReset: 'earliest' },
    ...(commitInterval === undefined ? {} : { commitIntervalMs: Number(commitInterval) }),
  });
  let processed = 0;
  declare(app, cfg.topology, (s) => s.peek(() => void processed++));
  await app.start();
  return { processed: () => processed, close: () => app.close() };
});
