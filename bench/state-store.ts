/**
 * `npm run bench:state [-- --keys N --reads M --cache-mib C --commit-every P --heap-mib H --max-open-files F --dir D --keep]`:
 * a state larger than memory through the full persistent key-value stack — metered (String keys, ByteArray
 * values) → caching (one record cache of C MiB, default 64) → no change-logging → LevelDB — as a task
 * would use it:
 *
 * 1. writes N distinct keys (default 10,000,000) with 100-byte values, in a scrambled order, flushing the
 *    store every P puts (default 10,000) as commits would (the cache's dirty entries go to LevelDB in one
 *    batch per flush);
 * 2. reads M random keys back (default 1,000,000) across the whole key space: mostly LevelDB reads
 *    ("uncached"), each then cached as Java's caching store does;
 * 3. reads M random keys of a working set that fits in the cache ("cached");
 * and reports puts/s, gets/s and the peak RSS (targets of the persistent-state issue: RSS < 600 MiB,
 * ≥ 100k puts/s, ≥ 100k cached gets/s). `--keys 1000000` is the quick variant. The V8 heap is capped at
 * H MiB (default 384; 0: Node's default), see HEAP_MIB below.
 *
 * Run from the compiled output (as users run it), e.g. `npm run bench:state -- --keys 1000000`.
 * Writes bench/results/state-store-<date>-<keys>.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamsConfig } from '../src/config/streams-config.js';
import { Headers } from '../src/processor/headers.js';
import type { Serde } from '../src/serde/serde.js';
import { Serdes } from '../src/serde/serdes.js';
import { LevelKeyValueStore } from '../src/state/internals/level-key-value-store.js';
import type { MeteredKeyValueStore } from '../src/state/internals/metered-key-value-store.js';
import { RecordCache } from '../src/state/internals/record-cache.js';
import type { StateStore, StateStoreContext } from '../src/state/state-store.js';
import { Stores } from '../src/state/stores.js';
import { isPromise } from '../src/util/maybe-promise.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const KEYS = Number(arg('--keys') ?? 10_000_000);
const READS = Number(arg('--reads') ?? 1_000_000);
const CACHE_MIB = Number(arg('--cache-mib') ?? 64);
const COMMIT_EVERY = Number(arg('--commit-every') ?? 10_000);
const VALUE_BYTES = 100;
const KEEP = process.argv.includes('--keep');
const REPORT_MS = Number(arg('--report-ms') ?? 10_000);
const baseDir = arg('--dir') ?? tmpdir();
/** LevelDB's open-table limit, through `rocksdb.config.setter` (default: ours, 1000). See LevelStoreOptions.maxOpenFiles. */
const MAX_OPEN_FILES = arg('--max-open-files');
const APP_CONFIGS: Record<string, unknown> =
  MAX_OPEN_FILES === undefined ? {} : { [StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG]: () => ({ maxOpenFiles: Number(MAX_OPEN_FILES) }) };

/**
 * The V8 heap limit the benchmark runs under (`--max-old-space-size`), as a JVM runs under `-Xmx`: with
 * Node's default limit (a quarter of the machine's memory, up to 4 GiB) V8 lets the old generation grow to
 * three or four times the live data before it collects, and a cache that evicts an entry per put makes
 * garbage at that pace. `--heap-mib 0` keeps Node's default. The benchmark starts itself again under the
 * limit when it is not already set.
 */
