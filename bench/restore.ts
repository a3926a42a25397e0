/**
 * `npm run bench:restore [-- --records N --keys K]`: replays a changelog of N records (default 1,000,000;
 * K distinct keys, default 100,000; 100-byte values) into an empty LevelDB store of a task through the
 * task's state manager, as a restarted or migrated task does, and reports records/s (the persistent-state
 * issue's target: ≥ 150k records/s). The changelog is held in memory, so the figure is the store side of
 * restoration, not the network. Writes bench/results/restore-<date>.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamsConfig } from '../src/config/streams-config.js';
import { Serdes, Stores, Topology } from '../src/index.js';
import type { ChangelogReader, ChangelogRecord } from '../src/processor/internals/changelog-reader.js';
import { StreamTask } from '../src/processor/internals/stream-task.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const RECORDS = Number(arg('--records') ?? 1_000_000);
const KEYS = Number(arg('--keys') ?? 100_000);
const BATCH = 5_000; // records per changelog fetch, close to what a broker fetch of 100-byte records returns

const value = Buffer.alloc(100, 7);
const log: ChangelogRecord[] = Array.from({ length: RECORDS }, (_, offset) => ({
  offset,
  key: Buffer.from(`key-${(offset * 7919) % KEYS}`),
  value,
  timestamp: offset,
}));
const reader: ChangelogReader = {
  endOffset: async () => RECORDS,
  read: async (_t, _p, from, to, onBatch) => {
    for (let i = from; i < to; i += BATCH) await onBatch(log.slice(i, Math.min(i + BATCH, to)));
  },
};

const topology = new Topology()
  .addSource('src', Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), 'in')
  .addProcessor('noop', () => ({ process: () => undefined }), 'src')
  .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('store'), Serdes.String(), Serdes.ByteArray()), 'noop');
const builder = topology.internalTopologyBuilder.setApplicationId('bench');
const dir = mkdtempSync(join(tmpdir(), 'kstreams-restore-'));
const task = new StreamTask({
  id: '0_0',
  plan: builder.buildTopology(),
  builder,
  config: new StreamsConfig({ 'application.id': 'bench' }),
  collector: { send: () => undefined, partitionsFor: () => 1, flush: () => undefined },
  clock: Date.now,
  stateDir: dir,
});
await task.initializeStores();
const start = process.hrtime.bigint();
let restored = 0;
await task.restore(reader, { onBatchRestored: (_tp, _s, _end, n) => void (restored += n) });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
await task.close();
rmSync(dir, { recursive: true, force: true });
const result = { records: RECORDS, keys: KEYS, restored, seconds, recordsPerSecond: RECORDS / seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
console.log(`restored ${restored.toLocaleString('en')} changelog records (${KEYS.toLocaleString('en')} keys) into LevelDB in ${seconds.toFixed(2)} s: ` +
  `${Math.round(result.recordsPerSecond).toLocaleString('en')} records/s (target >= 150k), peak RSS ${result.maxRssMiB.toFixed(0)} MiB`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/restore-${new Date().toISOString().slice(0, 10)}.json`, JSON.stringify(result, null, 2));
