import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidStateStoreError, NoSuchElementError, ProcessorStateError } from '../../src/errors/streams-error.js';
import { Serdes } from '../../src/serde/serdes.js';
import { CachingKeyValueStore } from '../../src/state/internals/caching-key-value-store.js';
import { InMemoryKeyValueStore } from '../../src/state/internals/in-memory-key-value-store.js';
import { LevelKeyValueStore, prefixUpperBound, type LevelConfigSetter } from '../../src/state/internals/level-key-value-store.js';
import { StreamsConfig } from '../../src/config/streams-config.js';
import { MeteredKeyValueStore, MeteredTimestampedKeyValueStore } from '../../src/state/internals/metered-key-value-store.js';
import { RecordCache } from '../../src/state/internals/record-cache.js';
import { toArray } from '../../src/state/iterators.js';
import type { KeyValueIterator, KeyValueStore } from '../../src/state/state-store.js';
import { Stores } from '../../src/state/stores.js';
import { ValueAndTimestamp } from '../../src/state/value-and-timestamp.js';
import { MockStateStoreContext } from './helpers.js';

const b = (s: string) => Buffer.from(s, 'utf8');
const s = (buf: Buffer | null) => (buf === null ? null : buf.toString('utf8'));

/** Configs that turn the in-memory mirror off, so that reads go to LevelDB. */
const UNMIRRORED = { 'rocksdb.config.setter': () => ({ mirrorBytes: 0 }) };

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kstreams-level-test-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function drain(it: KeyValueIterator<Buffer, Buffer> | Promise<KeyValueIterator<Buffer, Buffer>>): Promise<Array<[string, string]>> {
  return (await toArray(it)).map((kv) => [s(kv.key)!, s(kv.value)!]);
}
const keysOf = async (it: KeyValueIterator<Buffer, Buffer> | Promise<KeyValueIterator<Buffer, Buffer>>) =>
  (await drain(it)).map(([k]) => k);

/**
 * The in-memory store's behaviour, checked against both bytes stores (the in-memory store answers
 * synchronously; everything here awaits, so the same cases hold for both).
 */
const kinds: Array<[string, () => Promise<KeyValueStore<Buffer, Buffer>>]> = [
  [
    'InMemoryKeyValueStore',
    async () => {
      const store = new InMemoryKeyValueStore('kv');
      store.init(new MockStateStoreContext(), store);
      return store;
    },
  ],
  [
    'LevelKeyValueStore (mirrored in memory)',
    async () => {
      const store = new LevelKeyValueStore('kv');
      await store.init(new MockStateStoreContext({ stateDir: tempDir() }), store);
      return store;
    },
  ],
  [
    'LevelKeyValueStore (read from LevelDB)',
    async () => {
      const store = new LevelKeyValueStore('kv');
      await store.init(new MockStateStoreContext({ stateDir: tempDir(), configs: UNMIRRORED }), store);
      return store;
    },
  ],
];

