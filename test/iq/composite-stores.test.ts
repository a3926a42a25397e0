import { beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidStateStorePartitionError,
  StateStoreMigratedError,
  StateStoreNotAvailableError,
  StreamsNotStartedError,
  StreamsRebalancingError,
  UnknownStateStoreError,
} from '../../src/errors/interactive-query-errors.js';
import { InvalidStateStoreError } from '../../src/errors/streams-error.js';
import { QueryableStoreTypes } from '../../src/iq/queryable-store-types.js';
import { StoreQueryParameters } from '../../src/iq/store-query-parameters.js';
import { Serdes } from '../../src/serde/serdes.js';
import { toArray } from '../../src/state/iterators.js';
import { ValueAndTimestamp } from '../../src/state/value-and-timestamp.js';
import type { WindowStore } from '../../src/state/window-store.js';
import { FakeStreams, makeTasks, partitionOf, type FakeTask } from './fixtures.js';

const KEYS = Array.from({ length: 30 }, (_, i) => `k${String(i).padStart(2, '0')}`);
const kvType = () => QueryableStoreTypes.keyValueStore<string, string>();
const params = (name = 'kv') => StoreQueryParameters.fromNameAndType(name, kvType());
const keysOf = (rows: Array<{ key: string }>) => rows.map((r) => r.key);

