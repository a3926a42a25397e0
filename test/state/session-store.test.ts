import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Serdes, SessionWindow, Stores, Windowed, type SessionStore } from '../../src/index.js';
import { RecordCache } from '../../src/state/internals/record-cache.js';
import { SegmentedSessionStore } from '../../src/state/internals/segmented-session-store.js';
import { sessionKey } from '../../src/state/internals/window-key-schema.js';
import { toArray } from '../../src/state/iterators.js';
import { MockStateStoreContext } from './helpers.js';

const S = Serdes.String();
const L = Serdes.Long();
const w = (key: string, start: number, end: number) => new Windowed(key, new SessionWindow(start, end));

const open: SessionStore<unknown, unknown>[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) if (s.isOpen()) await s.close();
});

async function sessionStore(kind: 'memory' | 'persistent', retention = 100, ctx = new MockStateStoreContext()) {
  const supplier = kind === 'memory' ? Stores.inMemorySessionStore('s', retention) : Stores.persistentSessionStore('s', retention);
  const store = Stores.sessionStoreBuilder(supplier, S, L).withLoggingDisabled().build();
  await store.init(ctx, store);
  open.push(store as SessionStore<unknown, unknown>);
  return { store, ctx };
}

const sessions = async (it: Parameters<typeof toArray>[0]) =>
  (await toArray(it)).map(({ key, value }) => {
    const k = key as Windowed<string>;
    return `${k.key}@${k.window.start}/${k.window.end}=${String(value)}`;
  });

describe.each(['memory', 'persistent'] as const)('%s session store', (kind) => {
  it('findSessions: sessions ending at or after the earliest end and starting at or before the latest start', async () => {
    const { store } = await sessionStore(kind);
    await store.put(w('a', 0, 5), 1);
    await store.put(w('a', 10, 12), 2);
    await store.put(w('a', 30, 30), 3);
    await store.put(w('b', 11, 11), 9);
    // what a record at 8 with gap 4 may merge with: sessions overlapping [4, 12]
    expect(await sessions(store.findSessions('a', 4, 12))).toEqual(['a@0/5=1', 'a@10/12=2']);
    expect(await sessions(store.findSessions('a', 6, 9))).toEqual([]);
    // in memory by session end, then key; persistent by key (as Java's stores)
    expect(await sessions(store.findSessions('a', 'b', 11, 11))).toEqual(kind === 'memory' ? ['b@11/11=9', 'a@10/12=2'] : ['a@10/12=2', 'b@11/11=9']);
    expect(await sessions(store.backwardFindSessions('a', 0, 100))).toEqual(['a@30/30=3', 'a@10/12=2', 'a@0/5=1']);
    expect(await store.fetchSession('a', 10, 12)).toBe(2);
    expect(await store.fetchSession('a', 10, 11)).toBeNull();
  });

  it('a merge: remove the superseded sessions, put the merged one', async () => {
    const { store } = await sessionStore(kind);
    await store.put(w('a', 0, 5), 1);
    await store.put(w('a', 10, 12), 2);
    for (const s of await toArray(store.findSessions('a', 2, 14))) await store.remove(s.key);
    await store.put(w('a', 0, 12), 4);
    expect(await sessions(store.fetch('a'))).toEqual(['a@0/12=4']);
    await store.put(w('a', 0, 12), null); // a null put removes too
    expect(await sessions(store.fetch('a'))).toEqual([]);
  });

  it('retention: sessions ending before stream time - retention + 1 are gone', async () => {
    const { store } = await sessionStore(kind, 20);
    await store.put(w('a', 0, 5), 1);
    await store.put(w('a', 20, 25), 2);
    expect(await sessions(store.fetch('a'))).toEqual(['a@20/25=2']);
    expect(await store.fetchSession('a', 0, 5)).toBeNull();
  });
});

describe('session store layers and segments', () => {
  it('persistent sessions live in segments by session end; retention drops whole segments', async () => {
    const ctx = new MockStateStoreContext();
    const store = new SegmentedSessionStore('ses', 60_000, 60_000);
    await store.init(ctx, store);
    await store.put(new Windowed(Buffer.from('a'), new SessionWindow(0, 100)), Buffer.from('1'));
    await store.put(new Windowed(Buffer.from('a'), new SessionWindow(61_000, 62_000)), Buffer.from('2'));
    expect(readdirSync(join(ctx.stateDir(), 'ses')).sort()).toEqual(['ses.0', 'ses.60000']);
    await store.put(new Windowed(Buffer.from('a'), new SessionWindow(125_000, 125_000)), Buffer.from('3'));
    expect(store.segmentIds()).toEqual([1, 2]);
    await store.flush(); // expired segments are deleted in the background; a flush (commit) waits for that
    expect(existsSync(join(ctx.stateDir(), 'ses', 'ses.0'))).toBe(false);
    await store.close();
  });

  it('the changelog gets Java\'s session key [key][8-byte end][8-byte start]; a remove logs a tombstone', async () => {
    const ctx = new MockStateStoreContext();
    const store = Stores.sessionStoreBuilder(Stores.inMemorySessionStore('logged', 100), S, L).build();
    await store.init(ctx, store);
    await store.put(w('k', 3, 9), 1);
    await store.remove(w('k', 3, 9));
    expect(ctx.changes.map((c) => [c.key.toString('hex'), c.value === null ? null : 'v'])).toEqual([
      ['6b' + '0000000000000009' + '0000000000000003', 'v'],
      ['6b' + '0000000000000009' + '0000000000000003', null],
    ]);
    expect(ctx.changes[0]!.key).toEqual(sessionKey(Buffer.from('k'), 3, 9));
    await store.close();
  });

  it('caching: merges reach the listener at flush, a removal of a session never written below is dropped', async () => {
    const ctx = new MockStateStoreContext();
    ctx.recordCache = new RecordCache(1024 * 1024);
    const store = Stores.sessionStoreBuilder(Stores.inMemorySessionStore('cached', 100), S, L).withCachingEnabled().build();
    await store.init(ctx, store);
    const flushed: string[] = [];
    const listening = store as unknown as {
      setFlushListener(l: (c: { key: Windowed<string>; newValue: number | null; oldValue: number | null }) => void, old: boolean): boolean;
    };
    listening.setFlushListener((c) => void flushed.push(`${c.key.key}@${c.key.window.start}/${c.key.window.end}:${c.oldValue}->${c.newValue}`), true);
    await store.put(w('a', 1, 1), 1);
    await store.flush();
    await store.remove(w('a', 1, 1));
    await store.put(w('a', 1, 3), 2);
    await store.put(w('a', 5, 5), 1);
    await store.remove(w('a', 5, 5)); // created and removed between two flushes: no trace
    expect(await sessions(store.findSessions('a', 0, 10))).toEqual(['a@1/3=2']);
    await store.flush();
    expect(flushed).toEqual(['a@1/1:null->1', 'a@1/1:1->null', 'a@1/3:null->2']);
    await store.close();
  });
});
