package kstreams.reference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.SlidingWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.Suppressed.BufferConfig;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/** The windowing scenarios s40 and later of test/conformance/SCENARIOS.md (windows.test.ts). */
final class WindowScenarios {

  private WindowScenarios() {}

  private static final Serde<String> S = Serdes.String();
  private static final Serde<Long> L = Serdes.Long();

  private static Serde<Windowed<String>> tw(long size) {
    return WindowedSerdes.timeWindowedSerdeFrom(String.class, size);
  }

  private static Serde<Windowed<String>> sw() {
    return WindowedSerdes.sessionWindowedSerdeFrom(String.class);
  }

  private static Duration ms(long n) {
    return Duration.ofMillis(n);
  }

  /** A scenario with a topology and an after-step. */
  private static Scenario scenario(
      Function<Map<String, Object>, Topology> build,
      BiConsumer<TopologyTestDriver, Map<String, Object>> after) {
    return new Scenario() {
      @Override
      public Topology build(Map<String, Object> extra) {
        return build.apply(extra);
      }

      @Override
      public void after(TopologyTestDriver driver, Map<String, Object> extra) {
        after.accept(driver, extra);
      }
    };
  }

  static void register(Map<String, Scenario> all) {
    all.put("s40-tumbling-count", scenario(x -> s40(), WindowScenarios::s40After));
    all.put("s41-hopping-count-grace", scenario(x -> s41(), WindowScenarios::s41After));
    all.put("s42-windowed-reduce-aggregate", scenario(x -> s42(), WindowScenarios::s42After));
    all.put("s43-sliding-windows", scenario(x -> s43(), WindowScenarios::s43After));
    all.put("s44-session-merges", scenario(x -> s44(), WindowScenarios::s44After));
    all.put("s45-session-reduce", scenario(x -> s45(), (d, e) -> e.put("droppedRecords", dropped(d))));
    all.put("s46-suppress-final", scenario(x -> s46(), (d, e) -> e.put("droppedRecords", dropped(d))));
    all.put("s47-emit-on-window-close", scenario(x -> s47(), (d, e) -> e.put("droppedRecords", dropped(d))));
    all.put("s48-window-store-fetch", scenario(x -> s48(), WindowScenarios::s48After));
    all.put("s49-session-store-fetch", scenario(x -> s49(), WindowScenarios::s49After));
    all.put("s50-windowed-naming", scenario(x -> s50(), (d, e) -> {}));
    all.put("s51-suppress-time-limit", scenario(x -> s51(), (d, e) -> {}));
    all.put("s52-windowed-caching", scenario(x -> s52(), (d, e) -> {}));
  }

  // ---------------------------------------------------------------- extras

  /** The task's dropped-records-total (late records, null keys, expired segments). */
  static Object dropped(TopologyTestDriver driver) {
    for (Map.Entry<MetricName, ? extends Metric> e : driver.metrics().entrySet()) {
      MetricName n = e.getKey();
      if (n.name().equals("dropped-records-total") && n.group().equals("stream-task-metrics")) {
        return e.getValue().metricValue();
      }
    }
    return null;
  }

  static Map<String, Object> wkey(Windowed<?> w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", w.key());
    m.put("start", w.window().start());
    m.put("end", w.window().end());
    return m;
  }

  /** [{start, value}] of a single key's windows. */
  static List<Map<String, Object>> windowValues(WindowStoreIterator<?> it) {
    List<Map<String, Object>> out = new ArrayList<>();
    try (WindowStoreIterator<?> iter = it) {
      while (iter.hasNext()) {
        KeyValue<Long, ?> kv = iter.next();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", kv.key);
        m.put("value", kv.value);
        out.add(m);
      }
    }
    return out;
  }

