import { describe, expect, it } from 'vitest';
import { ConfigError, IllegalArgumentError } from '../../src/errors/streams-error.js';
import type { Serde } from '../../src/serde/serde.js';
import { Serdes } from '../../src/serde/serdes.js';
import { InMemoryKeyValueStore } from '../../src/state/internals/in-memory-key-value-store.js';
import { KeyValueStoreFacade, NO_TIMESTAMP, ReadOnlyKeyValueStoreFacade } from '../../src/state/internals/key-value-store-facade.js';
import { MeteredKeyValueStore, MeteredTimestampedKeyValueStore } from '../../src/state/internals/metered-key-value-store.js';
import { ValueAndTimestampSerde } from '../../src/state/internals/value-and-timestamp-serde.js';
import { toArray } from '../../src/state/iterators.js';
import type { KeyValueStore } from '../../src/state/state-store.js';
import { Stores } from '../../src/state/stores.js';
import { isTimestampedKeyValueStore, isTimestampedStore, type TimestampedKeyValueStore } from '../../src/state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../../src/state/value-and-timestamp.js';
import { MockStateStoreContext } from './helpers.js';

const pairs = async <K, V>(store: KeyValueStore<K, V>) => (await toArray(store.all())).map((kv) => [kv.key, kv.value]);