describe.each(kinds)('%s (shared key-value store cases)', (_name, newStore) => {
  it('put / get / delete / putIfAbsent / putAll', async () => {
    const store = await newStore();
    expect(await store.get(b('a'))).toBeNull();
    await store.put(b('a'), b('1'));
    expect(s(await store.get(b('a')))).toBe('1');
    await store.put(b('a'), b('2'));
    expect(s(await store.get(b('a')))).toBe('2');
    expect(s(await store.putIfAbsent(b('a'), b('3')))).toBe('2');
    expect(s(await store.get(b('a')))).toBe('2');
    expect(await store.putIfAbsent(b('b'), b('x'))).toBeNull();
    expect(s(await store.get(b('b')))).toBe('x');
    expect(s(await store.delete(b('a')))).toBe('2');
    expect(await store.delete(b('a'))).toBeNull();
    expect(await store.get(b('a'))).toBeNull();
    await store.putAll([
      { key: b('c'), value: b('3') },
      { key: b('d'), value: b('4') },
      { key: b('b'), value: null },
    ]);
    expect(await keysOf(store.all())).toEqual(['c', 'd']);
    await store.put(b('c'), null); // put null deletes
    expect(await store.get(b('c'))).toBeNull();
    expect(await store.approximateNumEntries()).toBe(1);
    await store.close();
  });

  it('putAll applies entries in order: the last one for a key wins', async () => {
    const store = await newStore();
    await store.putAll([
      { key: b('k'), value: b('1') },
      { key: b('k'), value: b('2') },
      { key: b('gone'), value: b('x') },
      { key: b('gone'), value: null },
    ]);
    expect(s(await store.get(b('k')))).toBe('2');
    expect(await store.get(b('gone'))).toBeNull();
    await store.close();
  });

  it('looks keys up by content, not by Buffer identity', async () => {
    const store = await newStore();
    await store.put(Buffer.from([0, 255, 128]), b('v'));
    expect(s(await store.get(Buffer.from([0, 255, 128])))).toBe('v');
    expect(await store.get(Buffer.from([0, 255]))).toBeNull();
    await store.close();
  });

  it('orders Long keys by their bytes: 0, 1, 256, 65536, -256, -1', async () => {
    const store = await newStore();
    const ser = Serdes.Long().serializer();
    const de = Serdes.Long().deserializer();
    for (const k of [-1, 1, 256, 0, -256, 65536]) await store.put(ser.serialize('t', k)!, b(String(k)));
    expect((await drain(store.all())).map(([, v]) => Number(v))).toEqual([0, 1, 256, 65536, -256, -1]);
    const reverse = (await toArray(store.reverseAll())).map((kv) => de.deserialize('t', kv.key)!);
    expect(reverse).toEqual([-1, -256, 65536, 256, 1, 0]);
    await store.close();
  });

  it('orders String keys by their UTF-8 bytes', async () => {
    const store = await newStore();
    for (const k of ['b', 'a', 'aa', 'B', 'é', 'ab', 'a\u0000']) await store.put(b(k), b(k));
    expect(await keysOf(store.all())).toEqual(['B', 'a', 'a\u0000', 'aa', 'ab', 'b', 'é']);
    expect(await keysOf(store.reverseAll())).toEqual(['é', 'b', 'ab', 'aa', 'a\u0000', 'a', 'B']);
    await store.close();
  });

  it('range is inclusive at both ends, null bounds are unbounded, from > to is empty', async () => {
    const store = await newStore();
    for (const k of ['a', 'b', 'c', 'd', 'e']) await store.put(b(k), b(k.toUpperCase()));
    expect(await drain(store.range(b('b'), b('d')))).toEqual([['b', 'B'], ['c', 'C'], ['d', 'D']]);
    expect(await keysOf(store.range(b('bb'), b('dd')))).toEqual(['c', 'd']);
    expect(await keysOf(store.range(null, b('b')))).toEqual(['a', 'b']);
    expect(await keysOf(store.range(b('d'), null))).toEqual(['d', 'e']);
    expect(await keysOf(store.range(null, null))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await keysOf(store.range(b('d'), b('b')))).toEqual([]);
    expect(await keysOf(store.range(b('c'), b('c')))).toEqual(['c']);
    expect(await keysOf(store.range(b('x'), b('z')))).toEqual([]);
    expect(await keysOf(store.reverseRange(b('b'), b('d')))).toEqual(['d', 'c', 'b']);
    expect(await keysOf(store.reverseRange(null, b('b')))).toEqual(['b', 'a']);
    expect(await keysOf(store.reverseRange(b('d'), null))).toEqual(['e', 'd']);
    expect(await keysOf(store.reverseRange(null, null))).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(await keysOf(store.reverseRange(b('d'), b('b')))).toEqual([]);
    await store.close();
  });

  it('prefixScan by the serialized prefix', async () => {
    const store = await newStore();
    for (const k of ['a', 'ab', 'abc', 'abd', 'b', 'ab\u00ff', 'aa']) await store.put(b(k), b(k));
    const ser = Serdes.String().serializer();
    expect(await keysOf(store.prefixScan('ab', ser))).toEqual(['ab', 'abc', 'abd', 'ab\u00ff']);
    expect(await keysOf(store.prefixScan('x', ser))).toEqual([]);
    expect(await keysOf(store.prefixScan('', ser))).toEqual(['a', 'aa', 'ab', 'abc', 'abd', 'ab\u00ff', 'b']);
    await store.close();
    // prefixes ending in 0xff, and all 0xff
    const bytes = await newStore();
    for (const k of [[1, 255], [1, 255, 0], [1, 255, 255], [2], [1, 254, 9], [255], [255, 255, 1]]) await bytes.put(Buffer.from(k), b('v'));
    const hex = async (prefix: number[]) =>
      (await toArray(bytes.prefixScan(Buffer.from(prefix), Serdes.ByteArray().serializer()))).map((kv) => kv.key.toString('hex'));
    expect(await hex([1, 255])).toEqual(['01ff', '01ff00', '01ffff']);
    expect(await hex([255])).toEqual(['ff', 'ffff01']);
    expect(await hex([255, 255])).toEqual(['ffff01']);
    await bytes.close();
  });

  it('deleting and re-adding keys between scans keeps scans consistent', async () => {
    const store = await newStore();
    const model = new Map<string, string>();
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 60; round++) {
      const ops = Math.floor(rnd() * 50);
      for (let i = 0; i < ops; i++) {
        const key = `k${Math.floor(rnd() * 200)}`;
        if (rnd() < 0.3) {
          await store.delete(b(key));
          model.delete(key);
        } else {
          await store.put(b(key), b(String(round)));
          model.set(key, String(round));
        }
      }
      const expected = [...model.keys()].sort();
      expect(await keysOf(store.all())).toEqual(expected);
      if (round % 5 === 0) {
        const lo = `k${Math.floor(rnd() * 200)}`;
        const hi = `k${Math.floor(rnd() * 200)}`;
        expect(await keysOf(store.range(b(lo), b(hi)))).toEqual(expected.filter((k) => k >= lo && k <= hi));
      }
    }
    expect(await store.approximateNumEntries()).toBe(model.size);
    await store.close();
  });

  it('handles many keys in byte order (iterators read several chunks)', async () => {
    const store = await newStore();
    const keys: string[] = [];
    for (let i = 0; i < 5000; i++) keys.push(`key-${(i * 7919) % 5000}`);
    await store.putAll(keys.map((k) => ({ key: b(k), value: b(k) })));
    for (let i = 0; i < 5000; i += 3) await store.delete(b(`key-${i}`));
    await store.putAll(Array.from({ length: 2000 }, (_, i) => ({ key: b(`key-${5000 + i}`), value: b('x') })));
    const expected = [...new Set([...keys, ...Array.from({ length: 2000 }, (_, i) => `key-${5000 + i}`)])]
      .filter((k) => {
        const n = Number(k.slice(4));
        return n >= 5000 || n % 3 !== 0;
      })
      .sort();
    expect(await keysOf(store.all())).toEqual(expected);
    expect(await keysOf(store.reverseAll())).toEqual([...expected].reverse());
    expect(await keysOf(store.range(b('key-2'), b('key-3')))).toEqual(expected.filter((k) => k >= 'key-2' && k <= 'key-3'));
    expect(await keysOf(store.prefixScan('key-12', Serdes.String().serializer()))).toEqual(expected.filter((k) => k.startsWith('key-12')));
    expect(await store.approximateNumEntries()).toBe(expected.length);
    await store.close();
  });

  it('approximateNumEntries counts entries', async () => {
    const store = await newStore();
    expect(await store.approximateNumEntries()).toBe(0);
    await store.put(b('a'), b('1'));
    await store.put(b('a'), b('2'));
    await store.put(b('b'), b('1'));
    expect(await store.approximateNumEntries()).toBe(2);
    await store.delete(b('a'));
    expect(await store.approximateNumEntries()).toBe(1);
    await store.close();
  });

  it('iterators: next past the end throws, closed iterators throw, async iteration closes', async () => {
    const store = await newStore();
    await store.put(b('a'), b('1'));
    const it = await store.all();
    expect(s(await it.peekNextKey())).toBe('a');
    await it.next();
    expect(await it.hasNext()).toBe(false);
    await expect(async () => it.next()).rejects.toThrow(NoSuchElementError);
    await expect(async () => it.peekNextKey()).rejects.toThrow(NoSuchElementError);
    await it.close();
    await expect(async () => it.hasNext()).rejects.toThrow(InvalidStateStoreError);

    await store.put(b('b'), b('2'));
    const seen: string[] = [];
    const it2 = await store.all();
    for await (const kv of it2) {
      seen.push(s(kv.key)!);
      break;
    }
    expect(seen).toEqual(['a']);
    await expect(async () => it2.hasNext()).rejects.toThrow(/already been closed/);
    expect((await toArray(store.all())).map((kv) => s(kv.key))).toEqual(['a', 'b']);
    expect(await toArray(store.range(b('b'), b('a')))).toEqual([]);
    await store.close();
  });

  it('registers with the context and restores through the callback', async () => {
    const ctx = new MockStateStoreContext({ stateDir: tempDir() });
    const store = (await newStore()) as KeyValueStore<Buffer, Buffer>;
    await store.close();
    expect(store.isOpen()).toBe(false);
    await store.init(ctx, store);
    expect(store.isOpen()).toBe(true);
    expect(store.name()).toBe('kv');
    expect(ctx.registered).toHaveLength(1);
    expect(ctx.registered[0]!.store).toBe(store);
    ctx.registered[0]!.restore!(b('r'), b('1'));
    expect(s(await store.get(b('r')))).toBe('1');
    ctx.registered[0]!.restore!(b('r'), null);
    expect(await store.get(b('r'))).toBeNull();
    await store.close();
  });

  it('after close, operations throw InvalidStateStoreError and open iterators are closed', async () => {
    const store = await newStore();
    await store.put(b('a'), b('1'));
    const it = await store.all();
    await store.close();
    expect(store.isOpen()).toBe(false);
    await expect(async () => it.hasNext()).rejects.toThrow(InvalidStateStoreError);
    await expect(async () => store.get(b('a'))).rejects.toThrow('Store kv is currently closed');
    await expect(async () => store.put(b('a'), b('2'))).rejects.toThrow(InvalidStateStoreError);
  });
});

