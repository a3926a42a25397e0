/**
 * Local tasks with real in-memory stores, behind a fake client view, and query services over them: the
 * interactive-query unit tests' fixtures.
 */
import { createServer } from 'node:net';
import type { QueryableStreams } from '../../src/iq/local-reads.js';
import { QueryService } from '../../src/iq/query-service.js';
import type { StoreQueryParameters } from '../../src/iq/store-query-parameters.js';
import { StreamsMetadataState } from '../../src/iq/streams-metadata-state.js';
import { defaultPartition } from '../../src/kafka/murmur2.js';
import type { Serializer } from '../../src/serde/serde.js';
import { Topology } from '../../src/topology/topology.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { KeyValueStore, StateStore } from '../../src/state/state-store.js';
import { Stores } from '../../src/state/stores.js';
import type { TimestampedKeyValueStore } from '../../src/state/timestamped-key-value-store.js';
import type { SessionStore } from '../../src/state/session-store.js';
import type { WindowStore } from '../../src/state/window-store.js';
import { LocalStoreProvider, type LocalStreamsView } from '../../src/iq/store-provider.js';
import { MockStateStoreContext } from '../state/helpers.js';

export const PARTITIONS = 3;
const S = Serdes.String();

/** The partition the default partitioner gives a string key. */
export const partitionOf = (key: string, partitions = PARTITIONS): number => defaultPartition(Buffer.from(key, 'utf8'), partitions);

export interface FakeTask {
  readonly partition: number;
  readonly kv: KeyValueStore<string, string>;
  readonly ts: TimestampedKeyValueStore<string, string>;
  readonly win: WindowStore<string, string>;
  readonly ses: SessionStore<string, string>;
}

async function open<T extends StateStore>(store: T): Promise<T> {
  await store.init(new MockStateStoreContext(), store);
  return store;
}

/** One task per partition, each with a key-value, a timestamped key-value, a window and a session store. */
export async function makeTasks(partitions = PARTITIONS): Promise<FakeTask[]> {
  return Promise.all(
    Array.from({ length: partitions }, async (_, partition) => ({
      partition,
      kv: await open(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('kv'), S, S).withLoggingDisabled().build()),
      ts: await open(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('ts'), S, S).withLoggingDisabled().build()),
      win: await open(Stores.windowStoreBuilder(Stores.inMemoryWindowStore('win', 1000, 10, false), S, S).withLoggingDisabled().build()),
      ses: await open(Stores.sessionStoreBuilder(Stores.inMemorySessionStore('ses', 1000), S, S).withLoggingDisabled().build()),
    })),
  );
}

/** A client whose state the test sets; `restoring` tasks are visible to stale queries only. */
export class FakeStreams implements LocalStreamsView {
  clientState = 'RUNNING';
  restoring: FakeTask[] = [];
  readonly provider = new LocalStoreProvider(this);

  constructor(readonly running: FakeTask[]) {}

  state(): string {
    return this.clientState;
  }

  tasks(stale: boolean): Array<{ partition: number; store(name: string): StateStore | undefined }> {
    return [...this.running, ...(stale ? this.restoring : [])].map((t) => ({
      partition: t.partition,
      store: (name: string) => ({ kv: t.kv, ts: t.ts, win: t.win, ses: t.ses })[name] as StateStore | undefined,
    }));
  }

  globalStore(): StateStore | undefined {
    return undefined;
  }

  storeNames(): ReadonlySet<string> {
    return new Set(['kv', 'ts', 'win', 'ses']);
  }
}

function topology(): Topology {
  const t = new Topology().addSource('src', 't').addProcessor('proc', () => ({ process: () => undefined }), 'src');
  t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('kv'), S, S), 'proc');
  t.addStateStore(Stores.windowStoreBuilder(Stores.inMemoryWindowStore('win', 1000, 10, false), S, S), 'proc');
  return t;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** One instance of an application reading topic `t` (3 partitions): its local tasks, and the shared assignment for routing. */
export class FakeInstance implements QueryableStreams {
  readonly local: FakeStreams;
  private readonly metadata: StreamsMetadataState;

  constructor(tasks: FakeTask[], self: string, byHost: Record<string, Array<{ topic: string; partition: number }>>) {
    this.local = new FakeStreams(tasks);
    this.metadata = new StreamsMetadataState({
      subtopologies: [{ sourceTopics: ['t'], stores: ['kv', 'win'] }],
      globalStores: [],
      partitionCounts: new Map([['t', PARTITIONS]]),
      thisHost: self,
      partitionsByHost: () => byHost,
    });
  }
  store<T>(params: StoreQueryParameters<T>): T {
    return this.local.provider.getStore(params);
  }
  queryMetadataForKey<K>(store: string, key: K, serializer: Serializer<K>) {
    return this.metadata.keyQueryMetadata(store, key, serializer);
  }
  metadataForAllStreamsClients() {
    return this.metadata.allMetadata();
  }
  streamsMetadataForStore(store: string) {
    return this.metadata.metadataForStore(store);
  }
  partitionsOfStore(store: string) {
    return this.metadata.partitionsOfStore(store);
  }
}

export interface ServedInstance {
  readonly endpoint: string;
  readonly instance: FakeInstance;
  readonly service: QueryService;
}

/**
 * Two instances with query services: A hosts partitions 0 and 1, B partition 2. Store `kv` holds
 * `v-<key>` for each of `keys`; store `win` holds `w@10` for key `w` in the window starting at 10.
 */
export async function startTwoInstances(keys: readonly string[]): Promise<[ServedInstance, ServedInstance]> {
  const tasks = await makeTasks();
  for (const key of keys) await tasks[partitionOf(key)]!.kv.put(key, `v-${key}`);
  await tasks[partitionOf('w')]!.win.put('w', 'w@10', 10);
  const [pa, pb] = [await freePort(), await freePort()];
  const byHost = { [`127.0.0.1:${pa}`]: [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }], [`127.0.0.1:${pb}`]: [{ topic: 't', partition: 2 }] };
  const start = async (port: number, own: FakeTask[]): Promise<ServedInstance> => {
    const endpoint = `127.0.0.1:${port}`;
    const instance = new FakeInstance(own, endpoint, byHost);
    const service = new QueryService(instance, topology(), { applicationServer: endpoint });
    await service.start();
    return { endpoint, instance, service };
  };
  return [await start(pa, [tasks[0]!, tasks[1]!]), await start(pb, [tasks[2]!])];
}
