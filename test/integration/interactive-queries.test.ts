/**
 * Interactive queries on a real broker: three KafkaStreams instances (in this process, each with its own
 * state directory and query service) share a 6-partition table of 10k keys. Every key is readable through
 * every instance's HTTP endpoint (forwarded to its owner) and through `store()` on the owner that
 * `queryMetadataForKey` names; paged scans return every row once. One instance then leaves while the
 * others' restoration is held: queries get the not-ready error, never wrong data; once the tasks have
 * moved and restored, everything is readable again. Then the CLI runner (`kstreams run … --query-port`)
 * serves the seed topologies' stores (order-fill's state, the saga's orders-view) to `kstreams query`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  Consumed,
  KafkaStreams,
  KafkaStreamsState,
  Materialized,
  QueryService,
  QueryableStoreTypes,
  Serdes,
  StoreQueryParameters,
  StreamsBuilder,
  StreamsRebalancingError,
  UnknownStateStoreError,
} from '../../src/index.js';
import { runOnKafka } from '../../src/cli/kafka-run.js';
import { produce } from '../../src/cli/produce.js';
import { query } from '../../src/cli/query.js';
import { buildTopology, resolvedTopics, select, valueSerdes } from '../../src/cli/topology.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import { getJson } from '../../src/iq/query-client.js';
import { toArray } from '../../src/state/iterators.js';
import { createKafkaJsClient, type KafkaClient } from '../../src/kafka/index.js';
import { defaultPartition } from '../../src/kafka/murmur2.js';
import { bootstrapServers, kafkaClient, uniqueName } from './kafka.js';
import { createTopics, tempStateDir, waitUntil } from './streams-harness.js';
import { freePort } from '../iq/fixtures.js';

const PARTITIONS = 6;
const KEYS = Array.from({ length: 10_000 }, (_, i) => `key-${String(i).padStart(5, '0')}`);
const valueOf = (key: string): string => `value-of-${key}`;
const STORE = 'iq-table';
const S = Serdes.String();
const kv = () => StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore<string, string>());

/** Holds changelog reads (restoration) while closed, counting the reads waiting. */
class RestoreGate {
  waiting = 0;
  private opened: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;

  close(): void {
    this.opened = new Promise((r) => (this.release = r));
  }

  open(): void {
    this.release();
  }

  /** A Kafka client whose partition readers wait at the gate before reading a changelog. */
  client(clientId: string): KafkaClient {
    const client = createKafkaJsClient({ bootstrapServers: bootstrapServers(), clientId });
    const partitionReader = client.partitionReader.bind(client);
    client.partitionReader = async (config) => {
      const reader = await partitionReader(config);
      const readToEnd = reader.readToEnd.bind(reader);
      reader.readToEnd = async (start, onBatch, options) => {
        if (start.some((s) => s.topic.endsWith('-changelog'))) {
          this.waiting++;
          await this.opened.finally(() => this.waiting--);
        }
        return readToEnd(start, onBatch, options);
      };
      return reader;
    };
    return client;
  }
}

interface Instance {
  readonly name: string;
  readonly endpoint: string;
  readonly streams: KafkaStreams;
  readonly service: QueryService;
}

/** Runs `fn` over `items` with `concurrency` in flight; returns the results in order. */
async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** Problems found reading every key through `via`'s HTTP endpoint (empty: all right). */
async function httpProblems(via: Instance, owners: ReadonlyMap<string, string>): Promise<string[]> {
  const answers = await pool(KEYS, 32, (key) => getJson(via.endpoint, `/v1/stores/${STORE}/keys/${key}`));
  const problems: string[] = [];
  answers.forEach((a, i) => {
    const key = KEYS[i]!;
    const body = a.body as { value?: string; host?: string };
    if (a.status !== 200 || body.value !== valueOf(key) || body.host !== owners.get(key)) problems.push(`${via.name} ${key}: HTTP ${a.status} ${JSON.stringify(a.body)}`);
  });
  return problems;
}

