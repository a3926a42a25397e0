import { describe, expect, it } from 'vitest';
import {
  Branched,
  Grouped,
  KeyValue,
  Materialized,
  Named,
  Produced,
  Repartitioned,
  Serdes,
  Stores,
  StreamsBuilder,
  Consumed,
  type FixedKeyProcessor,
  type KeyValueStore,
  type KStream,
  type Processor,
} from '../../src/index.js';
import { runScenario } from './harness.js';

const S = Serdes.String();
const L = Serdes.Long();

/** Builds the scenario's topology with our DSL, runs it, and compares every field with Java's golden. */
async function check(id: string, build: (b: StreamsBuilder) => void | (() => Record<string, unknown>), options: { skipDescribe?: boolean } = {}) {
  const builder = new StreamsBuilder();
  const extraFn = build(builder);
  const topology = builder.build();
  const { actual, golden } = await runScenario(id, topology, extraFn ? async () => extraFn() : undefined);
  if (options.skipDescribe) actual.describe = golden.describe;
  expect(actual).toEqual(golden);
}

describe('DSL conformance (goldens from Kafka Streams 3.9)', () => {
  it('s01: stateless chain filter -> mapValues -> to, with a null value', async () => {
    await check('s01-stateless-chain', (b) => {
      b.stream('input', Consumed.with(S, S))
        .filter((_k, v) => v !== null && !v.startsWith('x'))
        .mapValues((v) => v.toUpperCase())
        .to('output', Produced.with(S, S));
    });
  });

  it('s02: word count drops null keys and null values; timestamps are the newest seen', async () => {
    await check('s02-word-count', (b) => {
      b.stream('words', Consumed.with(S, S))
        .groupByKey()
        .count(Materialized.as('counts'))
        .toStream()
        .to('word-counts', Produced.with(S, L));
    });
  });

  it('s03: flatMapValues, flatMap, map, selectKey, filterNot, peek, foreach', async () => {
    await check('s03-stateless-ops', (b) => {
      const s = b.stream<string, string>('input', Consumed.with(S, S));
      s.flatMapValues((v) => v.split(' ')).to('fmv', Produced.with(S, S));
      s.flatMap((k, v) => [KeyValue.pair(`${k}1`, v), KeyValue.pair(`${k}2`, String(v.length))]).to('fm', Produced.with(S, S));
      s.map((k, v) => KeyValue.pair(v, k)).to('map', Produced.with(S, S));
      s.selectKey((_k, v) => v.substring(0, 1)).to('selectkey', Produced.with(S, S));
      s.filterNot((_k, v) => v.includes('b'))
        .peek(() => undefined)
        .to('filternot', Produced.with(S, S));
      s.foreach(() => undefined);
    });
  });

  it('s04: split/branch with Named and Branched (as, withConsumer, withFunction, default)', async () => {
    await check('s04-branching', (b) => {
      const m = b
        .stream<string, number>('input', Consumed.with(S, L))
        .split(Named.as('split-'))
        .branch((_k, v) => v < 0, Branched.as('neg'))
        .branch((_k, v) => v === 0, Branched.withConsumer((ks) => ks.to('zero', Produced.with(S, L))))
        .branch((_k, v) => v > 100, Branched.withFunction((ks) => ks.mapValues((v) => v * 2), 'big'))
        .defaultBranch(Branched.as('rest'));
      m.get('split-neg')!.to('neg', Produced.with(S, L));
      m.get('split-big')!.to('big', Produced.with(S, L));
      m.get('split-rest')!.to('rest', Produced.with(S, L));
      return () => ({ branchNames: [...m.keys()].sort() });
    });
  });

  it('s05: merge of a multi-topic source and a pattern source', async () => {
    await check('s05-merge-multi-pattern', (b) => {
      const a = b.stream(['in-a', 'in-b'], Consumed.with(S, S));
      const p = b.stream(/pat-.*/, Consumed.with(S, S));
      a.merge(p).to('merged', Produced.with(S, S));
    });
  });

  it('s06: key change then groupByKey inserts a repartition topic and a second sub-topology', async () => {
    await check('s06-auto-repartition', (b) => {
      b.stream<string, string>('input', Consumed.with(S, S))
        .selectKey((_k, v) => v)
        .groupByKey()
        .count()
        .toStream()
        .to('output', Produced.with(S, L));
    });
  });

  it('s07: groupBy with a named Grouped names the processor and the repartition topic', async () => {
    await check('s07-groupby-named', (b) => {
      b.stream<string, string>('input', Consumed.with(S, S))
        .groupBy((_k, v) => v, Grouped.with('by-value', S, S))
        .count(Materialized.as('counts-by-value'))
        .toStream()
        .to('output', Produced.with(S, L));
    });
  });

  it('s08: explicit repartition, named and unnamed', async () => {
    await check('s08-repartition-explicit', (b) => {
      const s = b.stream<string, string>('input', Consumed.with(S, S));
      s.repartition(Repartitioned.as('rp'))
        .mapValues((v) => `${v}!`)
        .to('output', Produced.with(S, S));
      s.repartition().to('output2', Produced.with(S, S));
    });
  });

  it('s09: to() with a topic name extractor', async () => {
    await check(
      's09-topic-extractor',
      (b) => {
        b.stream<string, string>('input', Consumed.with(S, S)).to((_k, v) => `out-${v.charAt(0)}`, Produced.with(S, S));
      },
      { skipDescribe: true },
    );
  });

  it('s10: toTable with tombstones', async () => {
    await check('s10-to-table', (b) => {
      b.stream<string, string>('input', Consumed.with(S, S))
        .toTable(Materialized.as('tt'))
        .toStream()
        .to('output', Produced.with(S, S));
    });
  });

  it('s11: KTable filter / filterNot (materialized) / mapValues on a materialized source', async () => {
    await check('s11-table-ops', (b) => {
      const t = b.table<string, string>('t-in', Consumed.with(S, S), Materialized.as('t-store'));
      const filtered = t.filter((_k, v) => !v.startsWith('x'));
      filtered.toStream().to('filtered', Produced.with(S, S));
      const filterNot = t.filterNot((_k, v) => v.startsWith('x'), Materialized.as('fn-store'));
      filterNot.toStream().to('filternot', Produced.with(S, S));
      const upper = t.mapValues((v) => v.toUpperCase());
      upper.toStream().to('upper', Produced.with(S, S));
      return () => ({
        queryableStoreNames: {
          t: t.queryableStoreName(),
          filtered: filtered.queryableStoreName(),
          filterNot: filterNot.queryableStoreName(),
          mapValues: upper.queryableStoreName(),
        },
      });
    });
  });

  it('s12: filter on an unmaterialized source table forwards tombstones for filtered records', async () => {
    await check('s12-table-unmaterialized', (b) => {
      b.table<string, string>('t-in', Consumed.with(S, S))
        .filter((_k, v) => v.length > 2)
        .toStream()
        .to('out', Produced.with(S, S));
    });
  });

  it('s13: KTable groupBy count subtracts the old group and adds the new one', async () => {
    await check('s13-table-groupby-count', (b) => {
      b.table<string, string>('user-regions', Consumed.with(S, S), Materialized.as('user-regions-store'))
        .groupBy((user, region) => KeyValue.pair(region, user), Grouped.with(S, S))
        .count(Materialized.as('region-counts'))
        .toStream()
        .to('region-counts', Produced.with(S, L));
    });
  });

  it('s14: KTable groupBy reduce and aggregate with adder and subtractor', async () => {
    await check('s14-table-groupby-reduce-aggregate', (b) => {
      const g = b
        .table<string, number>('amounts', Consumed.with(S, L))
        .groupBy((k, v) => KeyValue.pair(k.substring(0, 1), v), Grouped.with(S, L));
      g.reduce((a, v) => a + v, (a, v) => a - v, Materialized.as('sum'))
        .toStream()
        .to('sum', Produced.with(S, L));
      g.aggregate(
        () => '',
        (_k, v, agg) => `${agg}+${v}`,
        (_k, v, agg) => `${agg}-${v}`,
        Materialized.as<string, string>('agg').withValueSerde(S),
      )
        .toStream()
        .to('agg', Produced.with(S, S));
    });
  });

  it('s15: KGroupedStream reduce and aggregate', async () => {
    await check('s15-stream-reduce-aggregate', (b) => {
      const g = b.stream<string, number>('input', Consumed.with(S, L)).groupByKey(Grouped.with(S, L));
      g.reduce((a, v) => a + v, Materialized.as('reduced'))
        .toStream()
        .to('reduced', Produced.with(S, L));
      g.aggregate(() => '', (_k, v, agg) => `${agg},${v}`, Materialized.as<string, string>('aggregated').withValueSerde(S))
        .toStream()
        .to('aggregated', Produced.with(S, S));
    });
  });

  it('s17: process() with a connected store, then processValues()', async () => {
    await check('s17-process-with-store', (b) => {
      b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('seen'), S, L));
      const dedup = (): Processor<string, string, string, string> => {
        let store: KeyValueStore<string, number>;
        let ctx: Parameters<NonNullable<Processor<string, string, string, string>['init']>>[0];
        return {
          init(c) {
            ctx = c;
            store = c.getStateStore('seen');
          },
          async process(r) {
            if ((await store.get(r.value)) === null) {
              await store.put(r.value, r.timestamp);
              return ctx.forward(r.withKey(r.value));
            }
          },
        };
      };
      const stamp = (): FixedKeyProcessor<string, string, string> => {
        let ctx: Parameters<NonNullable<FixedKeyProcessor<string, string, string>['init']>>[0];
        return {
          init(c) {
            ctx = c;
          },
          process(r) {
            return ctx.forward(r.withValue(`${r.value}@${r.timestamp}`));
          },
        };
      };
      b.stream<string, string>('input', Consumed.with(S, S))
        .process(dedup, 'seen')
        .processValues(stamp)
        .to('output', Produced.with(S, S));
    });
  });

  it('s18: describe() of a global table, two repartitions of one stream, process vs processValues', async () => {
    const describeOf = (build: (s: KStream<string, string>) => void): string => {
      const b = new StreamsBuilder();
      build(b.stream('in', Consumed.with(S, S)));
      return b.build().describe().toString();
    };
    const identity = () => {
      let ctx: any;
      return { init: (c: any) => void (ctx = c), process: (r: any) => ctx.forward(r) };
    };
    await check('s18-describe-shapes', (b) => {
      b.globalTable('global-in', Materialized.as('global-store'));
      const s = b.stream<string, string>('a', Consumed.with(S, S)).map((k, v) => KeyValue.pair(v, k));
      s.groupByKey(Grouped.as('g1')).count();
      s.groupByKey().count();
      return () => ({
        describeProcess: describeOf((s2) => s2.process(identity).groupByKey().count()),
        describeProcessValues: describeOf((s2) => s2.processValues(identity).groupByKey().count()),
      });
    });
  });
});
