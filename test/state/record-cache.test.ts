import { describe, expect, it } from 'vitest';
import { CachingKeyValueStore } from '../../src/state/internals/caching-key-value-store.js';
import { InMemoryKeyValueStore } from '../../src/state/internals/in-memory-key-value-store.js';
import { RecordCache, type DirtyEntry } from '../../src/state/internals/record-cache.js';
import { toArray } from '../../src/state/iterators.js';
import { MockStateStoreContext } from './helpers.js';

const b = (s: string): Buffer => Buffer.from(s);
const str = (x: Buffer | null): string | null => (x === null ? null : x.toString());
const flushed = (entries: DirtyEntry[]) => entries.map((e) => [str(e.key), str(e.value), e.context]);

describe('RecordCache (Java ThreadCache)', () => {
  it('keeps one entry per key and flushes dirty entries in the order of their last write', () => {
    const cache = new RecordCache(1 << 20);
    const seen: unknown[] = [];
    cache.addDirtyEntryFlushListener('s', (e) => void seen.push(...flushed(e)));
    cache.put('s', b('a'), { value: b('1'), dirty: true, context: 'r1' });
    cache.put('s', b('b'), { value: b('2'), dirty: true, context: 'r2' });
    cache.put('s', b('a'), { value: b('3'), dirty: true, context: 'r3' });
    cache.flush('s');
    expect(seen).toEqual([
      ['b', '2', 'r2'],
      ['a', '3', 'r3'],
    ]);
    cache.flush('s');
    expect(seen).toHaveLength(2);
    expect(str(cache.get('s', b('a'))!.value)).toBe('3');
  });

  it('drops flushed deletes from the cache and keeps clean reads', () => {
    const cache = new RecordCache(1 << 20);
    cache.addDirtyEntryFlushListener('s', () => undefined);
    cache.put('s', b('gone'), { value: null, dirty: true, context: null });
    cache.put('s', b('read'), { value: b('x'), dirty: false, context: null });
    cache.flush('s');
    expect(cache.get('s', b('gone'))).toBeNull();
    expect(str(cache.get('s', b('read'))!.value)).toBe('x');
  });

  it('evicts the least recently used entry when over budget, flushing all dirty entries of that store', () => {
    // each entry is charged key + value + 64 bytes: 66 here, so two fit in 140 bytes
    const cache = new RecordCache(140);
    const seen: unknown[] = [];
    cache.addDirtyEntryFlushListener('s', (e) => void seen.push(...flushed(e)));
    cache.put('s', b('a'), { value: b('1'), dirty: true, context: 1 });
    cache.put('s', b('b'), { value: b('2'), dirty: true, context: 2 });
    cache.get('s', b('a')); // a is now the most recently used
    cache.put('s', b('c'), { value: b('3'), dirty: true, context: 3 });
    // b was the eldest: evicted first, then every other dirty entry is flushed with it
    expect(seen).toEqual([
      ['b', '2', 2],
      ['a', '1', 1],
      ['c', '3', 3],
    ]);
    expect(cache.get('s', b('b'))).toBeNull();
    expect(cache.sizeBytes()).toBeLessThanOrEqual(140);
  });
});

describe('CachingKeyValueStore (Java CachingKeyValueStore)', () => {
  function setup(maxBytes = 1 << 20) {
    const inner = new InMemoryKeyValueStore('s');
    const store = new CachingKeyValueStore(inner);
    const ctx = new MockStateStoreContext();
    ctx.recordCache = maxBytes > 0 ? new RecordCache(maxBytes) : null;
    store.init(ctx, store);
    const changes: Array<[string, string | null, string | null]> = [];
    const caching = store.setFlushListener((k, n, o) => void changes.push([str(k)!, str(n), str(o)]), true);
    return { inner, store, ctx, changes, caching };
  }

  it('writes reach the store below and downstream only on flush, one change per key', async () => {
    const { inner, store, changes, caching } = setup();
    expect(caching).toBe(true);
    inner.put(b('k'), b('old'));
    store.put(b('k'), b('v1'));
    store.put(b('k'), b('v2'));
    expect(str(store.get(b('k')) as Buffer)).toBe('v2');
    expect(str(inner.get(b('k')))).toBe('old');
    await store.flush();
    expect(str(inner.get(b('k')))).toBe('v2');
    expect(changes).toEqual([['k', 'v2', 'old']]);
  });

  it('drops a delete of a key that never existed, and forwards a delete of one that did', async () => {
    const { inner, store, changes } = setup();
    inner.put(b('there'), b('x'));
    store.delete(b('never'));
    store.delete(b('there'));
    await store.flush();
    expect(changes).toEqual([['there', null, 'x']]);
    expect(inner.get(b('there'))).toBeNull();
  });

  it('iterates the store overlaid with the cache, in byte order, hiding cached deletes', async () => {
    const { inner, store } = setup();
    inner.put(b('a'), b('1'));
    inner.put(b('c'), b('3'));
    inner.put(b('d'), b('4'));
    store.put(b('b'), b('2'));
    store.put(b('c'), null);
    store.put(b('d'), b('44'));
    const all = (await toArray(store.all())).map((kv) => [str(kv.key), str(kv.value)]);
    expect(all).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['d', '44'],
    ]);
    const reverse = (await toArray(store.reverseRange(b('b'), b('d')))).map((kv) => str(kv.key));
    expect(reverse).toEqual(['d', 'b']);
  });

  it('passes straight through without a record cache', async () => {
    const { inner, store, changes, caching } = setup(0);
    expect(caching).toBe(false);
    store.put(b('k'), b('v'));
    expect(str(inner.get(b('k')))).toBe('v');
    await store.flush();
    expect(changes).toEqual([]);
  });
});
