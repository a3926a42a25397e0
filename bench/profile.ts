/** `node --cpu-prof dist/bench/profile.js stateless|count [records]`: one benchmark alone, for profiling. */
import { groupByKeyCount, runDriverBench, statelessChain } from './driver-throughput.js';

const which = process.argv[2] === 'count' ? 'count' : 'stateless';
const records = Number(process.argv[3] ?? 1_000_000);
const r = await runDriverBench(which, which === 'count' ? groupByKeyCount() : statelessChain(), records, 10_000);
console.log(`${which}: ${Math.round(r.recordsPerSecond)} records/s`);