describe.each([
  ['mirrored in memory', {}],
  ['read from LevelDB', UNMIRRORED],
])('LevelKeyValueStore (persistence, %s)', (_mode, configs) => {
  async function open(dir: string, name = 'kv', ctx = new MockStateStoreContext({ stateDir: dir, configs })): Promise<LevelKeyValueStore> {
    const store = new LevelKeyValueStore(name);
    await store.init(ctx, store);
    return store;
  }

  it('is persistent and keeps its files in <stateDir>/<store name>', async () => {
    const dir = tempDir();
    const store = await open(dir);
    expect(store.persistent()).toBe(true);
    expect(store.location()).toBe(join(dir, 'kv'));
    expect(readdirSync(join(dir, 'kv'))).toContain('CURRENT');
    await store.close();
  });

  it('keeps its data across close and reopen', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await store.putAll(Array.from({ length: 3000 }, (_, i) => ({ key: b(`k${String(i).padStart(5, '0')}`), value: b(`v${i}`) })));
    await store.delete(b('k00007'));
    await store.close();
    const again = await open(dir);
    expect(s(await again.get(b('k00042')))).toBe('v42');
    expect(await again.get(b('k00007'))).toBeNull();
    expect(await again.approximateNumEntries()).toBe(2999);
    expect((await keysOf(again.range(b('k00005'), b('k00009'))))).toEqual(['k00005', 'k00006', 'k00008', 'k00009']);
    await again.close();
  });

  it('two stores share a task directory, each in its own database', async () => {
    const dir = tempDir();
    const ctx = new MockStateStoreContext({ stateDir: dir });
    const one = await open(dir, 'one', ctx);
    const two = await open(dir, 'two', ctx);
    await one.put(b('k'), b('1'));
    await two.put(b('k'), b('2'));
    expect(s(await one.get(b('k')))).toBe('1');
    expect(s(await two.get(b('k')))).toBe('2');
    expect(readdirSync(dir).sort()).toEqual(['one', 'two']);
    // the same store opened twice is refused (LevelDB's own lock), as a ProcessorStateError naming it
    const dup = new LevelKeyValueStore('one');
    await expect(dup.init(ctx, dup)).rejects.toThrow(ProcessorStateError);
    await expect(dup.init(ctx, dup)).rejects.toThrow(/store one/);
    await one.close();
    await two.close();
  });

  it('iterators read a snapshot taken when they are created (as RocksDB iterators)', async () => {
    const store = await open(tempDir());
    for (const k of ['a', 'b', 'c', 'd']) await store.put(b(k), b('old'));
    const it = store.all();
    await store.delete(b('b'));
    await store.put(b('bb'), b('new key'));
    await store.put(b('c'), b('updated'));
    expect(await drain(it)).toEqual([['a', 'old'], ['b', 'old'], ['c', 'old'], ['d', 'old']]);
    expect(await keysOf(store.all())).toEqual(['a', 'bb', 'c', 'd']);
    await store.close();
  });

  it('getMany reads many keys at once', async () => {
    const store = await open(tempDir());
    await store.putAll([{ key: b('a'), value: b('1') }, { key: b('c'), value: b('3') }]);
    expect((await store.getMany([b('a'), b('b'), b('c')])).map(s)).toEqual(['1', null, '3']);
    await store.close();
  });

  it('get and put answer synchronously; writes reach LevelDB behind, by the next flush', async () => {
    const dir = tempDir();
    const store = await open(dir);
    expect(store.mirrored()).toBe(configs !== UNMIRRORED);
    expect(store.put(b('a'), b('1'))).toBeUndefined();
    expect(s(store.get(b('a')) as Buffer)).toBe('1');
    await store.flush();
    await store.close();
    const reopened = await open(dir);
    expect(s((await reopened.get(b('a'))) as Buffer)).toBe('1');
    await reopened.close();
  });

  it('restored records are written in batches and visible to reads and scans', async () => {
    const ctx = new MockStateStoreContext({ stateDir: tempDir() });
    const store = new LevelKeyValueStore('kv');
    await store.init(ctx, store);
    const restore = ctx.registered[0]!.restore!;
    for (let i = 0; i < 25_000; i++) restore(b(`r${String(i).padStart(6, '0')}`), b(String(i)));
    restore(b('r000003'), null);
    expect(await keysOf(store.range(b('r000001'), b('r000004')))).toEqual(['r000001', 'r000002', 'r000004']);
    expect(s(await store.get(b('r024999')))).toBe('24999');
    await store.flush();
    expect(await store.approximateNumEntries()).toBe(24_999);
    await store.close();
  });

  it('approximateNumEntries estimates large stores', async () => {
    const store = await open(tempDir());
    const value = Buffer.alloc(100, 1);
    for (let batch = 0; batch < 30; batch++) {
      await store.putAll(Array.from({ length: 10_000 }, (_, i) => ({ key: b(`key-${batch * 10_000 + i}`), value })));
    }
    const n = await store.approximateNumEntries();
    expect(n).toBeGreaterThan(100_000);
    expect(n).toBeLessThan(600_000);
    await store.close();
  }, 30_000);

  it('prefixUpperBound: the first key past every key with the prefix', () => {
    expect(prefixUpperBound(Buffer.from([1, 2]))).toEqual(Buffer.from([1, 3]));
    expect(prefixUpperBound(Buffer.from([1, 255]))).toEqual(Buffer.from([2]));
    expect(prefixUpperBound(Buffer.from([255, 255]))).toBeNull();
    expect(prefixUpperBound(Buffer.alloc(0))).toBeNull();
  });
});

