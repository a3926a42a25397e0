import { Consumed, JoinWindows, Produced, Serdes, StreamsBuilder, type Topology } from '../src/index.js';
import { TopologyTestDriver } from '../test-driver/index.js';
import { drain, type BenchResult } from './driver-throughput.js';

const S = Serdes.String();

/**
 * A windowed stream-stream join, `left.join(right)` (or `leftJoin`, which also keeps unmatched records in
 * its outer store until their window closes) within ±100 ms and 50 ms grace, over LevelDB window stores
 * (the DSL default) or in memory.
 */
export function streamStreamJoin(store: 'persistent' | 'in_memory', kind: 'join' | 'leftJoin' = 'join'): Topology {
  const b = new StreamsBuilder();
  const left = b.stream<string, string>('left', Consumed.with(S, S));
  const right = b.stream<string, string>('right', Consumed.with(S, S));
  const windows = JoinWindows.ofTimeDifferenceAndGrace(100, 50);
  const joined = kind === 'join' ? left.join(right, (l, r) => `${l}|${r}`, windows) : left.leftJoin(right, (l, r) => `${l}|${r}`, windows);
  joined.to('output', Produced.with(S, S));
  return b.build(store === 'in_memory' ? { 'default.dsl.store': 'in_memory' } : {});
}

/**
 * Pipes `recordsPerSide` records into each side, alternating left and right, keys from a pool of
 * `distinctKeys`, one millisecond apart: each right record finds its left partner (so one output per pair),
 * and every 10th left record gets no partner (a left join emits it once its window closed). Queued
 * outputs and changelogs are dropped every 1k pairs, as in `runDriverBench`.
 */
export async function runJoinBench(name: string, topology: Topology, recordsPerSide: number, distinctKeys: number): Promise<BenchResult> {
  const driver = new TopologyTestDriver(topology, { 'application.id': 'bench', 'statestore.cache.max.bytes': 10 * 1024 * 1024 }, 0);
  const left = driver.createInputTopic('left', S, S, 0, 0);
  const right = driver.createInputTopic('right', S, S, 0, 0);
  const output = driver.createOutputTopic('output', S, S);
  const keys = Array.from({ length: distinctKeys }, (_, i) => `key-${i}`);
  let produced = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < recordsPerSide; i++) {
    const key = keys[i % distinctKeys]!;
    await left.pipeInput(key, `l-${i}`, i);
    await right.pipeInput(i % 10 === 9 ? `${key}-other` : key, `r-${i}`, i);
    if (i % 1_000 === 999) produced += drain(driver, output);
  }
  produced += drain(driver, output);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const heapUsedMiB = process.memoryUsage().heapUsed / 1024 / 1024;
  await driver.close();
  const records = 2 * recordsPerSide;
  return { name, records, seconds, recordsPerSecond: records / seconds, outputRecords: produced, heapUsedMiB };
}
