import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Grouped,
  Joined,
  JoinWindows,
  Materialized,
  Named,
  KeyValue,
  Produced,
  Serdes,
  SessionWindows,
  Stores,
  StreamJoined,
  StreamsBuilder,
  TableJoined,
  TimeWindows,
  WindowedSerdes,
  type KStream,
} from '../../src/index.js';
import { toArray } from '../../src/state/iterators.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import { CONFIG, jsonKey, runScenario } from './harness.js';

const S = Serdes.String();

type Extra = (driver: TopologyTestDriver) => Promise<globalThis.Record<string, unknown>>;

async function check(id: string, build: (b: StreamsBuilder, extra: globalThis.Record<string, unknown>) => Promise<void> | void, extra: Extra = joinStores) {
  const builder = new StreamsBuilder();
  const built: globalThis.Record<string, unknown> = {};
  await build(builder, built);
  const { actual, golden } = await runScenario(id, builder.build(), async (d) => ({ ...built, ...(await extra(d)) }));
  expect(actual).toEqual(golden);
}

/** Every window store's entries (Golden's `windowStores`) and the task's dropped-records-total. */
async function joinStores(d: TopologyTestDriver): Promise<globalThis.Record<string, unknown>> {
  const stores: globalThis.Record<string, unknown> = {};
  for (const name of [...(await d.getAllStateStores()).keys()].sort()) {
    const ws = await d.getWindowStore<string, string>(name).catch(() => null);
    if (ws !== null && ws !== undefined) {
      stores[name] = (await toArray(ws.all())).map(({ key, value }) => ({ key: jsonKey(key), value }));
    }
  }
  const dropped = d.metrics().find((m) => m.name === 'dropped-records-total' && m.group === 'stream-task-metrics')?.value ?? null;
  return { windowStores: stores, droppedRecords: dropped };
}

const left = (b: StreamsBuilder): KStream<string, string> => b.stream('left', Consumed.with(S, S));
const right = (b: StreamsBuilder): KStream<string, string> => b.stream('right', Consumed.with(S, S));

/** describe() and the state store names of a topology (the `shape` of JoinScenarios.java). */
async function shape(build: (b: StreamsBuilder) => void) {
  const b = new StreamsBuilder();
  build(b);
  const t = b.build();
  const d = new TopologyTestDriver(t, CONFIG, 0);
  try {
    return { describe: t.describe().toString(), stores: [...(await d.getAllStateStores()).keys()].sort() };
  } finally {
    await d.close();
  }
}