/** Every key's owner per `queryMetadataForKey`, checked against the producer's partitioning and `store()` on the owner. */
async function ownersChecked(instances: readonly Instance[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const key of KEYS) {
    const metas = instances.map((i) => i.streams.queryMetadataForKey(STORE, key, S.serializer())!);
    const partition = defaultPartition(Buffer.from(key, 'utf8'), PARTITIONS);
    for (const m of metas) {
      expect(m.partition).toBe(partition);
      expect(m.activeHost.toString()).toBe(metas[0]!.activeHost.toString());
      expect(m.standbyHosts).toEqual([]);
    }
    const owner = instances.find((i) => i.endpoint === metas[0]!.activeHost.toString())!;
    expect(await owner.streams.store(kv()).get(key)).toBe(valueOf(key));
    expect(await owner.streams.store(kv().withPartition(partition)).get(key)).toBe(valueOf(key));
    owners.set(key, owner.endpoint);
  }
  return owners;
}

/** Reads the whole store through `via` in pages of `limit`; returns the keys in the order served. */
async function scan(via: Instance, limit: number): Promise<string[]> {
  const keys: string[] = [];
  let path = `/v1/stores/${STORE}/range?limit=${limit}`;
  for (;;) {
    const answer = await getJson(via.endpoint, path);
    expect(answer.status).toBe(200);
    const page = answer.body as { rows: Array<{ key: string; value: string }>; next: string | null };
    for (const row of page.rows) expect(row.value).toBe(valueOf(row.key));
    keys.push(...page.rows.map((r) => r.key));
    if (page.next === null) return keys;
    expect(page.rows.length).toBe(limit);
    path = `/v1/stores/${STORE}/range?limit=${limit}&token=${page.next}`;
  }
}