describe('Stores.persistentKeyValueStore / persistentTimestampedKeyValueStore', () => {
  it('supply LevelDB stores with the rocksdb metrics scope', () => {
    for (const supplier of [Stores.persistentKeyValueStore('p'), Stores.persistentTimestampedKeyValueStore('p')]) {
      expect(supplier.name()).toBe('p');
      expect(supplier.metricsScope()).toBe('rocksdb');
      const store = supplier.get();
      expect(store).toBeInstanceOf(LevelKeyValueStore);
      expect(store.persistent()).toBe(true);
      expect(supplier.get()).not.toBe(store);
    }
  });

  it('the full stack metered → caching → logging → LevelDB: writes reach LevelDB only on flush', async () => {
    const dir = tempDir();
    const ctx = new MockStateStoreContext({ stateDir: dir });
    ctx.recordCache = new RecordCache(1 << 20);
    const store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('s'), Serdes.String(), Serdes.Long())
      .withCachingEnabled()
      .build() as MeteredKeyValueStore<string, number>;
    await store.init(ctx, store);
    expect(store.persistent()).toBe(true);
    const caching = store.wrapped() as CachingKeyValueStore;
    expect(caching).toBeInstanceOf(CachingKeyValueStore);
    const level = levelOf(store);
    ctx.timestamp = 5;
    await store.put('a', 1);
    await store.put('b', 2);
    await store.put('a', 3);
    await store.delete('b');
    await store.put('c', 4);
    expect(await store.get('a')).toBe(3);
    expect(await level.get(b('a'))).toBeNull(); // still only in the cache
    expect(ctx.changes).toEqual([]);
    expect((await toArray(store.all())).map((kv) => [kv.key, kv.value])).toEqual([['a', 3], ['c', 4]]);
    await store.flush();
    const long = Serdes.Long().deserializer();
    expect(long.deserialize('t', (await level.get(b('a'))) as Buffer)).toBe(3);
    expect(await level.get(b('b'))).toBeNull();
    // the changelog got one record per key, in the order of the keys' last writes
    expect(ctx.changes.map((c) => [c.store, s(c.key), c.value === null ? null : long.deserialize('t', c.value)])).toEqual([
      ['s', 'a', 3],
      ['s', 'b', null],
      ['s', 'c', 4],
    ]);
    await store.close();
    // and it is all there after a reopen, without the cache
    const again = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('s'), Serdes.String(), Serdes.Long())
      .withLoggingDisabled()
      .build();
    await again.init(new MockStateStoreContext({ stateDir: dir }), again);
    expect((await toArray(again.all())).map((kv) => [kv.key, kv.value])).toEqual([['a', 3], ['c', 4]]);
    await again.close();
  });

  it('a cache flush writes LevelDB in one batch, then logs and forwards entry by entry under each entry\'s record context', async () => {
    const events: string[] = [];
    /** The record context is the timestamp of the record being processed. */
    class Ctx extends MockStateStoreContext {
      override recordTimestamp(): number {
        return (this.currentContext as number | null) ?? -1;
      }
      override logChange(store: string, key: Buffer, value: Buffer | null, timestamp: number): void {
        events.push(`log ${s(key)}=${value === null ? null : Serdes.Long().deserializer().deserialize('t', value)}@${timestamp}`);
        super.logChange(store, key, value, timestamp);
      }
    }
    const ctx = new Ctx({ stateDir: tempDir() });
    ctx.recordCache = new RecordCache(1 << 20);
    const store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('s'), Serdes.String(), Serdes.Long())
      .withCachingEnabled()
      .build() as MeteredKeyValueStore<string, number>;
    await store.init(ctx, store);
    const level = levelOf(store);
    let batches = 0;
    const putAll = level.putAll.bind(level);
    level.putAll = (entries) => {
      batches++;
      return putAll(entries);
    };
    expect(
      store.setFlushListener(async (change) => {
        // the store below already holds the entry when its change is forwarded
        expect(await level.get(b(change.key))).not.toBeNull();
        events.push(`fwd ${change.key}=${change.newValue} (old ${change.oldValue})@${change.timestamp}`);
      }, true),
    ).toBe(true);
    await level.put(b('x'), Serdes.Long().serializer().serialize('t', 7)!);
    ctx.currentContext = 10;
    await store.put('a', 1);
    ctx.currentContext = 20;
    await store.put('x', 8);
    ctx.currentContext = 30;
    await store.delete('never-there'); // dropped without a trace
    ctx.currentContext = 40;
    await store.put('a', 2);
    ctx.currentContext = 99;
    await store.flush();
    expect(batches).toBe(1);
    expect(events).toEqual(['log x=8@20', 'fwd x=8 (old 7)@20', 'log a=2@40', 'fwd a=2 (old null)@40']);
    expect(ctx.currentContext).toBe(99);
    expect(await store.get('a')).toBe(2);
    await store.close();
  });

  it('the timestamped store keeps Java\'s bytes (8-byte timestamp, then the value) in LevelDB', async () => {
    const ctx = new MockStateStoreContext({ stateDir: tempDir() });
    const store = Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore('ts'), Serdes.String(), Serdes.String())
      .withLoggingDisabled()
      .build() as MeteredTimestampedKeyValueStore<string, string>;
    await store.init(ctx, store);
    await store.put('k', ValueAndTimestamp.make('v', 42));
    expect(await store.get('k')).toEqual(ValueAndTimestamp.make('v', 42));
    const raw = (await levelOf(store).get(b('k'))) as Buffer;
    expect(raw.readBigInt64BE(0)).toBe(42n);
    expect(raw.subarray(8).toString()).toBe('v');
    await store.close();
  });
});

