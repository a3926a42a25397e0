import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Serdes, Stores, type WindowStore } from '../../src/index.js';
import { StreamsMetrics } from '../../src/processor/internals/streams-metrics.js';
import { RecordCache } from '../../src/state/internals/record-cache.js';
import { SegmentedWindowStore } from '../../src/state/internals/segmented-window-store.js';
import { windowStoreKey } from '../../src/state/internals/window-key-schema.js';
import { toArray } from '../../src/state/iterators.js';
import { MockStateStoreContext } from './helpers.js';

const S = Serdes.String();
const L = Serdes.Long();

/** A context that also has a metrics registry (for `dropped-records-total`). */
class MetricsContext extends MockStateStoreContext {
  readonly registry = new StreamsMetrics();
  metrics(): StreamsMetrics {
    return this.registry;
  }
  dropped(): number {
    return this.registry.metrics().find((m) => m.name === 'dropped-records-total')?.value ?? 0;
  }
}

const open: WindowStore<unknown, unknown>[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) if (s.isOpen()) await s.close();
});

async function windowStore(kind: 'memory' | 'persistent', retention = 100, size = 10, dups = false, ctx = new MetricsContext()) {
  const supplier =
    kind === 'memory' ? Stores.inMemoryWindowStore('w', retention, size, dups) : Stores.persistentWindowStore('w', retention, size, dups);
  const store = Stores.windowStoreBuilder(supplier, S, L).withLoggingDisabled().build();
  await store.init(ctx, store);
  open.push(store as WindowStore<unknown, unknown>);
  return { store, ctx };
}

const keys = async (it: Parameters<typeof toArray>[0]) => (await toArray(it)).map(({ key }) => key);
const windows = async (it: Parameters<typeof toArray>[0]) =>
  (await toArray(it)).map(({ key, value }) => {
    const w = key as { key: string; window: { start: number; end: number } };
    return `${w.key}@${w.window.start}/${w.window.end}=${String(value)}`;
  });

describe.each(['memory', 'persistent'] as const)('%s window store', (kind) => {
  it('fetch bounds are inclusive window starts; single fetch finds the exact start only', async () => {
    const { store } = await windowStore(kind);
    for (const t of [0, 10, 20, 30]) await store.put('a', t, t);
    await store.put('b', 99, 10);
    expect(await keys(store.fetch('a', 10, 20))).toEqual([10, 20]);
    expect(await keys(store.fetch('a', 11, 19))).toEqual([]);
    expect(await keys(store.backwardFetch('a', 0, 30))).toEqual([30, 20, 10, 0]);
    expect(await store.fetch('a', 20)).toBe(20);
    expect(await store.fetch('a', 25)).toBeNull();
    expect(await store.fetch('c', 20)).toBeNull();
  });

  it('key ranges compare the key bytes exactly (prefix keys, open bounds, inverted ranges)', async () => {
    const { store } = await windowStore(kind);
    for (const k of ['a', 'aa', 'ab', 'b']) await store.put(k, 1, 0);
    expect(await windows(store.fetch('a', 'aa', 0, 10))).toEqual(['a@0/10=1', 'aa@0/10=1']);
    expect(await windows(store.fetch(null, 'a', 0, 10))).toEqual(['a@0/10=1']);
    expect(await windows(store.fetch('ab', null, 0, 10))).toEqual(['ab@0/10=1', 'b@0/10=1']);
    expect(await windows(store.fetch('b', 'a', 0, 10))).toEqual([]);
  });

  it('a put with null deletes the window', async () => {
    const { store } = await windowStore(kind);
    await store.put('a', 1, 0);
    await store.put('a', null, 0);
    expect(await store.fetch('a', 0)).toBeNull();
    expect(await windows(store.all())).toEqual([]);
  });

  it('retention: fetches never return expired windows; writes to expired windows are dropped and counted', async () => {
    const { store, ctx } = await windowStore(kind, 100, 10);
    await store.put('a', 1, 0);
    await store.put('a', 2, 50);
    expect(await keys(store.fetch('a', 0, 200))).toEqual([0, 50]);
    await store.put('a', 3, 100); // stream time 100: windows starting at or before 0 have expired
    expect(await keys(store.fetch('a', 0, 200))).toEqual([50, 100]);
    expect(await store.fetch('a', 0)).toBeNull();
    await store.put('a', 4, 0); // too old: dropped
    expect(await store.fetch('a', 0)).toBeNull();
    if (kind === 'memory') expect(ctx.dropped()).toBe(1);
  });

  it('retainDuplicates keeps every put under its own sequence number; a null put is a no-op', async () => {
    const { store } = await windowStore(kind, 100, 10, true);
    await store.put('a', 1, 0);
    await store.put('a', 2, 0);
    await store.put('a', null, 0);
    expect((await toArray(store.fetch('a', 0, 0))).map((e) => e.value)).toEqual([1, 2]);
    expect(await windows(store.all())).toEqual(['a@0/10=1', 'a@0/10=2']);
    // as Java: the in-memory store finds nothing; the persistent one looks up the current sequence number
    expect(await store.fetch('a', 0)).toBe(kind === 'memory' ? null : 2);
  });
});