describe('composite read-only views over the local tasks', () => {
  let tasks: FakeTask[];
  let streams: FakeStreams;

  beforeEach(async () => {
    tasks = await makeTasks();
    for (const key of KEYS) {
      const t = tasks[partitionOf(key)]!;
      await t.kv.put(key, `v-${key}`);
      await t.ts.put(key, ValueAndTimestamp.make(`v-${key}`, 1000 + Number(key.slice(1))));
    }
    streams = new FakeStreams(tasks);
  });

  it('every key is spread over the three partitions (the fixture is meaningful)', () => {
    const counts = [0, 1, 2].map((p) => KEYS.filter((k) => partitionOf(k) === p).length);
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(counts.reduce((a, b) => a + b)).toBe(30);
  });

  it('get finds a key in whichever task holds it; null for a missing key', async () => {
    const view = streams.provider.getStore(params());
    for (const key of KEYS) expect(await view.get(key)).toBe(`v-${key}`);
    expect(await view.get('nope')).toBeNull();
  });

  it('scans give each partition in turn, each in key order, every entry once', async () => {
    const view = streams.provider.getStore(params());
    const expected = [0, 1, 2].flatMap((p) => KEYS.filter((k) => partitionOf(k) === p));
    expect(keysOf(await toArray(view.all()))).toEqual(expected);
    const reversed = [0, 1, 2].flatMap((p) => KEYS.filter((k) => partitionOf(k) === p).reverse());
    expect(keysOf(await toArray(view.reverseAll()))).toEqual(reversed);
    const inRange = (k: string) => k >= 'k10' && k <= 'k19';
    expect(keysOf(await toArray(view.range('k10', 'k19')))).toEqual(expected.filter(inRange));
    expect(keysOf(await toArray(view.reverseRange('k10', 'k19')))).toEqual(reversed.filter(inRange));
    expect(keysOf(await toArray(view.prefixScan('k2', Serdes.String().serializer()))).sort()).toEqual(KEYS.filter((k) => k.startsWith('k2')));
    expect(await view.approximateNumEntries()).toBe(30);
  });

  it('withPartition reads one task only; a partition not hosted here is refused', async () => {
    const view = streams.provider.getStore(params().withPartition(1));
    expect(keysOf(await toArray(view.all()))).toEqual(KEYS.filter((k) => partitionOf(k) === 1));
    const first = KEYS.find((k) => partitionOf(k) === 0)!;
    expect(await view.get(first)).toBeNull();
    const missing = streams.provider.getStore(params().withPartition(7));
    await expect(missing.get(first)).rejects.toBeInstanceOf(InvalidStateStorePartitionError);
  });

  it('plain-value and timestamped views of a timestamped store', async () => {
    const plain = streams.provider.getStore(params('ts'));
    expect(await plain.get('k07')).toBe('v-k07');
    const timestamped = streams.provider.getStore(StoreQueryParameters.fromNameAndType('ts', QueryableStoreTypes.timestampedKeyValueStore<string, string>()));
    const vt = await timestamped.get('k07');
    expect(vt?.value).toBe('v-k07');
    expect(vt?.timestamp).toBe(1007);
  });

  it('refuses an unknown store at once and a store of another kind on use', async () => {
    expect(() => streams.provider.getStore(params('nope'))).toThrow(UnknownStateStoreError);
    expect(() => streams.provider.getStore(params('nope'))).toThrow(/no store of that name.*kv, ses, ts, win/);
    const wrong = streams.provider.getStore(StoreQueryParameters.fromNameAndType('kv', QueryableStoreTypes.windowStore<string, string>()));
    await expect(Promise.resolve().then(() => wrong.fetch('k01', 0))).rejects.toThrow(/not a store that QueryableStoreTypes.windowStore\(\) accepts/);
    const timestampedOnPlain = streams.provider.getStore(StoreQueryParameters.fromNameAndType('kv', QueryableStoreTypes.timestampedKeyValueStore<string, string>()));
    await expect(timestampedOnPlain.get('k01')).rejects.toMatchObject({ code: 'INVALID_STATE_STORE' });
  });

  it('client state: not started, rebalancing (unless stale stores), stopped', async () => {
    const view = streams.provider.getStore(params());
    streams.clientState = 'REBALANCING';
    const error = await Promise.resolve(view.get('k01')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamsRebalancingError);
    expect(error).toBeInstanceOf(InvalidStateStoreError);
    expect((error as StreamsRebalancingError).code).toBe('STREAMS_REBALANCING');
    expect(() => view.all()).toThrow(StreamsRebalancingError);
    expect(await streams.provider.getStore(params().enableStaleStores()).get('k01')).toBe('v-k01');
    streams.clientState = 'NOT_RUNNING';
    await expect(view.get('k01')).rejects.toBeInstanceOf(StateStoreNotAvailableError);
    streams.clientState = 'CREATED';
    expect(() => streams.provider.getStore(params())).toThrow(StreamsNotStartedError);
  });

  it('stale stores include restoring tasks; without them a restoring partition is not read', async () => {
    const restoring = tasks.splice(2, 1);
    streams.restoring = restoring;
    const onlyRunning = streams.provider.getStore(params());
    const restoringKey = KEYS.find((k) => partitionOf(k) === 2)!;
    expect(await onlyRunning.get(restoringKey)).toBeNull();
    expect(await streams.provider.getStore(params().enableStaleStores()).get(restoringKey)).toBe(`v-${restoringKey}`);
  });

  it('a store closed under an open scan reports a migration, never a partial answer as complete', async () => {
    const it = await streams.provider.getStore(params()).all();
    expect(await it.hasNext()).toBe(true);
    await tasks[2]!.kv.close();
    const error = await toArray(it).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateStoreMigratedError);
    expect((error as StateStoreMigratedError).code).toBe('STATE_STORE_MIGRATED');
    for (const t of tasks) if (t.kv.isOpen()) await t.kv.close();
    await expect(streams.provider.getStore(params()).get('k01')).rejects.toBeInstanceOf(StateStoreMigratedError);
  });

  it('window views: fetch one window, a key over time, all keys, backwards; read-only', async () => {
    for (const key of ['a', 'b', 'c', 'd']) {
      const t = tasks[partitionOf(key)]!;
      await t.win.put(key, `${key}@0`, 0);
      await t.win.put(key, `${key}@10`, 10);
    }
    const view = streams.provider.getStore(StoreQueryParameters.fromNameAndType('win', QueryableStoreTypes.windowStore<string, string>()));
    expect(await view.fetch('c', 10)).toBe('c@10');
    expect(await view.fetch('c', 20)).toBeNull();
    expect(await toArray(await view.fetch('b', 0, 10))).toEqual([
      { key: 0, value: 'b@0' },
      { key: 10, value: 'b@10' },
    ]);
    expect((await toArray(await view.backwardFetch('b', 0, 10))).map((kv) => kv.key)).toEqual([10, 0]);
    const all = await toArray(await view.fetchAll(0, 10));
    expect(all.map((kv) => `${kv.key.key}@${kv.key.window.start}`).sort()).toEqual(['a@0', 'a@10', 'b@0', 'b@10', 'c@0', 'c@10', 'd@0', 'd@10']);
    expect(() => (view as unknown as WindowStore<string, string>).put('a', 'x', 0)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_OPERATION' }) as Error);
  });

  it('session views: fetch a key, find sessions over keys', async () => {
    for (const [key, start, end] of [['a', 0, 5], ['a', 20, 30], ['b', 3, 4], ['e', 7, 9]] as const) {
      await tasks[partitionOf(key)]!.ses.put({ key, window: { start, end } }, `${key}:${start}-${end}`);
    }
    const view = streams.provider.getStore(StoreQueryParameters.fromNameAndType('ses', QueryableStoreTypes.sessionStore<string, string>()));
    expect((await toArray(await view.fetch('a'))).map((kv) => kv.value)).toEqual(['a:0-5', 'a:20-30']);
    expect(await view.fetchSession('b', 3, 4)).toBe('b:3-4');
    const found = await toArray(await view.findSessions(null, null, 4, 10));
    expect(found.map((kv) => kv.value).sort()).toEqual(['a:0-5', 'b:3-4', 'e:7-9']);
  });
});
