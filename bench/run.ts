/**
 * `npm run bench [-- --records N --keys K]`: in-memory TopologyTestDriver throughput, 1M records per
 * benchmark by default, then interactive queries (bench/iq.ts), run from the compiled output (as users run
 * it, not through a TS loader). Prints a table and writes bench/results/driver-<date>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { groupByKeyCount, hoppingWindowedCount, runDriverBench, statelessChain, type BenchResult } from './driver-throughput.js';
import { printIqBench, runIqBench } from './iq.js';
import { runJoinBench, streamStreamJoin } from './join-throughput.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const records = Number(arg('--records') ?? 1_000_000);
const keys = Number(arg('--keys') ?? 10_000);

const targets: Record<string, number> = {
  'stateless filter->mapValues->to': 500_000,
  'groupByKey().count() in-memory': 200_000,
  'groupByKey().count() LevelDB': 200_000,
  'hopping windowed count in-memory': 100_000,
  'hopping windowed count LevelDB': 100_000,
  // records/s over both sides (--records per side)
  'stream-stream join in-memory': 100_000,
  'stream-stream join LevelDB': 20_000,
};
const results: BenchResult[] = [];
results.push(await runDriverBench('stateless filter->mapValues->to', statelessChain(), records, keys));
results.push(await runDriverBench('groupByKey().count() in-memory', groupByKeyCount('in_memory'), records, keys));
results.push(await runDriverBench('groupByKey().count() LevelDB', groupByKeyCount('persistent'), records, keys));
results.push(await runDriverBench('hopping windowed count in-memory', hoppingWindowedCount('in_memory'), records, keys));
results.push(await runDriverBench('hopping windowed count LevelDB', hoppingWindowedCount('persistent'), records, keys));
results.push(await runJoinBench('stream-stream join in-memory', streamStreamJoin('in_memory'), records, keys));
results.push(await runJoinBench('stream-stream join LevelDB', streamStreamJoin('persistent'), records, keys));

console.log(`\nTopologyTestDriver throughput, ${records.toLocaleString('en')} records, ${keys.toLocaleString('en')} distinct keys, node ${process.version}`);
console.log('benchmark                          records/s     target    seconds   output   heap MiB');
for (const r of results) {
  const target = targets[r.name]!;
  console.log(
    `${r.name.padEnd(33)} ${Math.round(r.recordsPerSecond).toLocaleString('en').padStart(10)} ${(r.recordsPerSecond >= target ? '>=' : '< ') + (target / 1000).toFixed(0) + 'k'}`.padEnd(58) +
      `${r.seconds.toFixed(2).padStart(8)} ${String(r.outputRecords).padStart(8)} ${r.heapUsedMiB.toFixed(0).padStart(9)}`,
  );
}
// interactive queries: local get latency and HTTP query throughput (bench/iq.ts; npm run bench:iq for options)
const iq = await runIqBench({ keys: 100_000, gets: 50_000, requests: 10_000, concurrency: 32, store: 'leveldb' });
printIqBench(iq);
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/driver-${new Date().toISOString().slice(0, 10)}.json`;
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, records, keys, results, iq }, null, 2));
console.log(`\nwritten to ${file}`);
