import { describe, expect, it } from 'vitest';
import {
  PunctuationType,
  Record,
  Serdes,
  Stores,
  Topology,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
} from '../../src/index.js';
import { toArray } from '../../src/state/iterators.js';
import { runScenario } from './harness.js';

describe('Processor API conformance (goldens from Kafka Streams 3.9)', () => {
  it('s16: state store, STREAM_TIME and WALL_CLOCK_TIME punctuation', async () => {
    const sum = (): Processor<string, number, string, number> => {
      let store: KeyValueStore<string, number>;
      return {
        init(ctx: ProcessorContext<string, number>) {
          store = ctx.getStateStore('sums');
          ctx.schedule(10, PunctuationType.STREAM_TIME, async (ts) => {
            for (const { key, value } of await toArray(store.all())) ctx.forward(new Record(key, value, ts));
          });
          ctx.schedule(1000, PunctuationType.WALL_CLOCK_TIME, async (ts) => {
            ctx.forward(new Record('wall', await store.approximateNumEntries(), ts));
          });
        },
        async process(r) {
          store.put(r.key, ((await store.get(r.key)) ?? 0) + r.value);
        },
      };
    };
    const topology = new Topology()
      .addSource('Source', Serdes.String().deserializer(), Serdes.Long().deserializer(), 'input')
      .addProcessor('Sum', sum, 'Source')
      .addStateStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('sums'), Serdes.String(), Serdes.Long()).withLoggingDisabled(),
        'Sum',
      )
      .addSink('Sink', 'output', Serdes.String().serializer(), Serdes.Long().serializer(), 'Sum');
    const { actual, golden } = await runScenario('s16-processor-api', topology);
    expect(actual).toEqual(golden);
  });

  it('s19: in-memory stores order keys by serialized bytes', async () => {
    const put = (name: string) => (): Processor<unknown, string, void, void> => {
      let store: KeyValueStore<unknown, string>;
      return {
        init(ctx) {
          store = ctx.getStateStore(name);
        },
        process(r) {
          return store.put(r.key, r.value);
        },
      };
    };
    const topology = new Topology()
      .addSource('Source', Serdes.Long().deserializer(), Serdes.String().deserializer(), 'longs-in')
      .addProcessor('PutL', put('longs'), 'Source')
      .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('longs'), Serdes.Long(), Serdes.String()), 'PutL')
      .addSource('Source2', Serdes.String().deserializer(), Serdes.String().deserializer(), 'strings-in')
      .addProcessor('PutS', put('strings'), 'Source2')
      .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('strings'), Serdes.String(), Serdes.String()), 'PutS');
    const { actual, golden } = await runScenario('s19-store-byte-order', topology, async (driver) => {
      const longs = (await driver.getKeyValueStore<number, string>('longs'))!;
      const strings = (await driver.getKeyValueStore<string, string>('strings'))!;
      return {
        longsRange0to300: await toArray(longs.range(0, 300)),
        longsRange1toMinus1: await toArray(longs.range(1, -1)),
        longsReverseAll: await toArray(longs.reverseAll()),
        stringsPrefixA: await toArray(strings.prefixScan('a', Serdes.String().serializer())),
        stringsReverseRange: await toArray(strings.reverseRange('a', 'b')),
      };
    });
    expect(actual).toEqual(golden);
  });
});
