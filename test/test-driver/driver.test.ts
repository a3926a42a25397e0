import { afterEach, describe, expect, it } from 'vitest';
import {
  IllegalArgumentError,
  PunctuationType,
  Record,
  Serdes,
  Stores,
  Topology,
  ValueAndTimestamp,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
  type StateStore,
  type StateStoreContext,
  type StoreBuilder,
  type TimestampedKeyValueStore,
} from '../../src/index.js';
import { TopologyTestDriver } from '../../test-driver/index.js';

let driver: TopologyTestDriver | null = null;
afterEach(async () => {
  await driver?.close();
  driver = null;
});

/** A store of no built-in kind: what Java's `getStateStore` is meant for. */
class CounterStore implements StateStore {
  count = 0;
  closed = 0;
  private open = false;
  constructor(private readonly storeName: string) {}
  name(): string {
    return this.storeName;
  }
  init(_context: StateStoreContext, _root: StateStore): void {
    this.open = true;
  }
  flush(): void {}
  close(): void {
    this.closed++;
    this.open = false;
  }
  persistent(): boolean {
    return false;
  }
  isOpen(): boolean {
    return this.open;
  }
}

class CounterStoreBuilder implements StoreBuilder<CounterStore> {
  constructor(private readonly storeName: string) {}
  name(): string {
    return this.storeName;
  }
  withCachingEnabled(): this {
    return this;
  }
  withCachingDisabled(): this {
    return this;
  }
  withLoggingEnabled(): this {
    return this;
  }
  withLoggingDisabled(): this {
    return this;
  }
  cachingEnabled(): boolean {
    return false;
  }
  loggingEnabled(): boolean {
    return false;
  }
  logConfig(): Readonly<globalThis.Record<string, string>> {
    return {};
  }
  build(): CounterStore {
    return new CounterStore(this.storeName);
  }
}

const events: string[] = [];

/** input (String/Long) -> Put (writes plain, ts, logged and custom stores) -> output; a global store on global-topic. */
function storeTopology(): Topology {
  const put = (): Processor<string, number, string, number> => {
    let ctx: ProcessorContext<string, number>;
    let plain: KeyValueStore<string, number>;
    let ts: TimestampedKeyValueStore<string, number>;
    let logged: KeyValueStore<string, number>;
    let custom: CounterStore;
    let global: KeyValueStore<string, string>;
    return {
      init(c) {
        ctx = c;
        plain = c.getStateStore('plain');
        ts = c.getStateStore('ts');
        logged = c.getStateStore('logged');
        custom = c.getStateStore('custom');
        global = c.getStateStore('global');
      },
      async process(r) {
        const before = await plain.get(r.key);
        await plain.put(r.key, r.value);
        await ts.put(r.key, ValueAndTimestamp.make(r.value, r.timestamp));
        await logged.put(r.key, r.value);
        custom.count++;
        const g = await global.get(r.key);
        ctx.forward(r.withValue((before ?? 0) * 1000 + r.value + (g === null ? 0 : Number(g))));
      },
      close() {
        events.push('close Put');
      },
    };
  };
  const globalUpdate = (): Processor<string, string, void, void> => {
    let store: KeyValueStore<string, string>;
    return {
      init(c) {
        store = c.getStateStore('global');
      },
      process(r) {
        return store.put(r.key, r.value);
      },
    };
  };
  return new Topology()
    .addSource('src', Serdes.String().deserializer(), Serdes.Long().deserializer(), 'input')
    .addProcessor('Put', put, 'src')
    .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('plain'), Serdes.String(), Serdes.Long()).withLoggingDisabled(), 'Put')
    .addStateStore(
      Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('ts'), Serdes.String(), Serdes.Long()).withLoggingDisabled(),
      'Put',
    )
    .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('logged'), Serdes.String(), Serdes.Long()), 'Put')
    .addStateStore(new CounterStoreBuilder('custom'), 'Put')
    .addSink('sink', 'output', Serdes.String().serializer(), Serdes.Long().serializer(), 'Put')
    .addGlobalStore(
      Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('global'), Serdes.String(), Serdes.String()).withLoggingDisabled(),
      'global-src',
      Serdes.String().deserializer(),
      Serdes.String().deserializer(),
      'global-topic',
      'global-update',
      globalUpdate,
    );
}

