import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Grouped,
  KeyValue,
  Materialized,
  Named,
  Produced,
  Repartitioned,
  Serdes,
  StreamsBuilder,
  Topology,
  type FixedKeyProcessor,
  type FixedKeyProcessorContext,
  type Processor,
  type ProcessorContext,
  type TimestampExtractor,
} from '../../src/index.js';
import { runScenario } from './harness.js';

const S = Serdes.String();
const L = Serdes.Long();

/** Builds the scenario's topology with our DSL, runs it, and compares every field with Java's golden. */
async function check(id: string, build: (b: StreamsBuilder) => void | (() => globalThis.Record<string, unknown>)) {
  const builder = new StreamsBuilder();
  const extraFn = build(builder);
  const { actual, golden } = await runScenario(id, builder.build(), extraFn ? async () => extraFn() : undefined);
  expect(actual).toEqual(golden);
}

/** A processor that forwards every record unchanged. */
const identity = <K, V>(): Processor<K, V, K, V> => {
  let ctx: ProcessorContext<K, V>;
  return { init: (c) => void (ctx = c), process: (r) => ctx.forward(r) };
};
const identityValues = <K, V>(): FixedKeyProcessor<K, V, V> => {
  let ctx: FixedKeyProcessorContext<K, V>;
  return { init: (c) => void (ctx = c), process: (r) => ctx.forward(r) };
};

/** s20's extra: every operator named, each followed by an unnamed one that shows whether an index was drawn. */
function describeNamedOps(): string {
  const b = new StreamsBuilder();
  const s = b.stream<string, string>('n-in', Consumed.with(S, S).withName('n-src'));
  const s1 = s
    .filter(() => true, Named.as('n-filter'))
    .mapValues((v) => v)
    .filterNot(() => false, Named.as('n-filternot'))
    .mapValues((v) => v)
    .mapValues((v) => v, Named.as('n-mapvalues'))
    .mapValues((v) => v)
    .peek(() => undefined, Named.as('n-peek'))
    .mapValues((v) => v)
    .flatMapValues((v) => [v], Named.as('n-fmv'))
    .mapValues((v) => v)
    .processValues(identityValues<string, string>, Named.as('n-pv'))
    .mapValues((v) => v);
  s1.foreach(() => undefined, Named.as('n-foreach'));
  const s2 = s1
    .map((k, v) => KeyValue.pair(k, v), Named.as('n-map'))
    .mapValues((v) => v)
    .selectKey((k) => k, Named.as('n-selectkey'))
    .mapValues((v) => v)
    .flatMap((k, v) => [KeyValue.pair(k, v)], Named.as('n-flatmap'))
    .mapValues((v) => v)
    .process(identity<string, string>, Named.as('n-process'))
    .mapValues((v) => v);
  const m = s1.merge(s2, Named.as('n-merge')).mapValues((v) => v);
  m.to('n-out', Produced.with(S, S).withName('n-sink'));
  m.mapValues((v) => v).to('n-out2');
  const g = s1.groupByKey();
  g.count(Named.as('n-count'))
    .toStream(Named.as('n-tostream'))
    .mapValues((v) => v)
    .to('x1', Produced.with(S, L));
  g.reduce((a, c) => a + c, Named.as('n-reduce'), Materialized.as('n-reduce-store'))
    .toStream()
    .to('x2');
  g.aggregate(() => '', (_k, v, a) => a + v, Named.as('n-agg'), Materialized.as<string, string>('n-agg-store'))
    .toStream()
    .to('x3');
  m.toTable(Named.as('n-totable'), Materialized.as('n-totable-store'))
    .toStream()
    .to('x4');
  const t = b.table<string, string>('n-t-in', Consumed.with(S, S).withName('n-tsrc'));
  const t2 = t
    .filter(() => true, Named.as('n-tfilter'))
    .mapValues((v) => v)
    .filterNot(() => false, Named.as('n-tfilternot'))
    .mapValues((v) => v)
    .mapValues((v) => v, Named.as('n-tmapvalues'))
    .mapValues((v) => v);
  t2.toStream(Named.as('n-ttostream')).to('x5');
  const gt = t2.groupBy((k, v) => KeyValue.pair(k, v), Grouped.with(S, S));
  gt.reduce((a, c) => a + c, (a) => a, Named.as('n-treduce'), Materialized.as('n-treduce-store'))
    .toStream()
    .to('x6');
  gt.aggregate(() => '', (_k, v, a) => a + v, (_k, _v, a) => a, Named.as('n-tagg'), Materialized.as<string, string>('n-tagg-store'))
    .toStream()
    .to('x7');
  s.repartition(Repartitioned.as('n-rp'))
    .mapValues((v) => v)
    .to('x8');
  return b.build().describe().toString();
}

