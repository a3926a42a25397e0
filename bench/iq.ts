/**
 * `npm run bench:iq [-- --keys N --gets N --requests N --concurrency N --store leveldb|in-memory]`: interactive
 * queries without a broker. Six tasks (one per partition) of real StreamTasks hold N keys (default 100,000;
 * LevelDB stores, Java's default) and two "instances" (3 tasks each) serve them through the query service:
 *  - local `get` latency (p50/p99) through `store()`'s composite view: over all local tasks (as Java's
 *    `store()` without a partition, which tries each task's store) and with `withPartition` (the routed path);
 *  - HTTP query throughput: GET /v1/stores/{store}/keys/{key} on random keys, half of them hosted by the
 *    other instance (forwarded), with `--concurrency` requests in flight from one client;
 *  - paged scan throughput: the whole store in pages of 1,000 rows.
 * Client, both services and the stores share one event loop, so the HTTP figure is a floor. Writes
 * bench/results/iq-<date>.json. `npm run bench` runs it too (smaller).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamsConfig } from '../src/config/streams-config.js';
import { QueryService, QueryableStoreTypes, Serdes, StoreQueryParameters, Stores, Topology, type KeyValueStore } from '../src/index.js';
import type { QueryableStreams } from '../src/iq/local-reads.js';
import { getJson } from '../src/iq/query-client.js';
import { LocalStoreProvider } from '../src/iq/store-provider.js';
import { StreamsMetadataState } from '../src/iq/streams-metadata-state.js';
import { defaultPartition } from '../src/kafka/murmur2.js';
import { StreamTask } from '../src/processor/internals/stream-task.js';

const STORE = 'bench-store';
const PARTITIONS = 6;
const S = Serdes.String();

export interface IqBenchOptions {
  readonly keys: number;
  readonly gets: number;
  readonly requests: number;
  readonly concurrency: number;
  readonly store: 'leveldb' | 'in-memory';
}

export interface IqBenchResult extends IqBenchOptions {
  readonly getAllTasksUs: { p50: number; p99: number };
  readonly getPartitionUs: { p50: number; p99: number };
  readonly httpRequestsPerSecond: number;
  readonly httpLatencyMs: { p50: number; p99: number };
  readonly scanRowsPerSecond: number;
}

const keyOf = (i: number): string => `key-${String(i).padStart(7, '0')}`;
const partitionOf = (key: string): number => defaultPartition(Buffer.from(key, 'utf8'), PARTITIONS);
const percentile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

function topology(store: IqBenchOptions['store']): Topology {
  const supplier = store === 'leveldb' ? Stores.persistentKeyValueStore(STORE) : Stores.inMemoryKeyValueStore(STORE);
  return new Topology()
    .addSource('src', S.deserializer(), S.deserializer(), 'in')
    .addProcessor('noop', () => ({ process: () => undefined }), 'src')
    .addStateStore(Stores.keyValueStoreBuilder(supplier, S, S).withLoggingDisabled(), 'noop');
}

async function makeTask(t: Topology, partition: number, dir: string): Promise<StreamTask> {
  const builder = t.internalTopologyBuilder.setApplicationId('bench-iq');
  const task = new StreamTask({
    id: `0_${partition}`,
    plan: builder.buildTopology(),
    builder,
    config: new StreamsConfig({ 'application.id': 'bench-iq' }),
    collector: { send: () => undefined, partitionsFor: () => 1, flush: () => undefined },
    clock: Date.now,
    stateDir: join(dir, `0_${partition}`),
  });
  await task.initializeStores();
  return task;
}

/** One instance: its tasks behind the interactive-query provider, and routing over the shared assignment. */
function instance(tasks: readonly StreamTask[], self: string, byHost: Record<string, Array<{ topic: string; partition: number }>>): QueryableStreams {
  const provider = new LocalStoreProvider({
    state: () => 'RUNNING',
    tasks: () => tasks.map((task) => ({ partition: Number(task.taskId().split('_')[1]), store: (name: string) => task.store(name) })),
    globalStore: () => undefined,
    storeNames: () => new Set([STORE]),
  });
  const metadata = new StreamsMetadataState({
    subtopologies: [{ sourceTopics: ['in'], stores: [STORE] }],
    globalStores: [],
    partitionCounts: new Map([['in', PARTITIONS]]),
    thisHost: self,
    partitionsByHost: () => byHost,
  });
  return {
    store: (params) => provider.getStore(params),
    queryMetadataForKey: (store, key, serializer) => metadata.keyQueryMetadata(store, key, serializer),
    metadataForAllStreamsClients: () => metadata.allMetadata(),
    streamsMetadataForStore: (store) => metadata.metadataForStore(store),
    partitionsOfStore: (store) => metadata.partitionsOfStore(store),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Latencies of `n` gets of random keys among `keys`. */
async function latencies(n: number, keys: readonly string[], get: (key: string) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const us: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = keys[Math.floor(Math.random() * keys.length)]!;
    const t0 = process.hrtime.bigint();
    if ((await get(key)) === null) throw new Error(`bench: ${key} not found`);
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  us.sort((a, b) => a - b);
  return { p50: percentile(us, 0.5), p99: percentile(us, 0.99) };
}

export async function runIqBench(o: IqBenchOptions): Promise<IqBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kstreams-iq-bench-'));
  const t = topology(o.store);
  const tasks = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => makeTask(t, p, dir)));
  const stores = tasks.map((task) => task.store(STORE) as KeyValueStore<string, string>);
  for (let i = 0; i < o.keys; i++) {
    const key = keyOf(i);
    await stores[partitionOf(key)]!.put(key, `value-of-${key}-${'x'.repeat(60)}`);
  }
  await Promise.all(tasks.map((task) => task.commit()));

  const services: QueryService[] = [];
  try {
    const endpoints = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
    const byHost = {
      [endpoints[0]!]: [0, 1, 2].map((partition) => ({ topic: 'in', partition })),
      [endpoints[1]!]: [3, 4, 5].map((partition) => ({ topic: 'in', partition })),
    };
    const instances = endpoints.map((e, i) => instance(tasks.slice(i * 3, i * 3 + 3), e, byHost));
    for (const [i, e] of endpoints.entries()) {
      const service = new QueryService(instances[i]!, t, { applicationServer: e });
      await service.start();
      services.push(service);
    }

    // the first instance's keys (partitions 0-2), read through its store() view
    const params = StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore<string, string>());
    const local = Array.from({ length: o.keys }, (_, i) => keyOf(i)).filter((key) => partitionOf(key) < 3);
    const view = instances[0]!.store(params);
    const getAllTasksUs = await latencies(o.gets, local, async (key) => view.get(key));
    const getPartitionUs = await latencies(o.gets, local, async (key) => instances[0]!.store(params.withPartition(partitionOf(key))).get(key));

    const ms: number[] = [];
    let sent = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: o.concurrency }, async (_, worker) => {
        while (sent < o.requests) {
          sent++;
          const key = keyOf(Math.floor(Math.random() * o.keys));
          const t0 = process.hrtime.bigint();
          const answer = await getJson(endpoints[worker % 2]!, `/v1/stores/${STORE}/keys/${key}`);
          if (answer.status !== 200) throw new Error(`bench: HTTP ${answer.status} for ${key}: ${JSON.stringify(answer.body)}`);
          ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    const httpSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    ms.sort((a, b) => a - b);

    const scanStarted = process.hrtime.bigint();
    let rows = 0;
    for (let path = `/v1/stores/${STORE}/range?limit=1000`; ; ) {
      const page = (await getJson(endpoints[0]!, path)).body as { rows: unknown[]; next: string | null };
      rows += page.rows.length;
      if (page.next === null) break;
      path = `/v1/stores/${STORE}/range?limit=1000&token=${page.next}`;
    }
    if (rows !== o.keys) throw new Error(`bench: the scan returned ${rows} rows, expected ${o.keys}`);
    const scanSeconds = Number(process.hrtime.bigint() - scanStarted) / 1e9;

    return {
      ...o,
      getAllTasksUs,
      getPartitionUs,
      httpRequestsPerSecond: o.requests / httpSeconds,
      httpLatencyMs: { p50: percentile(ms, 0.5), p99: percentile(ms, 0.99) },
      scanRowsPerSecond: rows / scanSeconds,
    };
  } finally {
    await Promise.all(services.map((s) => s.close()));
    await Promise.all(tasks.map((task) => task.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printIqBench(r: IqBenchResult): void {
  const us = (x: { p50: number; p99: number }) => `p50 ${x.p50.toFixed(1)} µs, p99 ${x.p99.toFixed(1)} µs`;
  console.log(`\nInteractive queries, ${r.keys.toLocaleString('en')} keys in ${PARTITIONS} ${r.store} stores, node ${process.version}`);
  console.log(`  local get, all local tasks (3)  ${us(r.getAllTasksUs)}  (${r.gets.toLocaleString('en')} gets)`);
  console.log(`  local get, withPartition        ${us(r.getPartitionUs)}`);
  console.log(
    `  HTTP GET key (half forwarded)   ${Math.round(r.httpRequestsPerSecond).toLocaleString('en')} requests/s, ` +
      `p50 ${r.httpLatencyMs.p50.toFixed(2)} ms, p99 ${r.httpLatencyMs.p99.toFixed(2)} ms (${r.requests.toLocaleString('en')} requests, ${r.concurrency} in flight)`,
  );
  console.log(`  HTTP paged scan (1,000/page)    ${Math.round(r.scanRowsPerSecond).toLocaleString('en')} rows/s`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const result = await runIqBench({
    keys: Number(arg('--keys') ?? 100_000),
    gets: Number(arg('--gets') ?? 100_000),
    requests: Number(arg('--requests') ?? 20_000),
    concurrency: Number(arg('--concurrency') ?? 32),
    store: arg('--store') === 'in-memory' ? 'in-memory' : 'leveldb',
  });
  printIqBench(result);
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/iq-${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, ...result }, null, 2));
  console.log(`\nwritten to ${file}`);
}