describe('TopologyTestDriver', () => {
  it('getKeyValueStore / getTimestampedKeyValueStore read the stores; a timestamped store is seen through a plain facade', async () => {
    driver = new TopologyTestDriver(storeTopology(), { 'application.id': 'my-app' }, 0);
    const input = driver.createInputTopic('input', Serdes.String(), Serdes.Long(), 0);
    await input.pipeInput('a', 1, 10);
    await input.pipeInput('b', 2, 20);

    const plain = (await driver.getKeyValueStore<string, number>('plain'))!;
    expect(await plain.get('a')).toBe(1);
    expect(await plain.get('zz')).toBeNull();

    const tsAsPlain = (await driver.getKeyValueStore<string, number>('ts'))!;
    expect(await tsAsPlain.get('b')).toBe(2);
    const ts = (await driver.getTimestampedKeyValueStore<string, number>('ts'))!;
    expect(await ts.get('a')).toEqual(ValueAndTimestamp.make(1, 10));
    expect(await ts.get('b')).toEqual(ValueAndTimestamp.make(2, 20));

    expect(await driver.getTimestampedKeyValueStore('plain')).toBeNull();
    expect(await driver.getKeyValueStore('custom')).toBeNull();
    expect(await driver.getKeyValueStore('missing')).toBeNull();
    expect(await driver.getTimestampedKeyValueStore('missing')).toBeNull();
  });

  it('a store can be pre-populated through the driver before records are piped', async () => {
    driver = new TopologyTestDriver(storeTopology(), {}, 0);
    const input = driver.createInputTopic('input', Serdes.String(), Serdes.Long(), 0);
    const output = driver.createOutputTopic('output', Serdes.String(), Serdes.Long());
    await (await driver.getKeyValueStore<string, number>('plain'))!.put('a', 7);
    await input.pipeInput('a', 1);
    expect(output.readKeyValue()).toEqual({ key: 'a', value: 7001 });
  });

  it('getStateStore returns custom stores, null for unknown names, and refuses built-in stores as Java does', async () => {
    driver = new TopologyTestDriver(storeTopology(), {}, 0);
    const input = driver.createInputTopic('input', Serdes.String(), Serdes.Long(), 0);
    await input.pipeInput('a', 1);
    await input.pipeInput('b', 1);
    const custom = (await driver.getStateStore('custom')) as CounterStore;
    expect(custom).toBeInstanceOf(CounterStore);
    expect(custom.count).toBe(2);
    expect(await driver.getStateStore('missing')).toBeNull();
    await expect(driver.getStateStore('plain')).rejects.toThrow(IllegalArgumentError);
    await expect(driver.getStateStore('plain')).rejects.toThrow('Store plain is a key-value store and should be accessed via `getKeyValueStore()`');
    await expect(driver.getStateStore('ts')).rejects.toThrow(
      'Store ts is a timestamped key-value store and should be accessed via `getTimestampedKeyValueStore()`',
    );
  });

  it('getAllStateStores returns every store by name, global stores included', async () => {
    driver = new TopologyTestDriver(storeTopology(), {}, 0);
    const all = await driver.getAllStateStores();
    expect([...all.keys()].sort()).toEqual(['custom', 'global', 'logged', 'plain', 'ts']);
    expect(all.get('custom')).toBeInstanceOf(CounterStore);
    for (const [name, store] of all) expect(store!.name()).toBe(name);
  });

  it('a global store is filled from its topic and readable from a regular processor', async () => {
    driver = new TopologyTestDriver(storeTopology(), {}, 0);
    const globalInput = driver.createInputTopic('global-topic', Serdes.String(), Serdes.String(), 0);
    const input = driver.createInputTopic('input', Serdes.String(), Serdes.Long(), 0);
    const output = driver.createOutputTopic('output', Serdes.String(), Serdes.Long());
    await globalInput.pipeInput('a', '500');
    expect(await (await driver.getKeyValueStore<string, string>('global'))!.get('a')).toBe('500');
    await input.pipeInput('a', 1);
    await input.pipeInput('b', 2);
    expect(output.readKeyValuesToList()).toEqual([
      { key: 'a', value: 501 },
      { key: 'b', value: 2 },
    ]);
    // nothing was produced to a topic: the global store has no changelog
    expect(driver.producedTopicNames()).toEqual(new Set(['output', 'dummy-topology-test-driver-app-id-logged-changelog']));
  });

  it('a regular processor cannot write a global store (Java: "Global store is read only")', async () => {
    const write = (): Processor<string, string, void, void> => {
      let store: KeyValueStore<string, string>;
      return {
        init(c) {
          store = c.getStateStore('g');
        },
        process(r) {
          return store.put(r.key, r.value);
        },
      };
    };
    const topology = new Topology()
      .addSource('src', Serdes.String().deserializer(), Serdes.String().deserializer(), 'input')
      .addProcessor('Write', write, 'src')
      .addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('g'), Serdes.String(), Serdes.String()).withLoggingDisabled(),
        'g-src',
        Serdes.String().deserializer(),
        Serdes.String().deserializer(),
        'g-topic',
        'g-update',
        () => ({ process: () => undefined }),
      );
    driver = new TopologyTestDriver(topology, {}, 0);
    const input = driver.createInputTopic('input', Serdes.String(), Serdes.String(), 0);
    const error = await input.pipeInput('k', 'v').catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('processor=Write');
    expect(((error as Error).cause as Error).message).toBe('Global store is read only');
  });

  it('producedTopicNames lists every topic written to, changelogs included', async () => {
    driver = new TopologyTestDriver(storeTopology(), { 'application.id': 'my-app' }, 0);
    expect(driver.producedTopicNames()).toEqual(new Set());
    const input = driver.createInputTopic('input', Serdes.String(), Serdes.Long(), 0);
    await input.pipeInput('a', 1, 5);
    expect(driver.producedTopicNames()).toEqual(new Set(['output', 'my-app-logged-changelog']));
    const changelog = driver.createOutputTopic('my-app-logged-changelog', Serdes.String(), Serdes.Long());
    const r = changelog.readRecord();
    expect([r.key, r.value, r.timestamp]).toEqual(['a', 1, 5]);
  });

  it('close() closes processors and stores once; outputs stay readable', async () => {
    events.length = 0;
    driver = new TopologyTestDriver(storeTopology(), {}, 0);
    const input = driver.createInputTopic('input', Serdes.String(), Serdes.Long(), 0);
    const output = driver.createOutputTopic('output', Serdes.String(), Serdes.Long());
    await input.pipeInput('a', 1);
    const all = await driver.getAllStateStores();
    await driver.close();
    expect(events).toEqual(['close Put']);
    for (const store of all.values()) expect(store!.isOpen()).toBe(false);
    expect((all.get('custom') as CounterStore).closed).toBe(1);
    expect(output.readKeyValue()).toEqual({ key: 'a', value: 1 });
    await driver.close();
    expect(events).toEqual(['close Put']);
    driver = null;
  });

  it('records produced to a topic the topology reads are fed back in', async () => {
    const topology = new Topology()
      .addSource('src', Serdes.String().deserializer(), Serdes.Long().deserializer(), 'input')
      .addSink('to-loop', 'loop', Serdes.String().serializer(), Serdes.Long().serializer(), 'src')
      .addSource('loop-src', Serdes.String().deserializer(), Serdes.Long().deserializer(), 'loop')
      .addProcessor(
        'double',
        () => {
          let ctx: ProcessorContext<string, number>;
          return {
            init: (c: ProcessorContext<string, number>) => void (ctx = c),
            process: (r: Record<string, number>) => ctx.forward(r.withValue(r.value * 2)),
          };
        },
        'loop-src',
      )
      .addSink('out', 'output', Serdes.String().serializer(), Serdes.Long().serializer(), 'double');
    driver = new TopologyTestDriver(topology, {}, 0);
    const input = driver.createInputTopic('input', Serdes.String(), Serdes.Long(), 0);
    const loop = driver.createOutputTopic('loop', Serdes.String(), Serdes.Long());
    const output = driver.createOutputTopic('output', Serdes.String(), Serdes.Long());
    await input.pipeInput('a', 21, 3);
    expect(loop.readKeyValue()).toEqual({ key: 'a', value: 21 });
    const r = output.readRecord();
    expect([r.key, r.value, r.timestamp]).toEqual(['a', 42, 3]);
  });

  it('advanceWallClockTime rejects a negative advance (Java: "Sleep ms cannot be negative.")', async () => {
    driver = new TopologyTestDriver(storeTopology(), {}, 0);
    await expect(driver.advanceWallClockTime(-1)).rejects.toThrow(IllegalArgumentError);
    await expect(driver.advanceWallClockTime(-1)).rejects.toThrow('Sleep ms cannot be negative.');
  });

  it('wall-clock time starts at initialWallClockTimeMs and moves only with advanceWallClockTime', async () => {
    const times: number[] = [];
    const topology = new Topology()
      .addSource('src', Serdes.String().deserializer(), Serdes.String().deserializer(), 'input')
      .addProcessor(
        'clock',
        () => {
          let ctx: ProcessorContext;
          return {
            init: (c: ProcessorContext) => {
              ctx = c;
              times.push(c.currentSystemTimeMs());
              c.schedule(1000, PunctuationType.WALL_CLOCK_TIME, (t) => void times.push(t));
            },
            process: () => void times.push(ctx.currentSystemTimeMs()),
          };
        },
        'src',
      );
    driver = new TopologyTestDriver(topology, {}, 5000);
    const input = driver.createInputTopic('input', Serdes.String(), Serdes.String(), 0);
    await input.pipeInput('k', 'v');
    await driver.advanceWallClockTime(999);
    await input.pipeInput('k', 'v');
    await driver.advanceWallClockTime(1);
    expect(times).toEqual([5000, 5000, 5999, 6000]);
  });
});