describe('interactive queries on a real broker', () => {
  const running: Instance[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async (i) => Promise.all([i.service.close(), i.streams.close({ timeout: 30_000 })])));
  });

  it('three instances: every key readable anywhere; paged scans complete; a leaving instance gives not-ready errors, then its keys move', async () => {
    const input = uniqueName('iq-in');
    const applicationId = uniqueName('iq-app');
    await createTopics([{ topic: input, partitions: PARTITIONS }]);

    const gate = new RestoreGate();
    const start = async (name: string): Promise<Instance> => {
      const port = await freePort();
      const endpoint = `127.0.0.1:${port}`;
      const builder = new StreamsBuilder();
      builder.table(input, Consumed.with(S, S), Materialized.as<string, string>(STORE));
      const topology = builder.build();
      const streams = new KafkaStreams(
        topology,
        {
          'application.id': applicationId,
          'bootstrap.servers': bootstrapServers(),
          'application.server': endpoint,
          'state.dir': tempStateDir(),
          'commit.interval.ms': 100,
          // the default session timeout (45 s): the query load below starves the shared event loop, and a
          // missed heartbeat must not trigger a rebalance (C leaves explicitly, which rebalances at once)
        },
        { clientSupplier: () => gate.client(`${applicationId}-${name}`) },
      );
      const service = new QueryService(streams, topology, { applicationServer: endpoint });
      await service.start();
      const instance = { name, endpoint, streams, service };
      running.push(instance);
      await streams.start();
      return instance;
    };
    const [a, b, c] = [await start('A'), await start('B'), await start('C')];
    const trio = [a!, b!, c!];
    const settled = (group: Instance[], tasksEach: number) => () =>
      group.every((i) => i.streams.state() === KafkaStreamsState.RUNNING && i.streams.localTasks().size === tasksEach);
    await waitUntil('6 tasks over three running instances', settled(trio, 2));
    // written once the three share the tasks, so that C's partitions have state only C holds (an
    // instance that ran them while the others were joining closed them empty)
    const producer = kafkaClient('iq-producer').producer();
    await producer.connect();
    await producer.send({ topic: input, messages: KEYS.map((key) => ({ key, value: valueOf(key) })) });
    await producer.disconnect();
    // all input processed: every key is in its owner's store
    for (const deadline = Date.now() + 30_000; ; ) {
      const counts = await Promise.all(trio.map((i) => i.streams.store(kv()).approximateNumEntries()));
      if (counts.reduce((x, y) => x + y) === KEYS.length) break;
      if (Date.now() > deadline) throw new Error(`stores hold ${counts.join('+')} keys, expected ${KEYS.length}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // store() on the owner queryMetadataForKey names, from every instance's view; no key is local twice
    const owners = await ownersChecked(trio);
    expect(new Set(owners.values())).toEqual(new Set(trio.map((i) => i.endpoint)));
    const local = await Promise.all(trio.map(async (i) => (await toArray(i.streams.store(kv()).all())).length));
    expect(local.reduce((x, y) => x + y)).toBe(KEYS.length);
    // the application as every instance sees it
    for (const i of trio) {
      const all = i.streams.metadataForAllStreamsClients();
      expect(all.map((m) => m.hostInfo.toString())).toEqual(trio.map((x) => x.endpoint).sort());
      expect(all.map((m) => m.topicPartitions.length)).toEqual([2, 2, 2]);
      expect(all.every((m) => m.stateStoreNames.includes(STORE))).toBe(true);
      expect(i.streams.streamsMetadataForStore(STORE).length).toBe(3);
      expect(i.streams.queryMetadataForKey('no-such-store', 'k', S.serializer())).toBeNull();
      expect(() => i.streams.store(StoreQueryParameters.fromNameAndType('no-such-store', QueryableStoreTypes.keyValueStore()))).toThrow(UnknownStateStoreError);
    }
    // every key through every instance's HTTP endpoint (answered by the owner)
    for (const via of trio) expect(await httpProblems(via, owners)).toEqual([]);
    // paged scans: every row exactly once
    for (const [via, limit] of [[a!, 1000], [c!, 777]] as const) {
      const keys = await scan(via, limit);
      expect(keys.length).toBe(KEYS.length);
      expect([...keys].sort()).toEqual(KEYS);
    }

    // C leaves while restoration is held on A and B: the moved partitions are not ready anywhere
    gate.close();
    running.splice(running.indexOf(c!), 1);
    await Promise.all([c!.service.close(), c!.streams.close()]);
    await waitUntil('a restoration held at the gate', () => gate.waiting > 0, 30_000);
    const blocked = [a!, b!].filter((i) => i.streams.state() === KafkaStreamsState.REBALANCING);
    expect(blocked.length).toBeGreaterThan(0);
    for (const x of blocked) {
      await expect(x.streams.store(kv()).get(KEYS[0]!)).rejects.toBeInstanceOf(StreamsRebalancingError);
      // a stale read answers from the partitions it kept (correct values), never from C's
      const kept = KEYS.find((k) => owners.get(k) === x.endpoint)!;
      expect(await x.streams.store(kv().enableStaleStores()).get(kept)).toBe(valueOf(kept));
    }
    const sample = KEYS.filter((_, i) => i % 20 === 0);
    let notReady = 0;
    for (const via of [a!, b!]) {
      const answers = await pool(sample, 16, (key) => getJson(via.endpoint, `/v1/stores/${STORE}/keys/${key}`));
      answers.forEach((ans, i) => {
        const key = sample[i]!;
        if (ans.status === 503) {
          expect((ans.body as { error: { code: string } }).error.code).toBe('STREAMS_REBALANCING');
          notReady++;
        } else {
          // a partition whose owner is running: its right value, nothing else
          expect({ key, status: ans.status, value: (ans.body as { value?: string }).value }).toEqual({ key, status: 200, value: valueOf(key) });
        }
      });
    }
    expect(notReady).toBeGreaterThan(0);
    gate.open();

    // once C's tasks have moved (restored from the changelog), every key is readable again
    await waitUntil('6 tasks over the two remaining instances', settled([a!, b!], 3), 60_000);
    const moved = await ownersChecked([a!, b!]);
    expect([...moved.values()].filter((e) => e === c!.endpoint)).toEqual([]);
    for (const via of [a!, b!]) expect(await httpProblems(via, moved)).toEqual([]);
    const keys = await scan(b!, 1000);
    expect([...keys].sort()).toEqual(KEYS);
  });

  it('kstreams run --query-port serves order-fill-state and orders-view to kstreams query', async () => {
    // the topologies' topics under unique names, created up front (in one call)
    const selection = (name: string) => {
      const suffix = uniqueName('');
      return select(name, { topic: select(name, {}).module.topics.map((t) => `${t.name}=${t.name}${suffix}`) });
    };
    const sels = { fill: selection('order-fill'), saga: selection('order-saga') };
    await createTopics([sels.fill, sels.saga].flatMap((sel) => resolvedTopics(sel).map((t) => ({ topic: t.topic, partitions: 3 }))));
    const check = async (sel: ReturnType<typeof select>, store: string): Promise<Map<string, unknown>> => {
      const name = sel.name;
      const topology = buildTopology(sel, (await valueSerdes(sel)).factory, sel.config);
      let stop!: (signal: string) => void;
      const stopRequested = new Promise<string>((r) => (stop = r));
      const log: string[] = [];
      const port = await freePort();
      const server = `127.0.0.1:${port}`;
      const run = runOnKafka(sel, topology, {
        bootstrapServers: bootstrapServers(),
        applicationId: uniqueName(name),
        stateDir: tempStateDir(),
        processingGuarantee: 'at_least_once',
        topicArgs: '',
        err: (t) => void log.push(t),
        tty: false,
        stopRequested,
        queryPort: port,
      });
      try {
        await waitUntil(`${name} running`, () => log.some((l) => l.includes('is running')), 60_000);
        expect(log.join('')).toContain(`serving interactive queries on http://127.0.0.1:${port} as ${server}`);
        await produce(sel, { count: 40, seed: 11, bootstrapServers: bootstrapServers(), topicArgs: '', out: () => undefined, err: () => undefined });
        // the whole store through the client (all pages), until it stops changing
        const scanAll = async (): Promise<Map<string, unknown>> => {
          const rows = new Map<string, unknown>();
          await query({ server, store, pageSize: 7, all: true, err: () => undefined, out: (l) => void rows.set((JSON.parse(l) as { key: string }).key, (JSON.parse(l) as { value: unknown }).value) });
          return rows;
        };
        let rows = new Map<string, unknown>();
        for (let stable = 0; stable < 3; ) {
          await new Promise((r) => setTimeout(r, 500));
          const next = await scanAll();
          stable = next.size > 0 && JSON.stringify([...next]) === JSON.stringify([...rows]) ? stable + 1 : 0;
          rows = next;
        }
        // each row is its order's, and reads the same by key
        for (const [key, value] of rows) {
          expect((value as { orderId: string }).orderId).toBe(key);
          const out: string[] = [];
          await query({ server, store, key, pageSize: 1, all: false, err: () => undefined, out: (l) => void out.push(l) });
          expect(out).toEqual([JSON.stringify(value)]);
        }
        return rows;
      } finally {
        stop('SIGTERM');
        await run;
      }
    };
    const [fill, saga] = await Promise.all([check(sels.fill, 'order-fill-state'), check(sels.saga, 'orders-view')]);
    // order-fill keeps a state entry per order it saw, whatever the arrival order: the driver's key set
    expect([...fill.keys()].sort()).toEqual(await driverKeys('order-fill', 'order-fill-state'));
    expect(saga.size).toBeGreaterThan(0);
  });
});

/** The keys of `store` after the same sample (count 40, seed 11) ran through the TopologyTestDriver. */
async function driverKeys(name: string, store: string): Promise<string[]> {
  const sel = select(name, {});
  const driver = new TopologyTestDriver(buildTopology(sel, (await valueSerdes(sel)).factory));
  try {
    for (const r of await sel.module.sample({ count: 40, seed: 11, topics: sel.topics })) {
      await driver.createInputTopic(r.topic, S, Serdes.Json<unknown>()).pipeInput(r.key as string, r.value, r.timestamp);
    }
    return (await toArray((await driver.getKeyValueStore<string, unknown>(store))!.all())).map((kv) => kv.key).sort();
  } finally {
    await driver.close();
  }
}