/** s21's extra: every stateful operator given a Materialized without a store name. */
function describeUnnamedMaterialized(): string {
  const b = new StreamsBuilder();
  const g = b.stream<string, string>('in', Consumed.with(S, S)).groupByKey();
  g.count(Materialized.with(S, L)).toStream().to('o1', Produced.with(S, L));
  g.count(Named.as('c2'), Materialized.with(S, L)).toStream().to('o2', Produced.with(S, L));
  g.reduce((a, c) => a + c, Materialized.with(S, S)).toStream().to('o3');
  g.aggregate(() => '', (_k, v, a) => a + v, Materialized.with(S, S)).toStream().to('o4');
  const t = b.table<string, string>('t', Consumed.with(S, S), Materialized.with(S, S));
  t.toStream().to('o5');
  const gt = t.groupBy((k, v) => KeyValue.pair(k, v), Grouped.with(S, S));
  gt.count(Materialized.with(S, L)).toStream().to('o6', Produced.with(S, L));
  gt.reduce((a, c) => a + c, (a) => a, Materialized.with(S, S)).toStream().to('o7');
  gt.aggregate(() => '', (_k, v, a) => a + v, (_k, _v, a) => a, Materialized.with(S, S))
    .toStream()
    .to('o8');
  b.stream<string, string>('in2', Consumed.with(S, S)).toTable(Materialized.with(S, S)).toStream().to('o9');
  return b.build().describe().toString();
}

