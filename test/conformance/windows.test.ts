import { describe, expect, it } from 'vitest';
import {
  BufferConfig,
  Consumed,
  EmitStrategy,
  Grouped,
  Materialized,
  Named,
  Produced,
  Serdes,
  SessionWindows,
  SlidingWindows,
  Stores,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  WindowedSerdes,
  type KeyValueIterator,
  type Windowed,
} from '../../src/index.js';
import { toArray } from '../../src/state/iterators.js';
import type { MaybePromise } from '../../src/util/maybe-promise.js';
import type { TopologyTestDriver } from '../../test-driver/index.js';
import { jsonKey, runScenario } from './harness.js';

const S = Serdes.String();
const L = Serdes.Long();
const tw = (size: number) => WindowedSerdes.timeWindowedSerdeFrom(S, size);
const sw = () => WindowedSerdes.sessionWindowedSerdeFrom(S);

type Extra = (driver: TopologyTestDriver) => Promise<globalThis.Record<string, unknown>>;

/** Builds the scenario's topology with our DSL, runs it, and compares every field with Java's golden. */
async function check(id: string, build: (b: StreamsBuilder) => void, extra?: Extra) {
  const builder = new StreamsBuilder();
  build(builder);
  const { actual, golden } = await runScenario(id, builder.build(), extra);
  expect(actual).toEqual(golden);
}

/** [{start, value}] of one key's windows (Golden's `windowValues`). */
async function windowValues(it: MaybePromise<KeyValueIterator<number, unknown>>) {
  return (await toArray(it)).map(({ key, value }) => ({ start: key, value }));
}

/** [{key: {key, start, end}, value}] (Golden's `windowed`). */
async function windowed(it: MaybePromise<KeyValueIterator<Windowed<unknown>, unknown>>) {
  return (await toArray(it)).map(({ key, value }) => ({ key: jsonKey(key), value }));
}

/** The task's `dropped-records-total`. */
function dropped(driver: TopologyTestDriver): number | null {
  return driver.metrics().find((m) => m.name === 'dropped-records-total' && m.group === 'stream-task-metrics')?.value ?? null;
}