  /** [{key: {key, start, end}, value}] of windowed entries. */
  static List<Map<String, Object>> windowed(KeyValueIterator<? extends Windowed<?>, ?> it) {
    List<Map<String, Object>> out = new ArrayList<>();
    try (KeyValueIterator<? extends Windowed<?>, ?> iter = it) {
      while (iter.hasNext()) {
        KeyValue<? extends Windowed<?>, ?> kv = iter.next();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", wkey(kv.key));
        m.put("value", kv.value);
        out.add(m);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- scenarios

  static Topology s40() {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("input", Consumed.with(S, S))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
        .count(Materialized.as("tumbling-counts"))
        .toStream()
        .to("output", Produced.with(tw(10), L));
    return b.build();
  }

  static void s40After(TopologyTestDriver d, Map<String, Object> extra) {
    WindowStore<String, Long> store = d.getWindowStore("tumbling-counts");
    extra.put("fetchA", windowValues(store.fetch("a", 0L, 100L)));
    extra.put("fetchA10", store.fetch("a", 10L));
    extra.put("fetchA5", store.fetch("a", 5L));
    extra.put("fetchA10to20", windowValues(store.fetch("a", 10L, 20L)));
    extra.put("backwardFetchA", windowValues(store.backwardFetch("a", 0L, 100L)));
    extra.put("droppedRecords", dropped(d));
  }

  static Topology s41() {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("input", Consumed.with(S, S))
        .groupByKey()
        .windowedBy(TimeWindows.ofSizeAndGrace(ms(10), ms(5)).advanceBy(ms(5)))
        .count(Materialized.as("hopping-counts"))
        .toStream()
        .to("output", Produced.with(tw(10), L));
    return b.build();
  }

  static void s41After(TopologyTestDriver d, Map<String, Object> extra) {
    WindowStore<String, Long> store = d.getWindowStore("hopping-counts");
    extra.put("fetchA", windowValues(store.fetch("a", 0L, 100L)));
    extra.put("droppedRecords", dropped(d));
  }

  static Topology s42() {
    StreamsBuilder b = new StreamsBuilder();
    KGroupedStream<String, Long> g = b.stream("input", Consumed.with(S, L)).groupByKey(Grouped.with(S, L));
    g.windowedBy(TimeWindows.ofSizeAndGrace(ms(10), ms(10)))
        .reduce(Long::sum, Named.as("win-reduce"), Materialized.as("win-reduce-store"))
        .toStream()
        .to("reduced", Produced.with(tw(10), L));
    g.windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)).advanceBy(ms(5)))
        .aggregate(
            () -> "",
            (k, v, agg) -> agg + "," + v,
            Materialized.<String, String, WindowStore<Bytes, byte[]>>as("win-agg-store").withValueSerde(S))
        .toStream()
        .to("aggregated", Produced.with(tw(10), S));
    return b.build();
  }

  static void s42After(TopologyTestDriver d, Map<String, Object> extra) {
    WindowStore<String, Long> reduced = d.getWindowStore("win-reduce-store");
    extra.put("reducedA", windowValues(reduced.fetch("a", 0L, 100L)));
    WindowStore<String, ValueAndTimestamp<Long>> ts = d.getTimestampedWindowStore("win-reduce-store");
    ValueAndTimestamp<Long> vt = ts.fetch("a", 0L);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("value", vt.value());
    m.put("timestamp", vt.timestamp());
    extra.put("timestampedA0", m);
    WindowStore<String, String> agg = d.getWindowStore("win-agg-store");
    extra.put("aggregatedA", windowValues(agg.fetch("a", 0L, 100L)));
    extra.put("droppedRecords", dropped(d));
  }

