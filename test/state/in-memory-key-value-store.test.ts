import { describe, expect, it } from 'vitest';
import { InvalidStateStoreError, NoSuchElementError } from '../../src/errors/streams-error.js';
import { Serdes } from '../../src/serde/serdes.js';
import { InMemoryKeyValueStore } from '../../src/state/internals/in-memory-key-value-store.js';
import { SortedKeyList } from '../../src/state/internals/sorted-key-list.js';
import { toArray } from '../../src/state/iterators.js';
import type { KeyValueIterator } from '../../src/state/state-store.js';
import { MockStateStoreContext } from './helpers.js';

const b = (s: string) => Buffer.from(s, 'utf8');
const s = (buf: Buffer | null) => (buf === null ? null : buf.toString('utf8'));

function newStore(): InMemoryKeyValueStore {
  const store = new InMemoryKeyValueStore('kv');
  store.init(new MockStateStoreContext(), store);
  return store;
}

function drain(it: KeyValueIterator<Buffer, Buffer>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  while (it.hasNext() as boolean) {
    const kv = it.next() as { key: Buffer; value: Buffer };
    out.push([s(kv.key)!, s(kv.value)!]);
  }
  it.close();
  return out;
}

const keysOf = (it: KeyValueIterator<Buffer, Buffer>) => drain(it).map(([k]) => k);