describe('conformance: windowed aggregations, window/session stores and suppression (Kafka Streams 3.9 goldens)', () => {
  it('s40 tumbling count: window boundaries, late records dropped, window store fetch bounds', () =>
    check(
      's40-tumbling-count',
      (b) => {
        b.stream<string, string>('input', Consumed.with(S, S))
          .groupByKey()
          .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
          .count(Materialized.as('tumbling-counts'))
          .toStream()
          .to('output', Produced.with(tw(10), L));
      },
      async (d) => {
        const store = (await d.getWindowStore<string, number>('tumbling-counts'))!;
        return {
          fetchA: await windowValues(store.fetch('a', 0, 100)),
          fetchA10: await store.fetch('a', 10),
          fetchA5: await store.fetch('a', 5),
          fetchA10to20: await windowValues(store.fetch('a', 10, 20)),
          backwardFetchA: await windowValues(store.backwardFetch('a', 0, 100)),
          droppedRecords: dropped(d),
        };
      },
    ));

  it('s41 hopping count with grace: every overlapping window, out-of-order within grace, late beyond it', () =>
    check(
      's41-hopping-count-grace',
      (b) => {
        b.stream<string, string>('input', Consumed.with(S, S))
          .groupByKey()
          .windowedBy(TimeWindows.ofSizeAndGrace(10, 5).advanceBy(5))
          .count(Materialized.as('hopping-counts'))
          .toStream()
          .to('output', Produced.with(tw(10), L));
      },
      async (d) => {
        const store = (await d.getWindowStore<string, number>('hopping-counts'))!;
        return { fetchA: await windowValues(store.fetch('a', 0, 100)), droppedRecords: dropped(d) };
      },
    ));

  it('s42 windowed reduce and aggregate (named), null keys dropped, timestamped window store', () =>
    check(
      's42-windowed-reduce-aggregate',
      (b) => {
        const g = b.stream<string, number>('input', Consumed.with(S, L)).groupByKey(Grouped.with(S, L));
        g.windowedBy(TimeWindows.ofSizeAndGrace(10, 10))
          .reduce((x, y) => x + y, Named.as('win-reduce'), Materialized.as('win-reduce-store'))
          .toStream()
          .to('reduced', Produced.with(tw(10), L));
        g.windowedBy(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5))
          .aggregate(() => '', (_k, v, agg) => `${agg},${v}`, Materialized.as<string, string>('win-agg-store').withValueSerde(S))
          .toStream()
          .to('aggregated', Produced.with(tw(10), S));
      },
      async (d) => {
        const reduced = (await d.getWindowStore<string, number>('win-reduce-store'))!;
        const ts = (await d.getTimestampedWindowStore<string, number>('win-reduce-store'))!;
        const vt = (await ts.fetch('a', 0))!;
        const agg = (await d.getWindowStore<string, string>('win-agg-store'))!;
        return {
          reducedA: await windowValues(reduced.fetch('a', 0, 100)),
          timestampedA0: { value: vt.value, timestamp: vt.timestamp },
          aggregatedA: await windowValues(agg.fetch('a', 0, 100)),
          droppedRecords: dropped(d),
        };
      },
    ));

  it('s43 sliding windows: left/right windows, early records, out of order, late dropped', () =>
    check(
      's43-sliding-windows',
      (b) => {
        const g = b.stream<string, string>('input', Consumed.with(S, S)).groupByKey();
        g.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 5))
          .count(Materialized.as('sliding-counts'))
          .toStream()
          .to('counts', Produced.with(tw(10), L));
        g.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 5))
          .aggregate(() => '', (_k, v, agg) => agg + v, Materialized.as<string, string>('sliding-agg').withValueSerde(S))
          .toStream()
          .to('contents', Produced.with(tw(10), S));
      },
      async (d) => {
        const counts = (await d.getWindowStore<string, number>('sliding-counts'))!;
        const contents = (await d.getWindowStore<string, string>('sliding-agg'))!;
        return {
          countsA: await windowValues(counts.fetch('a', 0, 100)),
          contentsA: await windowValues(contents.fetch('a', 0, 100)),
          droppedRecords: dropped(d),
        };
      },
    ));

  it('s44 session windows: merges retract the superseded sessions with null; session store reads', () =>
    check(
      's44-session-merges',
      (b) => {
        const g = b.stream<string, string>('input', Consumed.with(S, S)).groupByKey();
        g.windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 3))
          .count(Materialized.as('session-counts'))
          .toStream()
          .to('counts', Produced.with(sw(), L));
        g.windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 3))
          .aggregate(
            () => '',
            (_k, v, agg) => agg + v,
            (_k, a1, a2) => `${a1}|${a2}`,
            Materialized.as<string, string>('session-agg').withValueSerde(S),
          )
          .toStream()
          .to('contents', Produced.with(sw(), S));
      },
      async (d) => {
        const counts = (await d.getSessionStore<string, number>('session-counts'))!;
        const contents = (await d.getSessionStore<string, string>('session-agg'))!;
        return {
          fetchA: await windowed(counts.fetch('a')),
          backwardFetchA: await windowed(counts.backwardFetch('a')),
          findSessionsA: await windowed(counts.findSessions('a', 20, 40)),
          fetchSessionA: await counts.fetchSession('a', 26, 30),
          contentsA: await windowed(contents.fetch('a')),
          droppedRecords: dropped(d),
        };
      },
    ));

  it('s45 session reduce and named count; a merged session beyond retention is not retracted (cache)', () =>
    check(
      's45-session-reduce',
      (b) => {
        const g = b.stream<string, number>('input', Consumed.with(S, L)).groupByKey(Grouped.with(S, L));
        g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
          .reduce((x, y) => x + y, Materialized.as('session-sum'))
          .toStream()
          .to('sums', Produced.with(sw(), L));
        g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10))
          .count(Named.as('session-count-named'))
          .toStream()
          .to('counts', Produced.with(sw(), L));
      },
      async (d) => ({ droppedRecords: dropped(d) }),
    ));

  it('s46 suppress(untilWindowCloses): final results only, for time and session windows', () =>
    check(
      's46-suppress-final',
      (b) => {
        const s = b.stream<string, string>('input', Consumed.with(S, S));
        const t = s.groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(10, 2)).count(Materialized.as('final-counts'));
        t.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())).toStream().to('final', Produced.with(tw(10), L));
        t.toStream().to('updates', Produced.with(tw(10), L));
        s.groupByKey()
          .windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 1))
          .count()
          .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName('session-final'))
          .toStream()
          .to('session-final', Produced.with(sw(), L));
      },
      async (d) => ({ droppedRecords: dropped(d) }),
    ));

  it('s47 emitStrategy(onWindowClose): time, sliding and session windows emit once, throttled by wall-clock time', () =>
    check(
      's47-emit-on-window-close',
      (b) => {
        const g = b.stream<string, string>('input', Consumed.with(S, S)).groupByKey();
        g.windowedBy(TimeWindows.ofSizeWithNoGrace(10))
          .emitStrategy(EmitStrategy.onWindowClose())
          .count(Materialized.as('tumbling-final'))
          .toStream()
          .to('tumbling', Produced.with(tw(10), L));
        g.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(5))
          .emitStrategy(EmitStrategy.onWindowClose())
          .count(Materialized.as('sliding-final'))
          .toStream()
          .to('sliding', Produced.with(tw(5), L));
        g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
          .emitStrategy(EmitStrategy.onWindowClose())
          .count(Materialized.as('session-final'))
          .toStream()
          .to('session', Produced.with(sw(), L));
      },
      async (d) => ({ droppedRecords: dropped(d) }),
    ));

  it('s48 window store fetch bounds, key ranges, retention, in-memory and persistent orders', () =>
    check(
      's48-window-store-fetch',
      (b) => {
        const g = b.stream<string, number>('input', Consumed.with(S, L)).groupByKey(Grouped.with(S, L));
        g.windowedBy(TimeWindows.ofSizeWithNoGrace(10))
          .reduce((x, y) => x + y, Materialized.as<string, number>(Stores.inMemoryWindowStore('mem-windows', 50, 10, false)).withCachingDisabled())
          .toStream()
          .to('mem', Produced.with(tw(10), L));
        g.windowedBy(TimeWindows.ofSizeWithNoGrace(10))
          .reduce(
            (x, y) => x + y,
            Materialized.as<string, number>(Stores.persistentTimestampedWindowStore('rocks-windows', 50, 10, false)).withCachingDisabled(),
          )
          .toStream()
          .to('rocks', Produced.with(tw(10), L));
      },
      async (d) => {
        const extra: globalThis.Record<string, unknown> = {};
        for (const name of ['mem-windows', 'rocks-windows']) {
          const store = (await d.getWindowStore<string, number>(name))!;
          extra[name] = {
            fetchA: await windowValues(store.fetch('a', 0, 100)),
            fetchA30: await store.fetch('a', 30),
            fetchAExpired20: await store.fetch('a', 20),
            fetchA30to40: await windowValues(store.fetch('a', 30, 40)),
            backwardFetchA: await windowValues(store.backwardFetch('a', 0, 100)),
            rangeAtoAb: await windowed(store.fetch('a', 'ab', 0, 100)),
            rangeOpenToAa: await windowed(store.fetch(null, 'aa', 0, 100)),
            rangeAaToOpen: await windowed(store.fetch('aa', null, 30, 60)),
            backwardRangeAtoB: await windowed(store.backwardFetch('a', 'b', 30, 70)),
            all: await windowed(store.all()),
            backwardAll: await windowed(store.backwardAll()),
            fetchAll30to50: await windowed(store.fetchAll(30, 50)),
            backwardFetchAll30to50: await windowed(store.backwardFetchAll(30, 50)),
          };
        }
        extra.droppedRecords = dropped(d);
        return extra;
      },
    ));

  it('s49 session store reads: fetch, findSessions, fetchSession, retention, in-memory and persistent', () =>
    check(
      's49-session-store-fetch',
      (b) => {
        const g = b.stream<string, number>('input', Consumed.with(S, L)).groupByKey(Grouped.with(S, L));
        g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
          .reduce((x, y) => x + y, Materialized.as<string, number>(Stores.inMemorySessionStore('mem-sessions', 30)).withCachingDisabled())
          .toStream()
          .to('mem', Produced.with(sw(), L));
        g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
          .reduce((x, y) => x + y, Materialized.as<string, number>(Stores.persistentSessionStore('rocks-sessions', 30)).withCachingDisabled())
          .toStream()
          .to('rocks', Produced.with(sw(), L));
      },
      async (d) => {
        const extra: globalThis.Record<string, unknown> = {};
        for (const name of ['mem-sessions', 'rocks-sessions']) {
          const store = (await d.getSessionStore<string, number>(name))!;
          extra[name] = {
            fetchA: await windowed(store.fetch('a')),
            backwardFetchA: await windowed(store.backwardFetch('a')),
            fetchAtoB: await windowed(store.fetch('a', 'b')),
            backwardFetchAtoB: await windowed(store.backwardFetch('a', 'b')),
            findSessionsA: await windowed(store.findSessions('a', 30, 45)),
            backwardFindSessionsA: await windowed(store.backwardFindSessions('a', 0, 100)),
            findSessionsAtoB: await windowed(store.findSessions('a', 'b', 0, 100)),
            fetchSessionA: await store.fetchSession('a', 40, 44),
            fetchSessionMissing: await store.fetchSession('a', 40, 45),
            fetchSessionExpired: await store.fetchSession('a', 0, 3),
          };
        }
        extra.droppedRecords = dropped(d);
        return extra;
      },
    ));

  it('s50 generated names of windowed aggregations, repartitions and suppressions', () =>
    check('s50-windowed-naming', (b) => {
      const s = b.stream<string, string>('input', Consumed.with(S, S));
      const r = s.selectKey((_k, v) => v);
      r.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count().toStream().to('o1', Produced.with(tw(10), L));
      r.groupByKey(Grouped.as('byv'))
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
        .count(Materialized.with(S, L))
        .toStream()
        .to('o2', Produced.with(sw(), L));
      s.groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(5)).count(Materialized.with(S, L)).toStream().to('o3', Produced.with(tw(5), L));
      s.groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
        .count(Materialized.with(S, L))
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
        .toStream()
        .to('o4', Produced.with(tw(10), L));
      s.groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
        .reduce((x, y) => x + y)
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('sup'))
        .toStream()
        .to('o5', Produced.with(tw(10), S));
      s.groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
        .aggregate(() => '', (_k, v, a) => a + v, Named.as('named-agg'), Materialized.as<string, string>('agg-store').withValueSerde(S))
        .toStream(Named.as('ts'))
        .to('o6', Produced.with(tw(10), S));
      s.groupByKey()
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
        .reduce((x, y) => x + y, Named.as('sess-red'))
        .toStream()
        .to('o7', Produced.with(sw(), S));
    }));

  it('s51 suppress(untilTimeLimit): time limit, emit early when full, tombstones kept, table source materialized', () =>
    check('s51-suppress-time-limit', (b) => {
      const t = b.stream<string, string>('input', Consumed.with(S, S)).groupByKey().count(Materialized.as('counts'));
      t.suppress(Suppressed.untilTimeLimit(10, BufferConfig.maxRecords(2).emitEarlyWhenFull())).toStream().to('limited', Produced.with(S, L));
      t.suppress(Suppressed.untilTimeLimit(5, BufferConfig.unbounded()).withName('lim2')).toStream().to('limited2', Produced.with(S, L));
      b.table<string, string>('t-in', Consumed.with(S, S))
        .suppress(Suppressed.untilTimeLimit(3, BufferConfig.maxBytes(1000).emitEarlyWhenFull()))
        .toStream()
        .to('table-limited', Produced.with(S, S));
    }));

  it('s52 windowed record cache: one update per window per commit, session merges through the cache', () =>
    check('s52-windowed-caching', (b) => {
      const s = b.stream<string, string>('input', Consumed.with(S, S)).flatMapValues((v) => [v, v]);
      s.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count(Materialized.as('cached-win')).toStream().to('cached-win', Produced.with(tw(10), L));
      s.groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
        .count(Materialized.as<string, number>('uncached-win').withCachingDisabled())
        .toStream()
        .to('uncached-win', Produced.with(tw(10), L));
      s.groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5)).count(Materialized.as('cached-sess')).toStream().to('cached-sess', Produced.with(sw(), L));
      s.groupByKey()
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
        .count(Materialized.as<string, number>('uncached-sess').withCachingDisabled())
        .toStream()
        .to('uncached-sess', Produced.with(sw(), L));
    }));
});