describe('conformance: stream-stream joins (Kafka Streams 3.9 goldens)', () => {
  it('s60 inner join: window bounds, out-of-order and late records, null keys and values', () =>
    check('s60-stream-inner-join', (b) => {
      left(b)
        .join(right(b), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceAndGrace(10, 5))
        .to('joined', Produced.with(S, S));
    }));

  it('s61 left join: unmatched records emitted once window and grace passed; KIP-962 null keys', () =>
    check('s61-stream-left-join', (b) => {
      left(b)
        .leftJoin(right(b), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceAndGrace(10, 5))
        .to('joined', Produced.with(S, S));
    }));

  it('s62 outer join: both sides emitted unmatched, by time then side then key', () =>
    check('s62-stream-outer-join', (b) => {
      left(b)
        .outerJoin(right(b), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceAndGrace(10, 5))
        .to('joined', Produced.with(S, S));
    }));

  it('s63 naming: StreamJoined names and store names, suppliers, repartitioned sides, self and chained joins', () =>
    check('s63-join-naming', async (b, extra) => {
      const w = JoinWindows.ofTimeDifferenceWithNoGrace(5);
      const j = (l: string | null, r: string | null) => `${l}${r}`;
      extra.left = await shape((x) => left(x).leftJoin(right(x), j, w).to('out'));
      extra.outer = await shape((x) => left(x).outerJoin(right(x), j, w).to('out'));
      extra.named = await shape((x) => left(x).outerJoin(right(x), j, w, StreamJoined.with(S, S, S).withName('jn').withStoreName('js')).to('out'));
      extra.as = await shape((x) => left(x).leftJoin(right(x), j, w, StreamJoined.as<string, string, string>('base')).to('out'));
      extra.onlyName = await shape((x) => left(x).join(right(x), j, w, StreamJoined.with(S, S, S).withName('nm')).to('out'));
      extra.suppliers = await shape((x) =>
        left(x)
          .leftJoin(
            right(x),
            j,
            w,
            StreamJoined.with<string, string, string>(Stores.inMemoryWindowStore('mem-this', 10, 10, true), Stores.inMemoryWindowStore('mem-other', 10, 10, true))
              .withKeySerde(S)
              .withValueSerde(S)
              .withOtherValueSerde(S),
          )
          .to('out'),
      );
      extra.repartitionNamed = await shape((x) =>
        left(x)
          .selectKey((_k, v) => v)
          .join(
            right(x).map((k, v) => KeyValue.pair(v, k)),
            j,
            w,
            StreamJoined.with(S, S, S).withName('rj'),
          )
          .to('out'),
      );
      extra.selfJoin = await shape((x) => {
        const s = left(x);
        s.join(s, j, w).to('out');
      });
      extra.chained = await shape((x) =>
        left(x)
          .join(right(x), j, w)
          .leftJoin(x.stream('third', Consumed.with(S, S)), j, w)
          .to('out'),
      );
      left(b)
        .selectKey((_k, v) => v.substring(0, 1))
        .leftJoin(right(b), (l, r) => `${l}+${r}`, w, StreamJoined.with(S, S, S))
        .to('joined', Produced.with(S, S));
    }));

  it('s64 asymmetric windows (before/after) with a ValueJoinerWithKey', () =>
    check('s64-join-asymmetric', (b) => {
      left(b)
        .leftJoin(right(b), (k: string, l: string, r: string | null) => `${k}:${l}+${r}`, JoinWindows.ofTimeDifferenceAndGrace(5, 3).before(2))
        .to('joined', Produced.with(S, S));
    }));

  it('s65 outer join edge cases: null keys move stream time, out-of-window records emitted at once, lists, spurious late joins', () =>
    check('s65-join-edge-cases', (b) => {
      left(b)
        .outerJoin(right(b), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceAndGrace(10, 5))
        .to('joined', Produced.with(S, S));
    }));

  it('s66 deprecated JoinWindows.of (eager unmatched results) and a self-join', () =>
    check('s66-join-deprecated-and-self', (b) => {
      const l = left(b);
      const r = right(b);
      l.leftJoin(r, (x, y) => `${x}+${y}`, JoinWindows.of(10)).to('eagerLeft', Produced.with(S, S));
      l.outerJoin(r, (x, y) => `${x}+${y}`, JoinWindows.of(10).grace(2)).to('eagerOuter', Produced.with(S, S));
      const s = b.stream('self', Consumed.with(S, S));
      s.join(s, (x, y) => `${x}&${y}`, JoinWindows.ofTimeDifferenceWithNoGrace(5)).to('selfJoined', Produced.with(S, S));
    }));
});

/** The task's dropped-records-total only (stream-table and table-table scenarios). */
async function droppedOnly(d: TopologyTestDriver): Promise<globalThis.Record<string, unknown>> {
  return { droppedRecords: d.metrics().find((m) => m.name === 'dropped-records-total' && m.group === 'stream-task-metrics')?.value ?? null };
}

const stream = (b: StreamsBuilder): KStream<string, string> => b.stream('stream', Consumed.with(S, S));

describe('conformance: stream-table and stream-global-table joins (Kafka Streams 3.9 goldens)', () => {
  it('s67 stream-table join and leftJoin: table updates emit nothing, tombstones, null keys and values', () =>
    check(
      's67-stream-table-join',
      (b) => {
        const s = stream(b);
        const t = b.table<string, string>('table', Consumed.with(S, S));
        s.join(t, (v, tv) => `${v}+${tv}`).to('joined', Produced.with(S, S));
        s.leftJoin(t, (k: string, v: string, tv: string | null) => `${k}:${v}+${tv}`).to('leftJoined', Produced.with(S, S));
      },
      droppedOnly,
    ));

  it('s68 stream-table naming: repartitioned stream (shared when unnamed), Joined names, filtered/mapped tables read through getters', () =>
    check(
      's68-stream-table-naming',
      async (b, extra) => {
        const s = stream(b);
        const t = b.table<string, string>('table', Consumed.with(S, S));
        const f = t.filter((_k, v) => !v.startsWith('x'));
        const m = t.mapValues((v) => v.toUpperCase());
        const byValue = s.selectKey((_k, v) => v);
        byValue.join(f, (v, tv) => `${v}+${tv}`).to('filtered', Produced.with(S, S));
        byValue.leftJoin(m, (v, tv) => `${v}+${tv}`, Joined.with(S, S, S)).to('mapped', Produced.with(S, S));
        byValue.join(t, (v, tv) => `${v}=${tv}`, Joined.as<string, string, string>('jn')).to('named', Produced.with(S, S));
        extra.describeJoinedWith = await shape((x) =>
          stream(x)
            .map((k, v) => KeyValue.pair(v, k))
            .leftJoin(x.table<string, string>('table', Consumed.with(S, S), Materialized.as('tstore')), (v, tv) => `${v}${tv}`, Joined.with(S, S, S, 'lj'))
            .to('out'),
        );
      },
      droppedOnly,
    ));

  it('s69 stream-global-table join and leftJoin: key selector, null keys, unknown and deleted table keys', () =>
    check(
      's69-stream-global-join',
      (b) => {
        const s = stream(b);
        const g = b.globalTable<string, string>('global', Consumed.with(S, S), Materialized.as('global-store'));
        s.join(g, (_k, v) => (v === null ? null : v.substring(0, 1)) as string, (v, gv) => `${v}+${gv}`).to('joined', Produced.with(S, S));
        s.leftJoin(
          g,
          (_k, v) => (v === null || v.startsWith('x') ? null : v.substring(0, 1)),
          (k: string, v: string, gv: string | null) => `${k}:${v}+${gv}`,
          Named.as('global-left'),
        ).to('leftJoined', Produced.with(S, S));
      },
      droppedOnly,
    ));
});

