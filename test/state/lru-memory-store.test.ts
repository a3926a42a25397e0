import { describe, expect, it } from 'vitest';
import { StreamsError } from '../../src/errors/streams-error.js';
import { Serdes } from '../../src/serde/serdes.js';
import { MemoryLRUCache } from '../../src/state/internals/lru-memory-store.js';
import { toArray } from '../../src/state/iterators.js';
import { Stores } from '../../src/state/stores.js';
import { MockStateStoreContext } from './helpers.js';

const b = (s: string) => Buffer.from(s, 'utf8');
const s = (buf: Buffer | null) => (buf === null ? null : buf.toString('utf8'));

function newCache(max: number): MemoryLRUCache {
  const cache = new MemoryLRUCache('lru', max);
  cache.init(new MockStateStoreContext(), cache);
  return cache;
}

async function keys(cache: MemoryLRUCache): Promise<string[]> {
  return (await toArray(cache.all())).map((kv) => s(kv.key)!);
}

describe('MemoryLRUCache (Stores.lruMap)', () => {
  it('evicts the least recently put entry when over size', async () => {
    const cache = newCache(3);
    const evicted: string[] = [];
    cache.setWhenEldestRemoved((k, v) => evicted.push(`${s(k)}=${s(v)}`));
    for (const k of ['a', 'b', 'c', 'd']) cache.put(b(k), b(k.toUpperCase()));
    expect(evicted).toEqual(['a=A']);
    expect(cache.get(b('a'))).toBeNull();
    expect(await keys(cache)).toEqual(['b', 'c', 'd']);
    expect(cache.approximateNumEntries()).toBe(3);
  });

  it('counts get and put of an existing key as a use', async () => {
    const cache = newCache(3);
    for (const k of ['a', 'b', 'c']) cache.put(b(k), b('1'));
    expect(s(cache.get(b('a')))).toBe('1'); // a is now most recent; b is eldest
    cache.put(b('d'), b('1')); // evicts b
    expect(await keys(cache)).toEqual(['a', 'c', 'd']);
    cache.put(b('c'), b('2')); // c is now most recent; a is eldest
    cache.put(b('e'), b('1')); // evicts a
    expect(await keys(cache)).toEqual(['c', 'd', 'e']);
    expect(s(cache.putIfAbsent(b('d'), b('x')))).toBe('1'); // a use of d; eldest is c
    cache.put(b('f'), b('1'));
    expect(await keys(cache)).toEqual(['d', 'e', 'f']);
  });

  it('scans do not count as uses and see a sorted snapshot', async () => {
    const cache = newCache(2);
    cache.put(b('b'), b('1'));
    cache.put(b('a'), b('1'));
    const it = cache.all();
    cache.put(b('b'), b('2'));
    expect((await toArray(it)).map((kv) => `${s(kv.key)}=${s(kv.value)}`)).toEqual(['a=1', 'b=1']);
    await toArray(cache.range(b('a'), b('a')));
    cache.put(b('c'), b('1')); // a is eldest despite the scan
    expect(await keys(cache)).toEqual(['b', 'c']);
    expect((await toArray(cache.reverseAll())).map((kv) => s(kv.key))).toEqual(['c', 'b']);
    expect((await toArray(cache.range(b('c'), b('b'))))).toEqual([]);
    expect((await toArray(cache.prefixScan('c', Serdes.String().serializer()))).map((kv) => s(kv.key))).toEqual(['c']);
  });

  it('delete and put(null) remove without calling the listener', async () => {
    const cache = newCache(2);
    const evicted: string[] = [];
    cache.setWhenEldestRemoved((k) => evicted.push(s(k)!));
    cache.put(b('a'), b('1'));
    cache.put(b('b'), b('1'));
    expect(s(cache.delete(b('a')))).toBe('1');
    cache.put(b('b'), null);
    expect(cache.approximateNumEntries()).toBe(0);
    expect(evicted).toEqual([]);
  });

  it('a size of 0 keeps nothing; a negative size is rejected', () => {
    const cache = newCache(0);
    cache.put(b('a'), b('1'));
    expect(cache.get(b('a'))).toBeNull();
    expect(() => Stores.lruMap('x', -1)).toThrow(StreamsError);
    expect(Stores.lruMap('x', 10).metricsScope()).toBe('in-memory-lru');
    expect(Stores.lruMap('x', 10).get()).toBeInstanceOf(MemoryLRUCache);
  });

  it('works under a typed key-value store builder', async () => {
    const store = Stores.keyValueStoreBuilder(Stores.lruMap('lru', 2), Serdes.String(), Serdes.Long()).build();
    store.init(new MockStateStoreContext(), store);
    await store.put('a', 1);
    await store.put('b', 2);
    await store.get('a');
    await store.put('c', 3);
    expect(await store.get('b')).toBeNull();
    expect((await toArray(store.all())).map((kv) => [kv.key, kv.value])).toEqual([['a', 1], ['c', 3]]);
  });
});
