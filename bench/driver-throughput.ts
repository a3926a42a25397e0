import { Consumed, Produced, Serdes, StreamsBuilder, TimeWindows, WindowedSerdes, type Topology } from '../src/index.js';
import { TopologyTestDriver } from '../test-driver/index.js';

/** One benchmark's result: records piped, elapsed time, and records/second. */
export interface BenchResult {
  name: string;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  outputRecords: number;
  heapUsedMiB: number;
}

const S = Serdes.String();
const L = Serdes.Long();

export function statelessChain(): Topology {
  const b = new StreamsBuilder();
  b.stream<string, string>('input', Consumed.with(S, S))
    .filter((_k, v) => !v.endsWith('7'))
    .mapValues((v) => v.toUpperCase())
    .to('output', Produced.with(S, S));
  return b.build();
}

/** `groupByKey().count()`; its store is LevelDB (the DSL default, as Java's RocksDB) or in memory. */
export function groupByKeyCount(store: 'persistent' | 'in_memory' = 'persistent'): Topology {
  const b = new StreamsBuilder();
  b.stream<string, string>('input', Consumed.with(S, S)).groupByKey().count().toStream().to('output', Produced.with(S, L));
  return b.build(store === 'in_memory' ? { 'default.dsl.store': 'in_memory' } : {});
}

/**
 * Hopping windowed count: windows of 60 s advancing by 10 s (each record counts in 6 windows; timestamps
 * advance 1 ms per record), in a LevelDB window store (the DSL default) or in memory.
 */
export function hoppingWindowedCount(store: 'persistent' | 'in_memory' = 'persistent'): Topology {
  const b = new StreamsBuilder();
  b.stream<string, string>('input', Consumed.with(S, S))
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(60_000).advanceBy(10_000))
    .count()
    .toStream()
    .to('output', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, 60_000), L));
  return b.build(store === 'in_memory' ? { 'default.dsl.store': 'in_memory' } : {});
}

/**
 * Pipes `records` records (keys from a pool of `distinctKeys`) through the TopologyTestDriver, reading the
 * output (and changelog) topics every 1k records, as a test reads its outputs, so that memory reflects the
 * engine rather than an ever-growing queue of unread records.
 */
export async function runDriverBench(name: string, topology: Topology, records: number, distinctKeys: number): Promise<BenchResult> {
  const driver = new TopologyTestDriver(topology, { 'application.id': 'bench', 'statestore.cache.max.bytes': 10 * 1024 * 1024 }, 0);
  const input = driver.createInputTopic('input', S, S, 0, 1);
  const output = driver.createOutputTopic('output', S, S);
  const keys = Array.from({ length: distinctKeys }, (_, i) => `key-${i}`);
  let produced = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < records; i++) {
    await input.pipeInput(keys[i % distinctKeys]!, `value-${i}`, i);
    if (i % 1_000 === 999) produced += drain(driver, output);
  }
  produced += drain(driver, output);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const heapUsedMiB = process.memoryUsage().heapUsed / 1024 / 1024;
  await driver.close();
  return { name, records, seconds, recordsPerSecond: records / seconds, outputRecords: produced, heapUsedMiB };
}

/**
 * Drops every topic's queued records (output and changelogs) without deserializing them: we measure the
 * engine, not the reader, and Java's driver would keep unread records in memory just the same.
 */
export function drain(driver: TopologyTestDriver, output: { getQueueSize(): number }): number {
  const n = output.getQueueSize();
  for (const topic of driver.producedTopicNames()) while (driver.readOutput(topic) !== undefined);
  return n;
}