describe('MeteredKeyValueStore', () => {
  it('stores serialized keys and values in the bytes store', async () => {
    const bytes = new InMemoryKeyValueStore('counts');
    const store = new MeteredKeyValueStore<string, number>(bytes, 'in-memory', Serdes.String(), Serdes.Long());
    store.init(new MockStateStoreContext(), store);
    expect(store.name()).toBe('counts');
    expect(store.wrapped()).toBe(bytes);
    await store.put('a', 1);
    expect(bytes.get(Buffer.from('a'))!.toString('hex')).toBe('0000000000000001');
    expect(await store.get('a')).toBe(1);
    expect(await store.get('zz')).toBeNull();
    expect(await store.putIfAbsent('a', 5)).toBe(1);
    expect(await store.putIfAbsent('b', 5)).toBeNull();
    await store.putAll([{ key: 'c', value: 3 }, { key: 'b', value: null }]);
    expect(await pairs(store)).toEqual([['a', 1], ['c', 3]]);
    expect(await store.delete('a')).toBe(1);
    await store.put('c', null);
    expect(await store.approximateNumEntries()).toBe(0);
  });

  it('scans in serialized-key order with typed bounds', async () => {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('longs'), Serdes.Long(), Serdes.String()).build();
    store.init(new MockStateStoreContext(), store);
    for (const k of [-1, 1, 256, 0, -256, 65536]) await store.put(k, String(k));
    expect((await pairs(store)).map(([k]) => k)).toEqual([0, 1, 256, 65536, -256, -1]);
    expect((await toArray(store.reverseAll())).map((kv) => kv.key)).toEqual([-1, -256, 65536, 256, 1, 0]);
    expect((await toArray(store.range(1, 65536))).map((kv) => kv.key)).toEqual([1, 256, 65536]);
    expect((await toArray(store.range(-256, null))).map((kv) => kv.key)).toEqual([-256, -1]);
    expect((await toArray(store.range(null, 1))).map((kv) => kv.key)).toEqual([0, 1]);
    // -1 serializes to ff..ff, above 1's bytes: from > to gives nothing, as in Java
    expect(await toArray(store.range(-1, 1))).toEqual([]);
    expect((await toArray(store.reverseRange(1, 256))).map((kv) => kv.key)).toEqual([256, 1]);
  });

  it('orders String keys by UTF-8 bytes and prefix-scans', async () => {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('strings'), Serdes.String(), Serdes.String()).build();
    store.init(new MockStateStoreContext(), store);
    for (const k of ['b', 'a', 'aa', 'B', 'é', 'ab', 'a\u0000']) await store.put(k, k.toUpperCase());
    expect((await pairs(store)).map(([k]) => k)).toEqual(['B', 'a', 'a\u0000', 'aa', 'ab', 'b', 'é']);
    expect((await toArray(store.prefixScan('a', Serdes.String().serializer()))).map((kv) => kv.key)).toEqual(['a', 'a\u0000', 'aa', 'ab']);
    const it = await store.all();
    expect(await it.peekNextKey()).toBe('B');
    const collected: string[] = [];
    for await (const kv of it) collected.push(`${kv.key}:${kv.value}`);
    expect(collected[0]).toBe('B:B');
    expect(collected).toHaveLength(7);
  });

  it('takes default serdes from the context at init', async () => {
    const store = Stores.keyValueStoreBuilder<string, number>(Stores.inMemoryKeyValueStore('d'), null, null).build();
    expect(() => store.put('a', 1)).toThrow(ConfigError);
    const ctx = new MockStateStoreContext({ keySerde: Serdes.String() as Serde<unknown>, valueSerde: Serdes.Long() as Serde<unknown> });
    store.init(ctx, store);
    await store.put('a', 7);
    expect(await store.get('a')).toBe(7);
    expect((store as MeteredKeyValueStore<string, number>).keySerde()).toBe(Serdes.String());
    expect(ctx.registered.map((r) => r.store)).toEqual([store]);
  });

  it('explicit serdes win over the defaults; a missing serde is an error naming the store', () => {
    const explicit = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('e'), Serdes.Long(), null).build() as MeteredKeyValueStore<number, string>;
    explicit.init(new MockStateStoreContext({ keySerde: Serdes.String() as Serde<unknown>, valueSerde: Serdes.String() as Serde<unknown> }), explicit);
    expect(explicit.keySerde()).toBe(Serdes.Long());
    expect(explicit.valueSerde()).toBe(Serdes.String());

    const noKey = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('my-store'), null, Serdes.Long()).build();
    expect(() => noKey.init(new MockStateStoreContext(), noKey)).toThrow(/State store my-store has no key serde.*default\.key\.serde/);
    const noValue = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('other'), Serdes.Long(), null).build();
    try {
      noValue.init(new MockStateStoreContext(), noValue);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).code).toBe('CONFIG_ERROR');
      expect((e as Error).message).toMatch(/State store other has no value serde/);
    }
  });

  it('serializes with the changelog topic name', async () => {
    const topics: string[] = [];
    const spy: Serde<string> = {
      serializer: () => ({ serialize: (topic, data) => (topics.push(topic), data === null ? null : Buffer.from(data)) }),
      deserializer: () => ({ deserialize: (topic, data) => (topics.push(topic), data === null ? null : data.toString()) }),
    };
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('s'), spy, spy).build();
    store.init(new MockStateStoreContext({ applicationId: 'my-app' }), store);
    await store.put('k', 'v');
    await store.get('k');
    expect(new Set(topics)).toEqual(new Set(['my-app-s-changelog']));
  });

  it('rejects null keys', () => {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('n'), Serdes.String(), Serdes.String()).build();
    store.init(new MockStateStoreContext(), store);
    expect(() => store.put(null as unknown as string, 'x')).toThrow(IllegalArgumentError);
    expect(() => store.get(null as unknown as string)).toThrow(/key cannot be null/);
  });

  it('works over an asynchronous bytes store', async () => {
    const sync = new InMemoryKeyValueStore('async');
    const asyncStore = new Proxy(sync, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function' || ['name', 'persistent', 'isOpen', 'init'].includes(prop as string)) {
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return (...args: unknown[]) => Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args));
      },
    }) as unknown as KeyValueStore<Buffer, Buffer>;
    const store = new MeteredKeyValueStore<string, number>(asyncStore, 'x', Serdes.String(), Serdes.Long());
    store.init(new MockStateStoreContext(), store);
    const put = store.put('a', 1);
    expect(put).toBeInstanceOf(Promise);
    await put;
    const got = store.get('a');
    expect(got).toBeInstanceOf(Promise);
    expect(await got).toBe(1);
    expect(await pairs(store)).toEqual([['a', 1]]);
  });
});

