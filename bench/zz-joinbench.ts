import { runJoinBench, streamStreamJoin } from './join-throughput.js';
import { groupByKeyCount, runDriverBench } from './driver-throughput.js';
const n = Number(process.argv[2] ?? 100000);
const which = process.argv[3] ?? 'all';
if (which === 'count' || which === 'all') {
  const r = await runDriverBench('count', groupByKeyCount('in_memory'), n, 10000);
  console.log('count in-memory', Math.round(r.recordsPerSecond), r.seconds.toFixed(2));
}
for (const [name, t] of [['join in-memory', streamStreamJoin('in_memory')], ['leftJoin in-memory', streamStreamJoin('in_memory', 'leftJoin')], ['join LevelDB', streamStreamJoin('persistent')]] as const) {
  if (which !== 'all' && !name.includes(which)) continue;
  const r = await runJoinBench(name, t, n, 10000);
  console.log(name, Math.round(r.recordsPerSecond), r.seconds.toFixed(2), r.outputRecords, r.heapUsedMiB.toFixed(0));
}
