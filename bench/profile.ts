/** `node --cpu-prof dist/bench/profile.js stateless|count|count-leveldb [records]`: one benchmark alone, for profiling. */
import { groupByKeyCount, runDriverBench, statelessChain } from './driver-throughput.js';

const which = process.argv[2] ?? 'stateless';
const records = Number(process.argv[3] ?? 1_000_000);
const topology = which === 'count' ? groupByKeyCount('in_memory') : which === 'count-leveldb' ? groupByKeyCount('persistent') : statelessChain();
const r = await runDriverBench(which, topology, records, 10_000);
console.log(`${which}: ${Math.round(r.recordsPerSecond)} records/s`);