describe('timestamped key-value stores', () => {
  it('ValueAndTimestampSerde lays out 8-byte timestamp then the value', () => {
    const serde = new ValueAndTimestampSerde(Serdes.String());
    const bytes = serde.serializer().serialize('t', ValueAndTimestamp.make('é', 256))!;
    expect(bytes.toString('hex')).toBe('0000000000000100c3a9');
    const back = serde.deserializer().deserialize('t', bytes)!;
    expect(back.value).toBe('é');
    expect(back.timestamp).toBe(256);
    expect(serde.serializer().serialize('t', ValueAndTimestamp.make('x', -1))!.toString('hex')).toBe('ffffffffffffffff78');
    expect(serde.serializer().serialize('t', null)).toBeNull();
    expect(serde.deserializer().deserialize('t', null)).toBeNull();
    expect(() => serde.deserializer().deserialize('t', Buffer.alloc(5))).toThrow(/at least 8 bytes/);
  });

  it('round-trips ValueAndTimestamp through the builder-made store', async () => {
    const builder = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('ts'), Serdes.String(), Serdes.Long());
    const store: TimestampedKeyValueStore<string, number> = builder.build();
    store.init(new MockStateStoreContext(), store);
    expect(isTimestampedStore(store)).toBe(true);
    expect(isTimestampedKeyValueStore(store)).toBe(true);
    await store.put('a', ValueAndTimestamp.make(5, 100));
    const got = (await store.get('a'))!;
    expect(got).toBeInstanceOf(ValueAndTimestamp);
    expect([got.value, got.timestamp]).toEqual([5, 100]);
    const bytes = (store as MeteredTimestampedKeyValueStore<string, number>).wrapped().get(Buffer.from('a')) as Buffer;
    expect(bytes.toString('hex')).toBe('0000000000000064' + '0000000000000005');
    await store.put('a', null);
    expect(await store.get('a')).toBeNull();
  });

  it('timestamped stores take the default value serde and wrap it', async () => {
    const store = Stores.timestampedKeyValueStoreBuilder<string, string>(Stores.inMemoryKeyValueStore('tsd'), null, null).build();
    store.init(new MockStateStoreContext({ keySerde: Serdes.String() as Serde<unknown>, valueSerde: Serdes.String() as Serde<unknown> }), store);
    await store.put('k', ValueAndTimestamp.make('v', 3));
    const vt = (await store.get('k'))!;
    expect([vt.value, vt.timestamp]).toEqual(['v', 3]);
    expect((store as MeteredTimestampedKeyValueStore<string, string>).valueSerde()).toBeInstanceOf(ValueAndTimestampSerde);
  });

  it('plain-value facade: reads drop timestamps, writes use timestamp -1', async () => {
    const ts = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('f'), Serdes.String(), Serdes.Long()).build();
    ts.init(new MockStateStoreContext(), ts);
    await ts.put('b', ValueAndTimestamp.make(2, 20));
    await ts.put('a', ValueAndTimestamp.make(1, 10));
    const facade = new KeyValueStoreFacade(ts);
    expect(isTimestampedStore(facade)).toBe(false);
    expect(facade.name()).toBe('f');
    expect(await facade.get('a')).toBe(1);
    expect(await facade.get('x')).toBeNull();
    expect(await pairs(facade)).toEqual([['a', 1], ['b', 2]]);
    expect((await toArray(facade.reverseRange('a', 'b'))).map((kv) => kv.value)).toEqual([2, 1]);
    await facade.put('c', 3);
    expect(await ts.get('c')).toEqual(ValueAndTimestamp.make(3, NO_TIMESTAMP));
    expect((await ts.get('c'))!.timestamp).toBe(-1);
    expect(await facade.putIfAbsent('c', 9)).toBe(3);
    expect(await facade.putIfAbsent('d', 4)).toBeNull();
    await facade.putAll([{ key: 'e', value: 5 }, { key: 'd', value: null }]);
    expect(await facade.delete('e')).toBe(5);
    expect(await pairs(facade)).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    expect(await facade.approximateNumEntries()).toBe(3);
    const readOnly = new ReadOnlyKeyValueStoreFacade(ts);
    expect(await readOnly.get('b')).toBe(2);
    expect((await toArray(readOnly.prefixScan('b', Serdes.String().serializer()))).map((kv) => kv.value)).toEqual([2]);
  });
});