describe('InMemoryKeyValueStore', () => {
  it('put / get / delete / putIfAbsent / putAll', () => {
    const store = newStore();
    expect(store.get(b('a'))).toBeNull();
    store.put(b('a'), b('1'));
    expect(s(store.get(b('a')))).toBe('1');
    store.put(b('a'), b('2'));
    expect(s(store.get(b('a')))).toBe('2');
    expect(s(store.putIfAbsent(b('a'), b('3')))).toBe('2');
    expect(s(store.get(b('a')))).toBe('2');
    expect(store.putIfAbsent(b('b'), b('x'))).toBeNull();
    expect(s(store.get(b('b')))).toBe('x');
    expect(s(store.delete(b('a')))).toBe('2');
    expect(store.delete(b('a'))).toBeNull();
    expect(store.get(b('a'))).toBeNull();
    store.putAll([
      { key: b('c'), value: b('3') },
      { key: b('d'), value: b('4') },
      { key: b('b'), value: null },
    ]);
    expect(keysOf(store.all())).toEqual(['c', 'd']);
    store.put(b('c'), null); // put null deletes
    expect(store.get(b('c'))).toBeNull();
    expect(store.approximateNumEntries()).toBe(1);
  });

  it('looks keys up by content, not by Buffer identity', () => {
    const store = newStore();
    store.put(Buffer.from([0, 255, 128]), b('v'));
    expect(s(store.get(Buffer.from([0, 255, 128])))).toBe('v');
    expect(store.get(Buffer.from([0, 255]))).toBeNull();
  });

  it('orders Long keys by their bytes: 0, 1, 256, 65536, -256, -1', () => {
    const store = newStore();
    const ser = Serdes.Long().serializer();
    const de = Serdes.Long().deserializer();
    for (const k of [-1, 1, 256, 0, -256, 65536]) store.put(ser.serialize('t', k)!, b(String(k)));
    const order = drain(store.all()).map(([, v]) => Number(v));
    expect(order).toEqual([0, 1, 256, 65536, -256, -1]);
    const reverse: number[] = [];
    for (const kv of store.reverseAll() as unknown as Iterable<{ key: Buffer }>) reverse.push(de.deserialize('t', kv.key)!);
    expect(reverse).toEqual([-1, -256, 65536, 256, 1, 0]);
  });

  it('orders String keys by their UTF-8 bytes', () => {
    const store = newStore();
    for (const k of ['b', 'a', 'aa', 'B', 'é', 'ab', 'a\u0000']) store.put(b(k), b(k));
    expect(keysOf(store.all())).toEqual(['B', 'a', 'a\u0000', 'aa', 'ab', 'b', 'é']);
    expect(keysOf(store.reverseAll())).toEqual(['é', 'b', 'ab', 'aa', 'a\u0000', 'a', 'B']);
  });

  it('range is inclusive at both ends, null bounds are unbounded, from > to is empty', () => {
    const store = newStore();
    for (const k of ['a', 'b', 'c', 'd', 'e']) store.put(b(k), b(k.toUpperCase()));
    expect(drain(store.range(b('b'), b('d')))).toEqual([['b', 'B'], ['c', 'C'], ['d', 'D']]);
    expect(keysOf(store.range(b('bb'), b('dd')))).toEqual(['c', 'd']);
    expect(keysOf(store.range(null, b('b')))).toEqual(['a', 'b']);
    expect(keysOf(store.range(b('d'), null))).toEqual(['d', 'e']);
    expect(keysOf(store.range(null, null))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(keysOf(store.range(b('d'), b('b')))).toEqual([]);
    expect(keysOf(store.range(b('c'), b('c')))).toEqual(['c']);
    expect(keysOf(store.range(b('x'), b('z')))).toEqual([]);
    expect(keysOf(store.reverseRange(b('b'), b('d')))).toEqual(['d', 'c', 'b']);
    expect(keysOf(store.reverseRange(null, b('b')))).toEqual(['b', 'a']);
    expect(keysOf(store.reverseRange(b('d'), null))).toEqual(['e', 'd']);
    expect(keysOf(store.reverseRange(b('d'), b('b')))).toEqual([]);
  });

  it('prefixScan by the serialized prefix', () => {
    const store = newStore();
    for (const k of ['a', 'ab', 'abc', 'abd', 'b', 'ab\u00ff', 'aa']) store.put(b(k), b(k));
    const ser = Serdes.String().serializer();
    expect(keysOf(store.prefixScan('ab', ser))).toEqual(['ab', 'abc', 'abd', 'ab\u00ff']);
    expect(keysOf(store.prefixScan('x', ser))).toEqual([]);
    expect(keysOf(store.prefixScan('', ser))).toEqual(['a', 'aa', 'ab', 'abc', 'abd', 'ab\u00ff', 'b']);
    // a prefix whose last byte is 0xff
    const bytes = newStore();
    for (const k of [[1, 255], [1, 255, 0], [1, 255, 255], [2], [1, 254, 9]]) bytes.put(Buffer.from(k), b('v'));
    const it = bytes.prefixScan(Buffer.from([1, 255]), Serdes.ByteArray().serializer());
    const got: string[] = [];
    while (it.hasNext()) got.push((it.next() as { key: Buffer }).key.toString('hex'));
    expect(got).toEqual(['01ff', '01ff00', '01ffff']);
  });

  it('iterators see a snapshot of the keys, skip deleted keys and read current values', () => {
    const store = newStore();
    for (const k of ['a', 'b', 'c', 'd']) store.put(b(k), b('old'));
    const it = store.all();
    store.delete(b('b'));
    store.put(b('bb'), b('new key'));
    store.put(b('c'), b('updated'));
    expect(s(it.peekNextKey() as Buffer)).toBe('a');
    expect(drain(it)).toEqual([['a', 'old'], ['c', 'updated'], ['d', 'old']]);
    expect(keysOf(store.all())).toEqual(['a', 'bb', 'c', 'd']);
  });

  it('deleting and re-adding keys between scans keeps the index consistent', () => {
    const store = newStore();
    const model = new Map<string, string>();
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 300; round++) {
      const ops = Math.floor(rnd() * 50);
      for (let i = 0; i < ops; i++) {
        const key = `k${Math.floor(rnd() * 200)}`;
        if (rnd() < 0.3) {
          store.delete(b(key));
          model.delete(key);
        } else {
          store.put(b(key), b(String(round)));
          model.set(key, String(round));
        }
      }
      const expected = [...model.keys()].sort();
      expect(keysOf(store.all())).toEqual(expected);
      if (round % 10 === 0) {
        const lo = `k${Math.floor(rnd() * 200)}`;
        const hi = `k${Math.floor(rnd() * 200)}`;
        expect(keysOf(store.range(b(lo), b(hi)))).toEqual(expected.filter((k) => k >= lo && k <= hi));
      }
    }
    expect(store.approximateNumEntries()).toBe(model.size);
  });

  it('handles many keys (chunked index) in byte order', () => {
    const store = newStore();
    const keys: string[] = [];
    for (let i = 0; i < 5000; i++) keys.push(`key-${(i * 7919) % 5000}`);
    for (const k of keys) store.put(b(k), b(k));
    store.all().close(); // build the index
    for (let i = 0; i < 5000; i += 3) store.delete(b(`key-${i}`));
    for (let i = 5000; i < 7000; i++) store.put(b(`key-${i}`), b('x'));
    const expected = [...new Set([...keys, ...Array.from({ length: 2000 }, (_, i) => `key-${5000 + i}`)])]
      .filter((k) => { const n = Number(k.slice(4)); return n >= 5000 || n % 3 !== 0; })
      .sort();
    expect(keysOf(store.all())).toEqual(expected);
    expect(keysOf(store.range(b('key-2'), b('key-3')))).toEqual(expected.filter((k) => k >= 'key-2' && k <= 'key-3'));
    expect(keysOf(store.prefixScan('key-12', Serdes.String().serializer()))).toEqual(expected.filter((k) => k.startsWith('key-12')));
  });

  it('approximateNumEntries counts entries', () => {
    const store = newStore();
    expect(store.approximateNumEntries()).toBe(0);
    store.put(b('a'), b('1'));
    store.put(b('a'), b('2'));
    store.put(b('b'), b('1'));
    expect(store.approximateNumEntries()).toBe(2);
    store.delete(b('a'));
    expect(store.approximateNumEntries()).toBe(1);
  });

  it('iterators: next past the end throws, closed iterators throw, async iteration closes', async () => {
    const store = newStore();
    store.put(b('a'), b('1'));
    const it = store.all();
    it.next();
    expect(it.hasNext()).toBe(false);
    expect(() => it.next()).toThrow(NoSuchElementError);
    expect(() => it.peekNextKey()).toThrow(NoSuchElementError);
    it.close();
    expect(() => it.hasNext()).toThrow(InvalidStateStoreError);

    store.put(b('b'), b('2'));
    const seen: string[] = [];
    const it2 = store.all();
    for await (const kv of it2) {
      seen.push(s(kv.key)!);
      break;
    }
    expect(seen).toEqual(['a']);
    expect(() => it2.hasNext()).toThrow(/already been closed/);
    expect((await toArray(store.all())).map((kv) => s(kv.key))).toEqual(['a', 'b']);
    expect((await toArray(store.range(b('b'), b('a'))))).toEqual([]);
  });

  it('registers with the context and restores through the callback', () => {
    const ctx = new MockStateStoreContext();
    const store = new InMemoryKeyValueStore('kv');
    expect(store.isOpen()).toBe(false);
    store.init(ctx, store);
    expect(store.isOpen()).toBe(true);
    expect(store.persistent()).toBe(false);
    expect(store.name()).toBe('kv');
    expect(ctx.registered).toHaveLength(1);
    expect(ctx.registered[0]!.store).toBe(store);
    ctx.registered[0]!.restore!(b('r'), b('1'));
    expect(s(store.get(b('r')))).toBe('1');
    ctx.registered[0]!.restore!(b('r'), null);
    expect(store.get(b('r'))).toBeNull();
  });

  it('close drops the contents, closes open iterators, and later calls throw', () => {
    const store = newStore();
    store.put(b('a'), b('1'));
    const it = store.all();
    store.close();
    expect(store.isOpen()).toBe(false);
    expect(() => it.hasNext()).toThrow(InvalidStateStoreError);
    expect(() => store.get(b('a'))).toThrow('Store kv is currently closed');
    store.init(new MockStateStoreContext(), store);
    expect(store.get(b('a'))).toBeNull();
  });
});

describe('SortedKeyList', () => {
  it('matches a sorted array under random inserts and deletes', () => {
    const list = new SortedKeyList();
    const model = new Set<string>();
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20000; i++) {
      const k = String.fromCharCode(Math.floor(rnd() * 256), Math.floor(rnd() * 256));
      if (rnd() < 0.4) expect(list.delete(k)).toBe(model.delete(k));
      else {
        const had = model.has(k);
        model.add(k);
        expect(list.add(k)).toBe(!had);
      }
    }
    const expected = [...model].sort();
    expect(list.size).toBe(model.size);
    expect(list.range(null, null)).toEqual(expected);
    expect(list.range('\u0040', '\u0080')).toEqual(expected.filter((k) => k >= '\u0040' && k <= '\u0080'));
    expect(list.withPrefix('\u0010')).toEqual(expected.filter((k) => k.startsWith('\u0010')));
    for (const k of expected.slice(0, 50)) expect(list.has(k)).toBe(true);
  });
});