const HEAP_MIB = Number(arg('--heap-mib') ?? 384);
if (HEAP_MIB > 0 && !process.execArgv.some((a) => a.startsWith('--max-old-space-size'))) {
  const child = spawnSync(process.execPath, [...process.execArgv, `--max-old-space-size=${HEAP_MIB}`, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}

const TARGETS = { rssMiB: 600, putsPerSecond: 100_000, cachedGetsPerSecond: 100_000 };

/** A task's view for one store: its state directory and the record cache; no changelog. */
class BenchContext implements StateStoreContext {
  constructor(
    private readonly dir: string,
    private readonly recordCache: RecordCache,
  ) {}
  applicationId(): string {
    return 'bench';
  }
  taskId(): string {
    return '0_0';
  }
  stateDir(): string {
    return this.dir;
  }
  appConfigs(): Readonly<Record<string, unknown>> {
    return APP_CONFIGS;
  }
  keySerde(): Serde<unknown> | null {
    return null;
  }
  valueSerde(): Serde<unknown> | null {
    return null;
  }
  register(_store: StateStore): void {}
  logChange(): void {
    throw new Error('logging is off in this benchmark');
  }
  recordTimestamp(): number {
    return 0;
  }
  recordHeaders(): Headers {
    return new Headers();
  }
  cache(): RecordCache | null {
    return this.recordCache;
  }
  recordContext(): unknown {
    return null;
  }
  withRecordContext<T>(_snapshot: unknown, fn: () => T): T {
    return fn();
  }
}

/** The i-th key written: a bijection of [0, KEYS) so that keys arrive in no particular order. */
const STEP = 7_368_787; // a prime that divides no key count used here
const keyId = (i: number): number => (i * STEP + 12_345) % KEYS; // exact: i * STEP < 2^53
const keyOf = (id: number): string => `key-${String(id).padStart(9, '0')}`;

/** Random bytes that values are cut from (so that making a value costs the benchmark little). */
const RANDOM = Buffer.allocUnsafe(1 << 20);
{
  let x = 0x2545f491;
  for (let o = 0; o < RANDOM.length; o += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    RANDOM.writeInt32LE(x | 0, o);
  }
}
let randomOffset = 0;

/** A fresh 100-byte value: the key id, then random (incompressible) bytes. */
function valueOf(id: number): Buffer {
  const v = Buffer.allocUnsafe(VALUE_BYTES);
  v.writeUInt32BE(id, 0);
  if (randomOffset + VALUE_BYTES > RANDOM.length) randomOffset = (randomOffset * 7 + 13) % 4096;
  RANDOM.copy(v, 4, randomOffset, randomOffset + VALUE_BYTES - 4);
  randomOffset += VALUE_BYTES - 1; // a different alignment each time
  return v;
}

let rng = 0x9e3779b9 | 0;
/** xorshift32: uniform enough in [0, n) for n up to 2^32. */
const random = (n: number): number => {
  rng ^= rng << 13;
  rng ^= rng >>> 17;
  rng ^= rng << 5;
  return Math.floor(((rng >>> 0) / 4294967296) * n);
};

const mib = (bytes: number): number => bytes / (1024 * 1024);
const maxRssMiB = (): number => process.resourceUsage().maxRSS / 1024;

/**
 * RSS split as Linux reports it (/proc/self/status): anonymous memory (the JS heap, Buffers, LevelDB's
 * memtables and block cache) and file-backed pages. LevelDB reads its table files through mmap, so the
 * pages of those files that reads touch count in the RSS as file-backed pages: clean page cache that the
 * kernel reclaims under pressure, not memory the process holds (RocksDB, as Java uses it, reads with
 * pread, whose page cache is not in the RSS). Sampled often to find the peaks.
 */
const peaks = { anonMiB: 0, fileMiB: 0 };
function sampleRss(): { anonMiB: number; fileMiB: number } {
  let anonMiB = NaN;
  let fileMiB = NaN;
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    anonMiB = Number(/RssAnon:\s+(\d+)/.exec(status)?.[1]) / 1024;
    fileMiB = (Number(/RssFile:\s+(\d+)/.exec(status)?.[1]) + Number(/RssShmem:\s+(\d+)/.exec(status)?.[1] ?? 0)) / 1024;
  } catch {
    // not Linux: only the total peak is reported
  }
  if (anonMiB > peaks.anonMiB) peaks.anonMiB = anonMiB;
  if (fileMiB > peaks.fileMiB) peaks.fileMiB = fileMiB;
  return { anonMiB, fileMiB };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(baseDir, 'kstreams-bench-state-'));
  const cache = new RecordCache(CACHE_MIB * 1024 * 1024);
  const store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('bench'), Serdes.String(), Serdes.ByteArray())
    .withCachingEnabled()
    .withLoggingDisabled()
    .build() as MeteredKeyValueStore<string, Buffer>;
  await store.init(new BenchContext(dir, cache), store);

  // count the reads that reach LevelDB
  let level: unknown = store.wrapped();
  while (!(level instanceof LevelKeyValueStore)) level = (level as { inner: unknown }).inner;
  const levelStore = level as LevelKeyValueStore;
  let levelGets = 0;
  const levelGet = levelStore.get.bind(levelStore);
  levelStore.get = (key: Buffer) => {
    levelGets++;
    return levelGet(key);
  };

  console.log(
    `persistent key-value stack: metered(String, ByteArray) -> caching (${CACHE_MIB} MiB record cache) -> LevelDB, ` +
      `${KEYS.toLocaleString('en')} keys x ${VALUE_BYTES} B, flush every ${COMMIT_EVERY.toLocaleString('en')} puts, ` +
      `node ${process.version} ${process.execArgv.join(' ') || '(default flags)'}`,
  );
  console.log(`LevelDB in ${dir}`);

  // 1. writes
  let peakHeap = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let lastReport = t0;
  for (let i = 0; i < KEYS; i++) {
    const id = keyId(i);
    const r = store.put(keyOf(id), valueOf(id));
    if (isPromise(r)) await r;
    if ((i + 1) % COMMIT_EVERY === 0) {
      await store.flush();
      sampleRss();
      const now = performance.now();
      if (now - lastReport > REPORT_MS) {
        lastReport = now;
        const mem = process.memoryUsage();
        const heap = mib(mem.heapUsed);
        peakHeap = Math.max(peakHeap, heap);
        console.log(
          `  ${(i + 1).toLocaleString('en').padStart(12)} puts  ${Math.round((i + 1) / ((now - t0) / 1000)).toLocaleString('en')}/s  ` +
            `heap ${heap.toFixed(0)}/${mib(mem.heapTotal).toFixed(0)} MiB  external ${mib(mem.external).toFixed(0)} MiB  ` +
            `RSS ${mib(mem.rss).toFixed(0)} (anon ${sampleRss().anonMiB.toFixed(0)}, max ${maxRssMiB().toFixed(0)}) MiB  ` +
            `cache ${cache.size().toLocaleString('en')} entries`,
        );
      }
    }
  }
  await store.flush();
  const putSeconds = (performance.now() - t0) / 1000;
  const putCpu = process.cpuUsage(cpu0);
  /** CPU time of the whole process (the JS thread and LevelDB's threads) per put: steadier than puts/s on a shared machine. */
  const cpuMicrosPerPut = (putCpu.user + putCpu.system) / KEYS;
  const putsPerSecond = KEYS / putSeconds;
  peakHeap = Math.max(peakHeap, mib(process.memoryUsage().heapUsed));
  const rssAfterWrites = maxRssMiB();
  const anonAfterWrites = peaks.anonMiB;

  // 2. random reads across all keys
  levelGets = 0;
  let wrong = 0;
  const t1 = performance.now();
  for (let i = 0; i < READS; i++) {
    const id = random(KEYS);
    let v = store.get(keyOf(id));
    if (isPromise(v)) v = await v;
    if (v === null || v.readUInt32BE(0) !== id) wrong++;
    if (i % 10_000 === 0) sampleRss();
  }
  const uncachedSeconds = (performance.now() - t1) / 1000;
  const mixedGetsPerSecond = READS / uncachedSeconds;
  const mixedLevelGets = levelGets;

  // 3. random reads within a working set that fits in the cache (warmed first)
  const workingSet = Math.min(KEYS, 100_000);
  const base = random(KEYS - workingSet + 1);
  for (let id = base; id < base + workingSet; id++) {
    const v = store.get(keyOf(id));
    if (isPromise(v)) await v;
  }
  levelGets = 0;
  const t2 = performance.now();
  for (let i = 0; i < READS; i++) {
    const id = base + random(workingSet);
    let v = store.get(keyOf(id));
    if (isPromise(v)) v = await v;
    if (v === null || v.readUInt32BE(0) !== id) wrong++;
    if (i % 10_000 === 0) sampleRss();
  }
  const cachedSeconds = (performance.now() - t2) / 1000;
  const cachedGetsPerSecond = READS / cachedSeconds;
  const cachedLevelGets = levelGets;

  const approx = await store.approximateNumEntries();
  await store.close();
  sampleRss();
  const rssMiB = maxRssMiB();
  let diskMiB = NaN;
  try {
    diskMiB = Number(execFileSync('du', ['-sk', dir]).toString().split('\t')[0]) / 1024;
  } catch {
    // no du: leave it out
  }
  if (!KEEP) rmSync(dir, { recursive: true, force: true });

  const ok = (v: boolean): string => (v ? 'ok  ' : 'MISS');
  console.log('');
  console.log(
    `puts                 ${Math.round(putsPerSecond).toLocaleString('en').padStart(10)}/s   ${ok(putsPerSecond >= TARGETS.putsPerSecond)} target >= 100k/s   ` +
      `(${putSeconds.toFixed(1)} s; CPU ${cpuMicrosPerPut.toFixed(2)} µs/put over all threads, ${(putCpu.user / 1e6).toFixed(1)} s user + ${(putCpu.system / 1e6).toFixed(1)} s sys)`,
  );
  console.log(
    `gets, random (all)   ${Math.round(mixedGetsPerSecond).toLocaleString('en').padStart(10)}/s          ` +
      `${mixedLevelGets.toLocaleString('en')} of ${READS.toLocaleString('en')} read from LevelDB (uncached)`,
  );
  console.log(
    `gets, cached         ${Math.round(cachedGetsPerSecond).toLocaleString('en').padStart(10)}/s   ${ok(cachedGetsPerSecond >= TARGETS.cachedGetsPerSecond)} target >= 100k/s   ` +
      `(${cachedLevelGets.toLocaleString('en')} read from LevelDB; working set ${workingSet.toLocaleString('en')} keys)`,
  );
  console.log(
    `peak RSS, anonymous  ${peaks.anonMiB.toFixed(0).padStart(10)} MiB ${ok(peaks.anonMiB < TARGETS.rssMiB)} target < 600 MiB   ` +
      `(writes ${anonAfterWrites.toFixed(0)} MiB; JS heap used ~${peakHeap.toFixed(0)} MiB at most)`,
  );
  console.log(
    `peak RSS, total      ${rssMiB.toFixed(0).padStart(10)} MiB ${ok(rssMiB < TARGETS.rssMiB)} (after writes ${rssAfterWrites.toFixed(0)} MiB; ` +
      `file-backed up to ${peaks.fileMiB.toFixed(0)} MiB: LevelDB's mmapped table files, reclaimable page cache)`,
  );
  console.log(`LevelDB on disk      ${diskMiB.toFixed(0).padStart(10)} MiB;  approximateNumEntries ${approx.toLocaleString('en')};  wrong values read: ${wrong}`);

  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/state-store-${new Date().toISOString().slice(0, 10)}-${KEYS}.json`;
  writeFileSync(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        nodeFlags: process.execArgv,
        keys: KEYS,
        valueBytes: VALUE_BYTES,
        reads: READS,
        cacheMiB: CACHE_MIB,
        commitEvery: COMMIT_EVERY,
        maxOpenFiles: MAX_OPEN_FILES === undefined ? 1000 : Number(MAX_OPEN_FILES),
        putsPerSecond,
        putSeconds,
        cpuMicrosPerPut,
        mixedGetsPerSecond,
        mixedLevelGets,
        cachedGetsPerSecond,
        cachedLevelGets,
        peakRssMiB: rssMiB,
        peakRssAfterWritesMiB: rssAfterWrites,
        peakRssAnonMiB: peaks.anonMiB,
        peakRssAnonWritesMiB: anonAfterWrites,
        peakRssFileMiB: peaks.fileMiB,
        peakHeapMiB: peakHeap,
        diskMiB,
        approximateNumEntries: approx,
        wrong,
        targets: TARGETS,
      },
      null,
      2,
    ),
  );
  console.log(`\nwritten to ${file}`);
  if (wrong > 0) process.exitCode = 1;
}

await main();