describe('DSL conformance, more (goldens from Kafka Streams 3.9)', () => {
  it('s20: Consumed/Named/Grouped names; a named operator still draws its generated index', async () => {
    await check('s20-naming', (b) => {
      const t = b.table<string, string>('t-in', Consumed.with(S, S).withName('src'));
      t.groupBy((k, v) => KeyValue.pair(v, k), Grouped.with(S, S))
        .count(Named.as('n'))
        .toStream()
        .to('t-counts', Produced.with(S, L));
      t.groupBy((k, v) => KeyValue.pair(k + v, v), Grouped.with('grp', S, S))
        .count(Named.as('n2'))
        .toStream()
        .to('t-counts2', Produced.with(S, L));
      b.stream<string, string>('s-in', Consumed.with(S, S).withName('s-src'))
        .groupByKey()
        .count(Named.as('sc'))
        .toStream()
        .to('s-counts', Produced.with(S, L));
      return () => ({ describeNamedOps: describeNamedOps() });
    });
  });

  it('s21: Materialized.with(serdes) - aggregation store unqueryable; KTable filter/mapValues not materialized', async () => {
    await check('s21-materialized-with-serdes', (b) => {
      const counts = b.stream<string, string>('input', Consumed.with(S, S)).groupByKey().count(Materialized.with(S, L));
      counts.toStream().to('counts', Produced.with(S, L));
      const t = b.table<string, string>('t-in', Consumed.with(S, S));
      const f = t.filter((_k, v) => v.length > 1, Materialized.with(S, S));
      f.toStream().to('filtered', Produced.with(S, S));
      const m = t.mapValues((v) => `${v}!`, Materialized.with(S, S));
      m.toStream().to('mapped', Produced.with(S, S));
      return () => ({
        queryableStoreNames: {
          counts: counts.queryableStoreName(),
          filter: f.queryableStoreName(),
          mapValues: m.queryableStoreName(),
          source: t.queryableStoreName(),
        },
        describeUnnamedMaterialized: describeUnnamedMaterialized(),
      });
    });
  });

  it('s22: toTable() without Materialized has no store; toTable after selectKey repartitions', async () => {
    await check('s22-to-table-unmaterialized', (b) => {
      const s = b.stream<string, string>('input', Consumed.with(S, S));
      const plain = s.toTable();
      plain.toStream().to('plain', Produced.with(S, S));
      const rekeyed = s.selectKey((k) => (k === null ? null : k.toUpperCase()) as string);
      const t1 = rekeyed.toTable();
      t1.toStream().to('rekeyed', Produced.with(S, S));
      const t2 = rekeyed.toTable(Named.as('tt'));
      t2.toStream().to('rekeyed-named', Produced.with(S, S));
      return () => ({
        queryableStoreNames: {
          plain: plain.queryableStoreName(),
          rekeyed: t1.queryableStoreName(),
          rekeyedNamed: t2.queryableStoreName(),
        },
      });
    });
  });

  it('s23: groupByKey repartitions only after a key-changing operator, through later value-only ones', async () => {
    await check('s23-repartition-flag', (b) => {
      const s = b.stream<string, string>('input', Consumed.with(S, S));
      s.mapValues((v) => `${v}!`).groupByKey().count().toStream().to('mv-count', Produced.with(S, L));
      s.map((k, v) => KeyValue.pair(v, k))
        .mapValues((v) => `${v}?`)
        .groupByKey()
        .count()
        .toStream()
        .to('map-count', Produced.with(S, L));
      s.selectKey((_k, v) => v)
        .peek(() => undefined)
        .filter(() => true)
        .groupByKey(Grouped.as('g'))
        .count()
        .toStream()
        .to('sk-count', Produced.with(S, L));
      s.flatMapValues((v) => [v])
        .groupByKey(Grouped.as('unused'))
        .count()
        .toStream()
        .to('fmv-count', Produced.with(S, L));
    });
  });

  it('s24: merge with a repartition-requiring stream repartitions before groupByKey', async () => {
    await check('s24-merge-repartition', (b) => {
      const a = b.stream<string, string>('in-a', Consumed.with(S, S));
      const r = b.stream<string, string>('in-b', Consumed.with(S, S)).selectKey((_k, v) => v);
      a.merge(r)
        .groupByKey()
        .count(Materialized.as('merged-counts'))
        .toStream()
        .to('merged', Produced.with(S, L));
      b.stream<string, string>('in-c', Consumed.with(S, S))
        .merge(a)
        .groupByKey()
        .reduce((x, y) => x + y, Materialized.as('plain-reduce'))
        .toStream()
        .to('reduced', Produced.with(S, S));
    });
  });

  it('s25: null keys - dropped by a table source and before repartition topics, kept by stateless ops', async () => {
    await check('s25-null-keys', (b) => {
      b.table<string, string>('t-in', Consumed.with(S, S)).toStream().to('t-out', Produced.with(S, S));
      const s = b.stream<string, string>('input', Consumed.with(S, S));
      s.repartition().to('rp-out', Produced.with(S, S));
      s.groupBy((_k, v) => (v === 'none' ? null : v) as string)
        .count(Materialized.as('by-value'))
        .toStream()
        .to('gb-out', Produced.with(S, L));
      s.mapValues((v) => `${v}!`).to('mv-out', Produced.with(S, S));
    });
  });

  it('s26: headers pass through mapValues, repartition, aggregation; in-place changes leak only from a plain Processor', async () => {
    const addHeader = (): FixedKeyProcessor<string, string, string> => {
      let ctx: FixedKeyProcessorContext<string, string>;
      return {
        init: (c) => void (ctx = c),
        process(r) {
          r.headers.add('added', Buffer.from('yes'));
          return ctx.forward(r.withValue(`${r.value}+`));
        },
      };
    };
    const addHeaderInPlace = (): Processor<string, string, string, string> => {
      let ctx: ProcessorContext<string, string>;
      return {
        init: (c) => void (ctx = c),
        process(r) {
          r.headers.add('p', Buffer.from('1'));
          return ctx.forward(r);
        },
      };
    };
    await check('s26-headers', (b) => {
      const s = b.stream<string, string>('input', Consumed.with(S, S));
      s.processValues(addHeader).to('added', Produced.with(S, S));
      s.mapValues((v) => v.toUpperCase()).to('upper', Produced.with(S, S));
      s.repartition(Repartitioned.as('hr')).to('repartitioned', Produced.with(S, S));
      s.groupByKey().count().toStream().to('counts', Produced.with(S, L));
      const s2 = b.stream<string, string>('input2', Consumed.with(S, S));
      s2.process(addHeaderInPlace).to('added2', Produced.with(S, S));
      s2.mapValues((v) => v.toUpperCase()).to('upper2', Produced.with(S, S));
      s2.filter(() => true).to('filtered2', Produced.with(S, S));
    });
  });

  it('s27: a custom TimestampExtractor (partition time fallback) and out-of-order timestamps in reduce', async () => {
    const valueTimestamp: TimestampExtractor = {
      extract: (record, partitionTime) => {
        const v = record.value as number | null;
        return v === null || v < 0 ? partitionTime : v;
      },
    };
    await check('s27-timestamp-extractor', (b) => {
      const s = b.stream<string, number>('input', Consumed.with(S, L).withTimestampExtractor(valueTimestamp));
      s.to('stamped', Produced.with(S, L));
      s.groupByKey()
        .reduce((a, v) => a + v, Materialized.as('sums'))
        .toStream()
        .to('sums', Produced.with(S, L));
    });
  });

  it('s28: Processor API - forward to a named child, a processor with three parents, recordMetadata()', async () => {
    const router = (): Processor<string, string, string, string> => {
      let ctx: ProcessorContext<string, string>;
      return {
        init: (c) => void (ctx = c),
        process(r) {
          switch (r.value.charAt(0)) {
            case 'u':
              return ctx.forward(r, 'Upper');
            case 'l':
              return ctx.forward(r, 'Lower');
            case 'r':
              return ctx.forward(r, 'RawSink');
            case 'd':
              ctx.forward(r.withValue(`${r.value}1`), 'Upper');
              return ctx.forward(r.withValue(`${r.value}2`), 'Lower');
            default:
              return ctx.forward(r);
          }
        },
      };
    };
    const caseMapper = (upper: boolean) => (): Processor<string, string, string, string> => {
      let ctx: ProcessorContext<string, string>;
      return {
        init: (c) => void (ctx = c),
        process: (r) => ctx.forward(r.withValue(upper ? r.value.toUpperCase() : r.value.toLowerCase())),
      };
    };
    const meta = (): Processor<string, string, string, string> => {
      let ctx: ProcessorContext<string, string>;
      return {
        init: (c) => void (ctx = c),
        process(r) {
          const m = ctx.recordMetadata()!;
          return ctx.forward(r.withValue(`${r.value}|${m.topic()}/${m.partition()}/${m.offset()}@${r.timestamp}`));
        },
      };
    };
    const topology = new Topology()
      .addSource('Source', S.deserializer(), S.deserializer(), 'input')
      .addSource('Source2', S.deserializer(), S.deserializer(), 'input2')
      .addProcessor('Router', router, 'Source')
      .addProcessor('Upper', caseMapper(true), 'Router')
      .addProcessor('Lower', caseMapper(false), 'Router')
      .addProcessor('Meta', meta, 'Upper', 'Lower', 'Source2')
      .addSink('RawSink', 'raw', S.serializer(), S.serializer(), 'Router')
      .addSink('MetaSink', 'meta', 'Meta')
      .addSink('UpperSink', 'upper', S.serializer(), S.serializer(), 'Upper');
    const { actual, golden } = await runScenario('s28-papi-routing', topology);
    expect(actual).toEqual(golden);
  });

  it('s29: chained KTable filters send old values only when the source is materialized', async () => {
    await check('s29-table-filter-chain', (b) => {
      b.table<string, string>('t1', Consumed.with(S, S))
        .filter((_k, v) => v.length > 1)
        .filter((_k, v) => !v.startsWith('x'))
        .toStream()
        .to('chain1', Produced.with(S, S));
      b.table<string, string>('t2', Consumed.with(S, S), Materialized.as('t2-store'))
        .filter((_k, v) => v.length > 1)
        .filter((_k, v) => !v.startsWith('x'))
        .toStream()
        .to('chain2', Produced.with(S, S));
    });
  });

  it('s30: materialized KTable mapValues feeds old values to a downstream filter', async () => {
    await check('s30-table-mapvalues-materialized', (b) => {
      const t = b.table<string, string>('t-in', Consumed.with(S, S));
      const m = t.mapValues((k: string, v: string) => `${k}:${v}`, Materialized.as<string, string>('mv-store'));
      m.toStream().to('mapped', Produced.with(S, S));
      const f = m.filter((_k, v) => !v.endsWith('x'));
      f.toStream().to('filtered', Produced.with(S, S));
      return () => ({
        queryableStoreNames: { source: t.queryableStoreName(), mapValues: m.queryableStoreName(), filter: f.queryableStoreName() },
      });
    });
  });

  it('s31: caching disabled forwards every update, and tombstones for absent keys that caching drops', async () => {
    await check('s31-caching-disabled', (b) => {
      b.stream<string, string>('input', Consumed.with(S, S))
        .flatMapValues((v) => [v, v])
        .groupByKey()
        .count(Materialized.as<string, number>('uncached').withCachingDisabled())
        .toStream()
        .to('uncached', Produced.with(S, L));
      b.table<string, string>('t-cached-in', Consumed.with(S, S), Materialized.as('t-cached'))
        .toStream()
        .to('t-cached', Produced.with(S, S));
      b.table<string, string>('t-uncached-in', Consumed.with(S, S), Materialized.as<string, string>('t-uncached').withCachingDisabled())
        .toStream()
        .to('t-uncached', Produced.with(S, S));
    });
  });

  it('s32: the record cache absorbs repeated updates of a key within one commit', async () => {
    await check('s32-caching-enabled', (b) => {
      b.stream<string, string>('input', Consumed.with(S, S))
        .flatMapValues((v) => [v, v])
        .groupByKey()
        .count(Materialized.as('cached'))
        .toStream()
        .to('cached', Produced.with(S, L));
    });
  });
});