  static Topology s43() {
    StreamsBuilder b = new StreamsBuilder();
    KGroupedStream<String, String> g = b.stream("input", Consumed.with(S, S)).groupByKey();
    g.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(ms(10), ms(5)))
        .count(Materialized.as("sliding-counts"))
        .toStream()
        .to("counts", Produced.with(tw(10), L));
    g.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(ms(10), ms(5)))
        .aggregate(
            () -> "",
            (k, v, agg) -> agg + v,
            Materialized.<String, String, WindowStore<Bytes, byte[]>>as("sliding-agg").withValueSerde(S))
        .toStream()
        .to("contents", Produced.with(tw(10), S));
    return b.build();
  }

  static void s43After(TopologyTestDriver d, Map<String, Object> extra) {
    WindowStore<String, Long> counts = d.getWindowStore("sliding-counts");
    extra.put("countsA", windowValues(counts.fetch("a", 0L, 100L)));
    WindowStore<String, String> contents = d.getWindowStore("sliding-agg");
    extra.put("contentsA", windowValues(contents.fetch("a", 0L, 100L)));
    extra.put("droppedRecords", dropped(d));
  }

  static Topology s44() {
    StreamsBuilder b = new StreamsBuilder();
    KGroupedStream<String, String> g = b.stream("input", Consumed.with(S, S)).groupByKey();
    g.windowedBy(SessionWindows.ofInactivityGapAndGrace(ms(5), ms(3)))
        .count(Materialized.as("session-counts"))
        .toStream()
        .to("counts", Produced.with(sw(), L));
    g.windowedBy(SessionWindows.ofInactivityGapAndGrace(ms(5), ms(3)))
        .aggregate(
            () -> "",
            (k, v, agg) -> agg + v,
            (k, a1, a2) -> a1 + "|" + a2,
            Materialized.<String, String, SessionStore<Bytes, byte[]>>as("session-agg").withValueSerde(S))
        .toStream()
        .to("contents", Produced.with(sw(), S));
    return b.build();
  }

  static void s44After(TopologyTestDriver d, Map<String, Object> extra) {
    SessionStore<String, Long> counts = d.getSessionStore("session-counts");
    extra.put("fetchA", windowed(counts.fetch("a")));
    extra.put("backwardFetchA", windowed(counts.backwardFetch("a")));
    extra.put("findSessionsA", windowed(counts.findSessions("a", 20L, 40L)));
    extra.put("fetchSessionA", counts.fetchSession("a", 26L, 30L));
    SessionStore<String, String> contents = d.getSessionStore("session-agg");
    extra.put("contentsA", windowed(contents.fetch("a")));
    extra.put("droppedRecords", dropped(d));
  }

  static Topology s45() {
    StreamsBuilder b = new StreamsBuilder();
    KGroupedStream<String, Long> g = b.stream("input", Consumed.with(S, L)).groupByKey(Grouped.with(S, L));
    g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(ms(10)))
        .reduce(Long::sum, Materialized.as("session-sum"))
        .toStream()
        .to("sums", Produced.with(sw(), L));
    g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(ms(10)))
        .count(Named.as("session-count-named"))
        .toStream()
        .to("counts", Produced.with(sw(), L));
    return b.build();
  }

  static Topology s46() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> s = b.stream("input", Consumed.with(S, S));
    KTable<Windowed<String>, Long> t =
        s.groupByKey()
            .windowedBy(TimeWindows.ofSizeAndGrace(ms(10), ms(2)))
            .count(Materialized.as("final-counts"));
    t.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
        .toStream()
        .to("final", Produced.with(tw(10), L));
    t.toStream().to("updates", Produced.with(tw(10), L));
    s.groupByKey()
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(ms(5), ms(1)))
        .count()
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName("session-final"))
        .toStream()
        .to("session-final", Produced.with(sw(), L));
    return b.build();
  }

  static Topology s47() {
    StreamsBuilder b = new StreamsBuilder();
    KGroupedStream<String, String> g = b.stream("input", Consumed.with(S, S)).groupByKey();
    g.windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
        .emitStrategy(EmitStrategy.onWindowClose())
        .count(Materialized.as("tumbling-final"))
        .toStream()
        .to("tumbling", Produced.with(tw(10), L));
    g.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(ms(5)))
        .emitStrategy(EmitStrategy.onWindowClose())
        .count(Materialized.as("sliding-final"))
        .toStream()
        .to("sliding", Produced.with(tw(5), L));
    g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(ms(5)))
        .emitStrategy(EmitStrategy.onWindowClose())
        .count(Materialized.as("session-final"))
        .toStream()
        .to("session", Produced.with(sw(), L));
    return b.build();
  }

  static Topology s48() {
    StreamsBuilder b = new StreamsBuilder();
    KGroupedStream<String, Long> g = b.stream("input", Consumed.with(S, L)).groupByKey(Grouped.with(S, L));
    g.windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
        .reduce(
            Long::sum,
            Materialized.<String, Long>as(Stores.inMemoryWindowStore("mem-windows", ms(50), ms(10), false))
                .withCachingDisabled())
        .toStream()
        .to("mem", Produced.with(tw(10), L));
    g.windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
        .reduce(
            Long::sum,
            Materialized.<String, Long>as(
                    Stores.persistentTimestampedWindowStore("rocks-windows", ms(50), ms(10), false))
                .withCachingDisabled())
        .toStream()
        .to("rocks", Produced.with(tw(10), L));
    return b.build();
  }

  static void s48After(TopologyTestDriver d, Map<String, Object> extra) {
    for (String name : new String[] {"mem-windows", "rocks-windows"}) {
      WindowStore<String, Long> store = d.getWindowStore(name);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("fetchA", windowValues(store.fetch("a", 0L, 100L)));
      m.put("fetchA30", store.fetch("a", 30L));
      m.put("fetchAExpired20", store.fetch("a", 20L));
      m.put("fetchA30to40", windowValues(store.fetch("a", 30L, 40L)));
      m.put("backwardFetchA", windowValues(store.backwardFetch("a", 0L, 100L)));
      m.put("rangeAtoAb", windowed(store.fetch("a", "ab", 0L, 100L)));
      m.put("rangeOpenToAa", windowed(store.fetch(null, "aa", 0L, 100L)));
      m.put("rangeAaToOpen", windowed(store.fetch("aa", null, 30L, 60L)));
      m.put("backwardRangeAtoB", windowed(store.backwardFetch("a", "b", 30L, 70L)));
      m.put("all", windowed(store.all()));
      m.put("backwardAll", windowed(store.backwardAll()));
      m.put("fetchAll30to50", windowed(store.fetchAll(30L, 50L)));
      m.put("backwardFetchAll30to50", windowed(store.backwardFetchAll(30L, 50L)));
      extra.put(name, m);
    }
    extra.put("droppedRecords", dropped(d));
  }

  static Topology s49() {
    StreamsBuilder b = new StreamsBuilder();
    KGroupedStream<String, Long> g = b.stream("input", Consumed.with(S, L)).groupByKey(Grouped.with(S, L));
    g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(ms(5)))
        .reduce(
            Long::sum,
            Materialized.<String, Long>as(Stores.inMemorySessionStore("mem-sessions", ms(30))).withCachingDisabled())
        .toStream()
        .to("mem", Produced.with(sw(), L));
    g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(ms(5)))
        .reduce(
            Long::sum,
            Materialized.<String, Long>as(Stores.persistentSessionStore("rocks-sessions", ms(30))).withCachingDisabled())
        .toStream()
        .to("rocks", Produced.with(sw(), L));
    return b.build();
  }

  static void s49After(TopologyTestDriver d, Map<String, Object> extra) {
    for (String name : new String[] {"mem-sessions", "rocks-sessions"}) {
      SessionStore<String, Long> store = d.getSessionStore(name);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("fetchA", windowed(store.fetch("a")));
      m.put("backwardFetchA", windowed(store.backwardFetch("a")));
      m.put("fetchAtoB", windowed(store.fetch("a", "b")));
      m.put("backwardFetchAtoB", windowed(store.backwardFetch("a", "b")));
      m.put("findSessionsA", windowed(store.findSessions("a", 30L, 45L)));
      m.put("backwardFindSessionsA", windowed(store.backwardFindSessions("a", 0L, 100L)));
      m.put("findSessionsAtoB", windowed(store.findSessions("a", "b", 0L, 100L)));
      m.put("fetchSessionA", store.fetchSession("a", 40L, 44L));
      m.put("fetchSessionMissing", store.fetchSession("a", 40L, 45L));
      m.put("fetchSessionExpired", store.fetchSession("a", 0L, 3L));
      extra.put(name, m);
    }
    extra.put("droppedRecords", dropped(d));
  }

  static Topology s50() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> s = b.stream("input", Consumed.with(S, S));
    KStream<String, String> r = s.selectKey((k, v) -> v);
    r.groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
        .count()
        .toStream()
        .to("o1", Produced.with(tw(10), L));
    r.groupByKey(Grouped.as("byv"))
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(ms(5)))
        .count(Materialized.with(S, L))
        .toStream()
        .to("o2", Produced.with(sw(), L));
    s.groupByKey()
        .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(ms(5)))
        .count(Materialized.with(S, L))
        .toStream()
        .to("o3", Produced.with(tw(5), L));
    s.groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
        .count(Materialized.with(S, L))
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
        .toStream()
        .to("o4", Produced.with(tw(10), L));
    s.groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
        .reduce((x, y) -> x + y)
        .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName("sup"))
        .toStream()
        .to("o5", Produced.with(tw(10), S));
    s.groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
        .aggregate(
            () -> "",
            (k, v, a) -> a + v,
            Named.as("named-agg"),
            Materialized.<String, String, WindowStore<Bytes, byte[]>>as("agg-store").withValueSerde(S))
        .toStream(Named.as("ts"))
        .to("o6", Produced.with(tw(10), S));
    s.groupByKey()
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(ms(5)))
        .reduce((x, y) -> x + y, Named.as("sess-red"))
        .toStream()
        .to("o7", Produced.with(sw(), S));
    return b.build();
  }

  static Topology s51() {
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, Long> t = b.stream("input", Consumed.with(S, S)).groupByKey().count(Materialized.as("counts"));
    t.suppress(Suppressed.untilTimeLimit(ms(10), BufferConfig.maxRecords(2).emitEarlyWhenFull()))
        .toStream()
        .to("limited", Produced.with(S, L));
    t.suppress(Suppressed.untilTimeLimit(ms(5), BufferConfig.unbounded()).withName("lim2"))
        .toStream()
        .to("limited2", Produced.with(S, L));
    b.table("t-in", Consumed.with(S, S))
        .suppress(Suppressed.untilTimeLimit(ms(3), BufferConfig.maxBytes(1000).emitEarlyWhenFull()))
        .toStream()
        .to("table-limited", Produced.with(S, S));
    return b.build();
  }

  static Topology s52() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> s = b.stream("input", Consumed.with(S, S)).flatMapValues(v -> List.of(v, v));
    s.groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
        .count(Materialized.as("cached-win"))
        .toStream()
        .to("cached-win", Produced.with(tw(10), L));
    s.groupByKey()
        .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
        .count(Materialized.<String, Long, WindowStore<Bytes, byte[]>>as("uncached-win").withCachingDisabled())
        .toStream()
        .to("uncached-win", Produced.with(tw(10), L));
    s.groupByKey()
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(ms(5)))
        .count(Materialized.as("cached-sess"))
        .toStream()
        .to("cached-sess", Produced.with(sw(), L));
    s.groupByKey()
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(ms(5)))
        .count(Materialized.<String, Long, SessionStore<Bytes, byte[]>>as("uncached-sess").withCachingDisabled())
        .toStream()
        .to("uncached-sess", Produced.with(sw(), L));
    return b.build();
  }
}