describe('serdes through the driver', () => {
  /** Bytes through unchanged: what a serde writes is exactly what the output topic holds. */
  function passBytes(): Topology {
    return new Topology()
      .addSource('src', Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), 'input')
      .addSink('sink', 'output', Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), 'src');
  }

  it('Long keys and values are 8-byte big-endian two\'s complement', async () => {
    driver = new TopologyTestDriver(passBytes(), {}, 0);
    const input = driver.createInputTopic('input', Serdes.Long(), Serdes.Long(), 0);
    const raw = driver.createOutputTopic('output', Serdes.ByteArray(), Serdes.ByteArray());
    const typed = driver.createOutputTopic('output', Serdes.Long(), Serdes.Long());
    await input.pipeInput(1, -2);
    await input.pipeInput(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER);
    const r = raw.readRecord();
    expect(r.key).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]));
    expect(r.value).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]));
    expect(typed.readKeyValue()).toEqual({ key: Number.MAX_SAFE_INTEGER, value: Number.MIN_SAFE_INTEGER });
  });

  it('Json values are UTF-8 JSON', async () => {
    driver = new TopologyTestDriver(passBytes(), {}, 0);
    const input = driver.createInputTopic('input', Serdes.String(), Serdes.Json<{ a: number; s: string }>(), 0);
    const raw = driver.createOutputTopic('output', Serdes.String(), Serdes.ByteArray());
    const typed = driver.createOutputTopic('output', Serdes.String(), Serdes.Json<{ a: number; s: string }>());
    await input.pipeInput('k', { a: 1, s: 'é' });
    await input.pipeInput('k', { a: 2, s: 'x' });
    expect(raw.readValue()).toEqual(Buffer.from('{"a":1,"s":"é"}', 'utf8'));
    expect(typed.readKeyValue()).toEqual({ key: 'k', value: { a: 2, s: 'x' } });
  });

  it('a null value is a tombstone: null bytes in, null bytes out', async () => {
    driver = new TopologyTestDriver(passBytes(), {}, 0);
    const input = driver.createInputTopic<string, number | null>('input', Serdes.String(), Serdes.Long(), 0);
    const raw = driver.createOutputTopic('output', Serdes.String(), Serdes.ByteArray());
    const typed = driver.createOutputTopic('output', Serdes.String(), Serdes.Long());
    await input.pipeInput('k', null);
    await input.pipeInput('k', null);
    expect(raw.readKeyValue()).toEqual({ key: 'k', value: null });
    expect(typed.readKeyValue()).toEqual({ key: 'k', value: null });
  });
});