describe('conformance: table-table joins (Kafka Streams 3.9 goldens)', () => {
  it('s70 table-table join, leftJoin and outerJoin: updates and tombstones on either side', () =>
    check(
      's70-table-table-joins',
      (b) => {
        const l = b.table<string, string>('tl', Consumed.with(S, S));
        const r = b.table<string, string>('tr', Consumed.with(S, S));
        l.join(r, (x, y) => `${x}+${y}`).toStream().to('inner', Produced.with(S, S));
        l.leftJoin(r, (x, y) => `${x}+${y}`).toStream().to('left', Produced.with(S, S));
        l.outerJoin(r, (x, y) => `${x}+${y}`).toStream().to('outer', Produced.with(S, S));
      },
      droppedOnly,
    ));

  it('s71 materialized and named table joins, a stream joined with an unmaterialized join, old values downstream', () =>
    check(
      's71-table-join-materialized',
      async (b, extra) => {
        const l = b.table<string, string>('tl', Consumed.with(S, S));
        const r = b.table<string, string>('tr', Consumed.with(S, S));
        const inner = l.join(r, (x, y) => `${x}+${y}`, Named.as('tj'), Materialized.as('joined-store'));
        inner.toStream().to('inner', Produced.with(S, S));
        const left = l.leftJoin(r, (x, y) => `${x}+${y}`);
        left.toStream().to('left', Produced.with(S, S));
        stream(b).join(left, (v, tv) => `${v}/${tv}`).to('viaGetter', Produced.with(S, S));
        inner
          .groupBy((_k, v) => KeyValue.pair(v.substring(0, 1), v), Grouped.with(S, S))
          .count()
          .toStream()
          .to('counts', Produced.with(S, Serdes.Long()));
        extra.queryable = [inner.queryableStoreName(), left.queryableStoreName()];
        extra.unnamedMaterialized = await shape((x) =>
          x
            .table<string, string>('tl', Consumed.with(S, S))
            .outerJoin(x.table<string, string>('tr', Consumed.with(S, S)), (p, q) => `${p}${q}`, Materialized.with(S, S))
            .toStream()
            .to('out'),
        );
        extra.namedOnly = await shape((x) =>
          x
            .table<string, string>('tl', Consumed.with(S, S), Materialized.as('ml'))
            .leftJoin(
              x.table<string, string>('tr', Consumed.with(S, S)).filter((_k, v) => v !== null),
              (p, q) => `${p}${q}`,
              Named.as('lj'),
            )
            .toStream()
            .to('out'),
        );
      },
      droppedOnly,
    ));
});