/** The LevelDB store at the bottom of a metered store's layers. */
function levelOf(store: MeteredKeyValueStore<unknown, unknown>): LevelKeyValueStore {
  let inner: unknown = store.wrapped();
  while (!(inner instanceof LevelKeyValueStore)) inner = (inner as { inner: unknown }).inner;
  return inner;
}

describe('rocksdb.config.setter (LevelDB options for every persistent store)', () => {
  const tableFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.ldb'));

  it('is called with each store name, our defaults and the configs, and its options are used', async () => {
    const calls: Array<{ name: string; options: unknown }> = [];
    const setter: LevelConfigSetter = (name, options, configs) => {
      calls.push({ name, options: { ...options } });
      expect(configs['application.id']).toBe('app');
      // a small memtable: 1 MiB of writes must reach table files
      return { writeBufferSize: 64 * 1024 };
    };
    const configs = { 'application.id': 'app', [StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG]: setter };
    const tuned = new LevelKeyValueStore('tuned');
    const plain = new LevelKeyValueStore('plain');
    for (const [store, withSetter] of [[tuned, true], [plain, false]] as const) {
      await store.init(new MockStateStoreContext({ stateDir: tempDir(), configs: withSetter ? configs : {} }), store);
      // in several writes: LevelDB switches to a new memtable (writing the full one out) on a later write
      for (let batch = 0; batch < 16; batch++) {
        await store.putAll(Array.from({ length: 64 }, (_, i) => ({ key: b(`key-${batch}-${i}`), value: Buffer.alloc(1024, i) })));
        await store.flush(); // putAll is write-behind
      }
    }
    expect(calls).toEqual([
      { name: 'tuned', options: { cacheSize: 16 << 20, writeBufferSize: 16 << 20, maxFileSize: 8 << 20, compression: false, maxOpenFiles: 1000, mirrorBytes: 16 << 20 } },
    ]);
    const tunedDir = tuned.location()!;
    const plainDir = plain.location()!;
    await tuned.close();
    await plain.close();
    // the default 16 MiB memtable keeps 1 MiB in the log; the tuned store has written tables
    expect(tableFiles(tunedDir).length).toBeGreaterThan(0);
    expect(tableFiles(plainDir)).toEqual([]);
  });

  it('reaches the segments of window stores', async () => {
    const names: string[] = [];
    const ctx = new MockStateStoreContext({ stateDir: tempDir(), configs: { 'rocksdb.config.setter': (name: string) => void names.push(name) } });
    const store = Stores.windowStoreBuilder(Stores.persistentWindowStore('win', 3 * 60_000, 60_000, false), Serdes.String(), Serdes.String())
      .withLoggingDisabled()
      .build();
    await store.init(ctx, store);
    await store.put('k', 'v', 0);
    await store.put('k', 'v', 100_000); // segments are 90 s wide (half the retention)
    await store.close();
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(names.every((n) => n.startsWith('win.'))).toBe(true);
  });

  it('a value that is not a function is a configuration error naming the key', async () => {
    const store = new LevelKeyValueStore('bad');
    const ctx = new MockStateStoreContext({ stateDir: tempDir(), configs: { 'rocksdb.config.setter': 'com.example.MySetter' } });
    await expect(store.init(ctx, store)).rejects.toThrow(/rocksdb\.config\.setter: expected a function/);
  });
});

