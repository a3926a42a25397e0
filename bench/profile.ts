/**
 * `node --cpu-prof dist/bench/profile.js <name> [records]`: one driver benchmark alone, for profiling.
 * Names: stateless, count, count-leveldb, hopping, hopping-leveldb, join, join-leveldb.
 */
import { groupByKeyCount, hoppingWindowedCount, runDriverBench, statelessChain, type BenchResult } from './driver-throughput.js';
import { runJoinBench, streamStreamJoin } from './join-throughput.js';

const which = process.argv[2] ?? 'stateless';
const records = Number(process.argv[3] ?? 1_000_000);
const benches: Record<string, () => Promise<BenchResult>> = {
  stateless: () => runDriverBench(which, statelessChain(), records, 10_000),
  count: () => runDriverBench(which, groupByKeyCount('in_memory'), records, 10_000),
  'count-leveldb': () => runDriverBench(which, groupByKeyCount('persistent'), records, 10_000),
  hopping: () => runDriverBench(which, hoppingWindowedCount('in_memory'), records, 10_000),
  'hopping-leveldb': () => runDriverBench(which, hoppingWindowedCount('persistent'), records, 10_000),
  join: () => runJoinBench(which, streamStreamJoin('in_memory'), records, 10_000),
  'join-leveldb': () => runJoinBench(which, streamStreamJoin('persistent'), records, 10_000),
};
const bench = benches[which];
if (bench === undefined) throw new Error(`unknown benchmark "${which}"; choose one of: ${Object.keys(benches).join(', ')}`);
const r = await bench();
console.log(`${which}: ${Math.round(r.recordsPerSecond)} records/s`);