describe('conformance: cogroup (Kafka Streams 3.9 goldens)', () => {
  it('s72 cogroup of three grouped streams (one repartitioned) into one store; naming', () =>
    check(
      's72-cogroup',
      async (b, extra) => {
        const g1 = b.stream<string, string>('in1', Consumed.with(S, S)).groupByKey();
        const g2 = b.stream<string, number>('in2', Consumed.with(S, Serdes.Long())).groupByKey(Grouped.with(S, Serdes.Long()));
        const g3 = b.stream<string, string>('in3', Consumed.with(S, S)).groupBy((_k, v) => v, Grouped.with('g3', S, S));
        const agg = g1
          .cogroup<string>((_k, v, a) => `${a}+${v}`)
          .cogroup(g2, (_k, v, a) => `${a}#${v}`)
          .cogroup(g3, (_k, v, a) => `${a}@${v}`)
          .aggregate(() => '', Materialized.as<string, string>('cogroup-store').withValueSerde(S));
        agg.toStream().to('out', Produced.with(S, S));
        extra.queryable = agg.queryableStoreName();
        extra.namedUnmaterialized = await shape((x) => {
          const a = x.stream<string, string>('in1', Consumed.with(S, S)).selectKey((_k, v) => v).groupByKey();
          const c = x.stream<string, string>('in2', Consumed.with(S, S)).groupByKey();
          a.cogroup<string>((_k, v, g) => g + v)
            .cogroup(c, (_k, v, g) => g + v)
            .aggregate(() => '', Named.as('cg'), Materialized.with(S, S))
            .toStream()
            .to('out');
        });
        extra.twoRepartitions = await shape((x) => {
          const a = x.stream<string, string>('in1', Consumed.with(S, S)).selectKey((_k, v) => v).groupByKey();
          const c = x.stream<string, string>('in2', Consumed.with(S, S)).selectKey((_k, v) => v).groupByKey(Grouped.as('c'));
          a.cogroup<string>((_k, v, g) => g + v)
            .cogroup(c, (_k, v, g) => g + v)
            .aggregate(() => '')
            .toStream()
            .to('out');
        });
      },
      droppedOnly,
    ));

  it('s73 windowed cogroup: time windows and sessions (with a merger)', () =>
    check(
      's73-cogroup-windowed',
      (b) => {
        const g1 = b.stream<string, string>('in1', Consumed.with(S, S)).groupByKey();
        const g2 = b.stream<string, number>('in2', Consumed.with(S, Serdes.Long())).groupByKey(Grouped.with(S, Serdes.Long()));
        g1.cogroup<string>((_k, v, a) => `${a}+${v}`)
          .cogroup(g2, (_k, v, a) => `${a}#${v}`)
          .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
          .aggregate(() => '', Materialized.as<string, string>('cw-store').withValueSerde(S))
          .toStream()
          .to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, 10), S));
        g1.cogroup<string>((_k, v, a) => `${a}+${v}`)
          .cogroup(g2, (_k, v, a) => `${a}#${v}`)
          .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
          .aggregate(() => '', (_k, a1, a2) => `${a1}|${a2}`, Named.as('cs'), Materialized.with(S, S))
          .toStream()
          .to('sessions', Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(S), S));
      },
      droppedOnly,
    ));
});

describe('conformance: foreign-key table joins (Kafka Streams 3.9 goldens)', () => {
  const fk = (v: string): string | null => (v.indexOf(':') < 0 ? null : v.substring(0, v.indexOf(':')));

  it('s74 foreign-key join and leftJoin: subscriptions, foreign key changes, deletes on either side, null foreign keys', () =>
    check(
      's74-fk-join',
      async (b, extra) => {
        const orders = b.table<string, string>('orders', Consumed.with(S, S));
        const products = b.table<string, string>('products', Consumed.with(S, S));
        orders.join(products, fk, (o, p) => `${o}/${p}`).toStream().to('inner', Produced.with(S, S));
        orders.leftJoin(products, fk, (o, p) => `${o}/${p}`).toStream().to('left', Produced.with(S, S));
        extra.named = await shape((x) =>
          x
            .table<string, string>('orders', Consumed.with(S, S))
            .join(x.table<string, string>('products', Consumed.with(S, S)), fk, (o, p) => `${o}/${p}`, TableJoined.as<string, string>('fkj'), Materialized.as('fk-store'))
            .toStream()
            .to('out'),
        );
      },
      droppedOnly,
    ));

  it('s75 foreign-key join edges: rows moving between keys, null foreign keys, re-put right rows, old values downstream', () =>
    check(
      's75-fk-join-edges',
      (b) => {
        const orders = b.table<string, string>('orders', Consumed.with(S, S));
        const products = b.table<string, string>('products', Consumed.with(S, S));
        const inner = orders.join(products, fk, (o, p) => `${o}/${p}`, Materialized.as<string, string>('fk-inner').withValueSerde(S));
        inner.toStream().to('inner', Produced.with(S, S));
        orders.leftJoin(products, fk, (o, p) => `${o}/${p}`).toStream().to('left', Produced.with(S, S));
        inner
          .groupBy((_k, v) => KeyValue.pair(v.substring(v.indexOf('/') + 1), v), Grouped.with(S, S))
          .count()
          .toStream()
          .to('counts', Produced.with(S, Serdes.Long()));
      },
      droppedOnly,
    ));
});