describe('LevelKeyValueStore.flush (before a checkpoint)', () => {
  it('syncs the log without changing any data, the empty key included', async () => {
    const store = new LevelKeyValueStore('synced');
    await store.init(new MockStateStoreContext({ stateDir: tempDir() }), store);
    await store.put(b('a'), b('1'));
    await store.flush();
    expect(await drain(store.all())).toEqual([['a', '1']]);
    await store.put(Buffer.alloc(0), b('empty'));
    await store.flush();
    expect(await drain(store.all())).toEqual([['', 'empty'], ['a', '1']]);
    await store.close();
    // what a restart finds
    const reopened = new LevelKeyValueStore('synced');
    await reopened.init(new MockStateStoreContext({ stateDir: join(store.location()!, '..') }), reopened);
    expect(await drain(reopened.all())).toEqual([['', 'empty'], ['a', '1']]);
    await reopened.close();
  });
});

describe('LevelKeyValueStore point reads during write-behind', () => {
  it('answer synchronously from the pending writes (newest wins, deletes read null) and from LevelDB otherwise', async () => {
    const store = new LevelKeyValueStore('overlay');
    await store.init(new MockStateStoreContext({ stateDir: tempDir(), configs: UNMIRRORED }), store);
    await store.put(b('stored'), b('old'));
    await store.put(b('gone'), b('here'));
    store.putAll([
      { key: b('new'), value: b('1') },
      { key: b('gone'), value: null },
    ]);
    expect(s(store.get(b('new')) as Buffer)).toBe('1');
    store.putAll([{ key: b('new'), value: b('2') }]); // while the first writes may be in flight
    expect(s(store.get(b('new')) as Buffer)).toBe('2');
    expect(store.get(b('gone'))).toBeNull();
    expect(s(store.get(b('stored')) as Buffer)).toBe('old');
    await store.flush();
    expect(await drain(store.all())).toEqual([['new', '2'], ['stored', 'old']]);
    await store.close();
  });
});