describe('window store orders', () => {
  it('multi-key scans: in memory by window start then key, persistent by segment then key (as Java)', async () => {
    const mem = (await windowStore('memory')).store;
    const rocks = (await windowStore('persistent')).store;
    for (const s of [mem, rocks]) {
      await s.put('b', 1, 0);
      await s.put('a', 2, 10);
      await s.put('a', 3, 0);
    }
    expect(await windows(mem.all())).toEqual(['a@0/10=3', 'b@0/10=1', 'a@10/20=2']);
    expect(await windows(rocks.all())).toEqual(['a@0/10=3', 'a@10/20=2', 'b@0/10=1']);
    expect(await windows(rocks.backwardAll())).toEqual(['b@0/10=1', 'a@10/20=2', 'a@0/10=3']);
  });
});

describe('persistent window store segments', () => {
  it('lives in <task dir>/<store>/<store>.<segment start>; retention drops whole segments', async () => {
    const ctx = new MetricsContext();
    // retention 60 s, segments of 60 s (Java's default interval for this retention)
    const store = new SegmentedWindowStore('seg', 60_000, 60_000, 1000, false);
    await store.init(ctx, store);
    await store.put(Buffer.from('a'), Buffer.from('1'), 1_000);
    await store.put(Buffer.from('a'), Buffer.from('2'), 70_000);
    expect(store.segmentIds()).toEqual([0, 1]);
    expect(readdirSync(join(ctx.stateDir(), 'seg')).sort()).toEqual(['seg.0', 'seg.60000']);
    // stream time 130 s: segment 0 ([0, 60 s)) is past retention and is deleted as a whole
    await store.put(Buffer.from('b'), Buffer.from('3'), 130_000);
    expect(store.segmentIds()).toEqual([1, 2]);
    await store.flush(); // expired segments are deleted in the background; a flush (commit) waits for that
    expect(existsSync(join(ctx.stateDir(), 'seg', 'seg.0'))).toBe(false);
    // a write into the dropped segment's time is dropped
    await store.put(Buffer.from('a'), Buffer.from('4'), 2_000);
    expect(store.segmentIds()).toEqual([1, 2]);
    expect(ctx.dropped()).toBe(1);
    await store.close();
  });

  it('reopens its segments after a restart', async () => {
    const ctx = new MetricsContext();
    const first = new SegmentedWindowStore('re', 100_000, 60_000, 10, false);
    await first.init(ctx, first);
    await first.put(Buffer.from('k'), Buffer.from('v'), 5);
    await first.close();
    const second = new SegmentedWindowStore('re', 100_000, 60_000, 10, false);
    await second.init(ctx, second);
    expect((await second.fetch(Buffer.from('k'), 5))?.toString()).toBe('v');
    await second.close();
  });
});

describe('window store layers', () => {
  it('the changelog gets Java\'s window store key [key][8-byte start][4-byte seqnum]', async () => {
    const ctx = new MetricsContext();
    const store = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('logged', 100, 10, false), S, L).build();
    await store.init(ctx, store);
    ctx.timestamp = 7;
    await store.put('k', 3, 40);
    expect(ctx.changes).toHaveLength(1);
    expect(ctx.changes[0]!.key).toEqual(windowStoreKey(Buffer.from('k'), 40, 0));
    expect(ctx.changes[0]!.key.toString('hex')).toBe('6b' + '0000000000000028' + '00000000');
    expect(ctx.changes[0]!.value).toEqual(L.serializer().serialize('t', 3));
    expect(ctx.changes[0]!.timestamp).toBe(7);
    await store.close();
  });

  it('a timestamped store logs the plain value with the value timestamp (as Java)', async () => {
    const ctx = new MetricsContext();
    const store = Stores.timestampedWindowStoreBuilder(Stores.inMemoryWindowStore('ts', 100, 10, false), S, L).build();
    await store.init(ctx, store);
    const { ValueAndTimestamp } = await import('../../src/index.js');
    await store.put('k', ValueAndTimestamp.make(5, 33), 30);
    expect(ctx.changes[0]!.value).toEqual(L.serializer().serialize('t', 5));
    expect(ctx.changes[0]!.timestamp).toBe(33);
    expect((await store.fetch('k', 30))?.timestamp).toBe(33);
    await store.close();
  });

  it('caching: writes wait in the record cache, reads see them, a flush writes below and tells the listener', async () => {
    const ctx = new MetricsContext();
    ctx.recordCache = new RecordCache(1024 * 1024);
    const store = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('cached', 100, 10, false), S, L).withCachingEnabled().build();
    await store.init(ctx, store);
    const flushed: string[] = [];
    const listening = store as unknown as { setFlushListener(l: (c: { key: { key: string; window: { start: number } }; newValue: number | null; oldValue: number | null }) => void, old: boolean): boolean };
    expect(listening.setFlushListener((c) => void flushed.push(`${c.key.key}@${c.key.window.start}:${c.oldValue}->${c.newValue}`), true)).toBe(true);
    await store.put('a', 1, 0);
    await store.put('a', 2, 0);
    await store.put('b', 5, 10);
    expect(await store.fetch('a', 0)).toBe(2);
    expect(await keys(store.fetch('a', 0, 100))).toEqual([0]);
    expect(ctx.changes).toHaveLength(0); // nothing logged before the flush
    await store.flush();
    expect(flushed).toEqual(['a@0:null->2', 'b@10:null->5']);
    expect(ctx.changes).toHaveLength(2);
    await store.put('a', null, 0);
    await store.put('z', null, 0); // absent below and in the cache: leaves no trace
    await store.flush();
    expect(flushed.slice(2)).toEqual(['a@0:2->null']);
    expect(await store.fetch('a', 0)).toBeNull();
    await store.close();
  });
});