describe('LevelKeyValueStore in-memory mirror (mirrorBytes)', () => {
  const budget = (mirrorBytes: number) => ({ 'rocksdb.config.setter': () => ({ mirrorBytes }) });
  async function open(dir: string, configs: Record<string, unknown> = {}): Promise<LevelKeyValueStore> {
    const store = new LevelKeyValueStore('mirror');
    await store.init(new MockStateStoreContext({ stateDir: dir, configs }), store);
    return store;
  }
  const entries = (n: number, value: string) => Array.from({ length: n }, (_, i) => ({ key: b(`k${String(i).padStart(4, '0')}`), value: b(`${value}${i}`) }));

  it('writes reach LevelDB behind the mirror: a reopened unmirrored store reads them', async () => {
    const dir = tempDir();
    const store = await open(dir);
    expect(store.mirrored()).toBe(true);
    store.putAll(entries(100, 'v'));
    store.put(b('k0005'), null);
    store.put(b('k0006'), b('changed'));
    await store.close();
    const reopened = await open(dir, UNMIRRORED);
    expect(reopened.mirrored()).toBe(false);
    const rows = await drain(reopened.all());
    expect(rows).toHaveLength(99);
    expect(rows.slice(4, 6)).toEqual([['k0004', 'v4'], ['k0006', 'changed']]);
    await reopened.close();
  });

  it('a store that outgrows the budget drops its mirror and reads from LevelDB, pending writes included', async () => {
    const dir = tempDir();
    const store = await open(dir, budget(20_000));
    store.putAll(entries(100, 'first-')); // ~11 kB with the per-entry overhead
    expect(store.mirrored()).toBe(true);
    const before = store.all(); // a scan of the mirror: the entries as they are now
    store.putAll(entries(200, 'second-')); // past 20 kB
    expect(store.mirrored()).toBe(false);
    expect((await drain(before)).slice(0, 2)).toEqual([['k0000', 'first-0'], ['k0001', 'first-1']]);
    expect(s((await store.get(b('k0150'))) as Buffer)).toBe('second-150');
    const rows = await drain(store.range(b('k0098'), b('k0101')));
    expect(rows).toEqual([['k0098', 'second-98'], ['k0099', 'second-99'], ['k0100', 'second-100'], ['k0101', 'second-101']]);
    expect(await store.approximateNumEntries()).toBe(200);
    await store.close();
  });

  it('is loaded at open when the database fits the budget, and not when it does not', async () => {
    const dir = tempDir();
    const store = await open(dir, UNMIRRORED);
    await store.putAll(entries(200, 'v'));
    await store.close();
    const small = await open(dir, budget(1 << 20));
    expect(small.mirrored()).toBe(true);
    expect((await drain(small.range(b('k0010'), b('k0011'))))).toEqual([['k0010', 'v10'], ['k0011', 'v11']]);
    await small.close();
    const big = await open(dir, budget(5_000));
    expect(big.mirrored()).toBe(false);
    expect(s((await big.get(b('k0199'))) as Buffer)).toBe('v199');
    await big.close();
  });
});
