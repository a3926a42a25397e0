package kstreams.reference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.common.serialization.Serdes.LongSerde;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Joined;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/** The join scenarios s60 and later of test/conformance/SCENARIOS.md (joins.test.ts). */
final class JoinScenarios {

  private JoinScenarios() {}

  private static final Serde<String> S = Serdes.String();

  private static Duration ms(long n) {
    return Duration.ofMillis(n);
  }

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
    all.put("s60-stream-inner-join", scenario(x -> s60(), JoinScenarios::joinStores));
    all.put("s61-stream-left-join", scenario(x -> s61(), JoinScenarios::joinStores));
    all.put("s62-stream-outer-join", scenario(x -> s62(), JoinScenarios::joinStores));
    all.put("s63-join-naming", scenario(JoinScenarios::s63, JoinScenarios::joinStores));
    all.put("s64-join-asymmetric", scenario(x -> s64(), JoinScenarios::joinStores));
    all.put("s65-join-edge-cases", scenario(x -> s65(), JoinScenarios::joinStores));
    all.put("s66-join-deprecated-and-self", scenario(x -> s66(), JoinScenarios::joinStores));
    all.put("s67-stream-table-join", scenario(x -> s67(), JoinScenarios::dropped));
    all.put("s68-stream-table-naming", scenario(JoinScenarios::s68, JoinScenarios::dropped));
    all.put("s69-stream-global-join", scenario(x -> s69(), JoinScenarios::dropped));
    all.put("s70-table-table-joins", scenario(x -> s70(), JoinScenarios::dropped));
    all.put("s71-table-join-materialized", scenario(JoinScenarios::s71, JoinScenarios::dropped));
    all.put("s72-cogroup", scenario(JoinScenarios::s72, JoinScenarios::dropped));
    all.put("s73-cogroup-windowed", scenario(JoinScenarios::s73, JoinScenarios::dropped));
    all.put("s74-fk-join", scenario(JoinScenarios::s74, JoinScenarios::dropped));
    all.put("s75-fk-join-edges", scenario(x -> s75(), JoinScenarios::dropped));
  }

  // ---------------------------------------------------------------- extras

  /** Every window store of the driver: extra.windowStores[name] = all() as windowed entries. */
  static void joinStores(TopologyTestDriver d, Map<String, Object> extra) {
    Map<String, Object> stores = new LinkedHashMap<>();
    for (String name : new TreeSet<>(d.getAllStateStores().keySet())) {
      WindowStore<Object, Object> ws = d.getWindowStore(name);
      if (ws != null) stores.put(name, WindowScenarios.windowed(ws.all()));
    }
    extra.put("windowStores", stores);
    extra.put("droppedRecords", WindowScenarios.dropped(d));
  }

  static void dropped(TopologyTestDriver d, Map<String, Object> extra) {
    extra.put("droppedRecords", WindowScenarios.dropped(d));
  }

  /** describe() and the state store names of a topology built by {@code build}. */
  static Map<String, Object> shape(Consumer<StreamsBuilder> build) {
    StreamsBuilder b = new StreamsBuilder();
    build.accept(b);
    Topology t = b.build();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("describe", t.describe().toString());
    try (TopologyTestDriver d = new TopologyTestDriver(t, Golden.props())) {
      m.put("stores", new ArrayList<>(new TreeSet<>(d.getAllStateStores().keySet())));
    }
    return m;
  }

  static KStream<String, String> left(StreamsBuilder b) {
    return b.stream("left", Consumed.with(S, S));
  }

  static KStream<String, String> right(StreamsBuilder b) {
    return b.stream("right", Consumed.with(S, S));
  }

  // ---------------------------------------------------------------- scenarios

  static Topology s60() {
    StreamsBuilder b = new StreamsBuilder();
    left(b).join(right(b), (l, r) -> l + "+" + r, JoinWindows.ofTimeDifferenceAndGrace(ms(10), ms(5)))
        .to("joined", Produced.with(S, S));
    return b.build();
  }

  static Topology s61() {
    StreamsBuilder b = new StreamsBuilder();
    left(b).leftJoin(right(b), (l, r) -> l + "+" + r, JoinWindows.ofTimeDifferenceAndGrace(ms(10), ms(5)))
        .to("joined", Produced.with(S, S));
    return b.build();
  }

  static Topology s62() {
    StreamsBuilder b = new StreamsBuilder();
    left(b).outerJoin(right(b), (l, r) -> l + "+" + r, JoinWindows.ofTimeDifferenceAndGrace(ms(10), ms(5)))
        .to("joined", Produced.with(S, S));
    return b.build();
  }

  static Topology s63(Map<String, Object> extra) {
    JoinWindows w = JoinWindows.ofTimeDifferenceWithNoGrace(ms(5));
    extra.put("left", shape(b -> left(b).leftJoin(right(b), (l, r) -> l + r, w).to("out")));
    extra.put("outer", shape(b -> left(b).outerJoin(right(b), (l, r) -> l + r, w).to("out")));
    extra.put("named", shape(b -> left(b).outerJoin(right(b), (l, r) -> l + r, w,
        StreamJoined.with(S, S, S).withName("jn").withStoreName("js")).to("out")));
    extra.put("as", shape(b -> left(b).leftJoin(right(b), (l, r) -> l + r, w,
        StreamJoined.<String, String, String>as("base")).to("out")));
    extra.put("onlyName", shape(b -> left(b).join(right(b), (l, r) -> l + r, w,
        StreamJoined.with(S, S, S).withName("nm")).to("out")));
    extra.put("suppliers", shape(b -> left(b).leftJoin(right(b), (l, r) -> l + r, w,
        StreamJoined.<String, String, String>with(
            Stores.inMemoryWindowStore("mem-this", ms(10), ms(10), true),
            Stores.inMemoryWindowStore("mem-other", ms(10), ms(10), true))
            .withKeySerde(S).withValueSerde(S).withOtherValueSerde(S)).to("out")));
    extra.put("repartitionNamed", shape(b -> left(b).selectKey((k, v) -> v)
        .join(right(b).map((k, v) -> new org.apache.kafka.streams.KeyValue<>(v, k)), (l, r) -> l + r, w,
            StreamJoined.with(S, S, S).withName("rj")).to("out")));
    extra.put("selfJoin", shape(b -> {
      KStream<String, String> s = left(b);
      s.join(s, (l, r) -> l + r, w).to("out");
    }));
    extra.put("chained", shape(b -> left(b).join(right(b), (l, r) -> l + r, w)
        .leftJoin(b.stream("third", Consumed.with(S, S)), (l, r) -> l + r, w).to("out")));

    StreamsBuilder b = new StreamsBuilder();
    left(b).selectKey((k, v) -> v.substring(0, 1))
        .leftJoin(right(b), (l, r) -> l + "+" + r, w, StreamJoined.with(S, S, S))
        .to("joined", Produced.with(S, S));
    return b.build();
  }

  static Topology s64() {
    StreamsBuilder b = new StreamsBuilder();
    left(b).leftJoin(right(b), (k, l, r) -> k + ":" + l + "+" + r,
            JoinWindows.ofTimeDifferenceAndGrace(ms(5), ms(3)).before(ms(2)))
        .to("joined", Produced.with(S, S));
    return b.build();
  }

  static Topology s65() {
    StreamsBuilder b = new StreamsBuilder();
    left(b).outerJoin(right(b), (l, r) -> l + "+" + r, JoinWindows.ofTimeDifferenceAndGrace(ms(10), ms(5)))
        .to("joined", Produced.with(S, S));
    return b.build();
  }

  @SuppressWarnings("deprecation")
  static Topology s66() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> l = left(b);
    KStream<String, String> r = right(b);
    l.leftJoin(r, (x, y) -> x + "+" + y, JoinWindows.of(ms(10))).to("eagerLeft", Produced.with(S, S));
    l.outerJoin(r, (x, y) -> x + "+" + y, JoinWindows.of(ms(10)).grace(ms(2))).to("eagerOuter", Produced.with(S, S));
    KStream<String, String> s = b.stream("self", Consumed.with(S, S));
    s.join(s, (x, y) -> x + "&" + y, JoinWindows.ofTimeDifferenceWithNoGrace(ms(5))).to("selfJoined", Produced.with(S, S));
    return b.build();
  }

  static KStream<String, String> stream(StreamsBuilder b) {
    return b.stream("stream", Consumed.with(S, S));
  }

  static Topology s67() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> s = stream(b);
    KTable<String, String> t = b.table("table", Consumed.with(S, S));
    s.join(t, (v, tv) -> v + "+" + tv).to("joined", Produced.with(S, S));
    s.leftJoin(t, (k, v, tv) -> k + ":" + v + "+" + tv).to("leftJoined", Produced.with(S, S));
    return b.build();
  }

  static Topology s68(Map<String, Object> extra) {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> s = stream(b);
    KTable<String, String> t = b.table("table", Consumed.with(S, S));
    KTable<String, String> f = t.filter((k, v) -> !v.startsWith("x"));
    KTable<String, String> m = t.mapValues(v -> v.toUpperCase());
    KStream<String, String> byValue = s.selectKey((k, v) -> v);
    byValue.join(f, (v, tv) -> v + "+" + tv).to("filtered", Produced.with(S, S));
    byValue.leftJoin(m, (v, tv) -> v + "+" + tv, Joined.with(S, S, S)).to("mapped", Produced.with(S, S));
    byValue.join(t, (v, tv) -> v + "=" + tv, Joined.<String, String, String>as("jn")).to("named", Produced.with(S, S));
    extra.put("describeJoinedWith", shape(x -> stream(x).map((k, v) -> new KeyValue<>(v, k))
        .leftJoin(x.table("table", Consumed.with(S, S), Materialized.as("tstore")), (v, tv) -> v + tv,
            Joined.with(S, S, S, "lj")).to("out")));
    return b.build();
  }

  static Topology s69() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> s = stream(b);
    GlobalKTable<String, String> g = b.globalTable("global", Consumed.with(S, S), Materialized.as("global-store"));
    s.join(g, (k, v) -> v == null ? null : v.substring(0, 1), (v, gv) -> v + "+" + gv).to("joined", Produced.with(S, S));
    s.leftJoin(g, (k, v) -> v == null || v.startsWith("x") ? null : v.substring(0, 1), (k, v, gv) -> k + ":" + v + "+" + gv,
        Named.as("global-left")).to("leftJoined", Produced.with(S, S));
    return b.build();
  }

  static Topology s70() {
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, String> l = b.table("tl", Consumed.with(S, S));
    KTable<String, String> r = b.table("tr", Consumed.with(S, S));
    l.join(r, (x, y) -> x + "+" + y).toStream().to("inner", Produced.with(S, S));
    l.leftJoin(r, (x, y) -> x + "+" + y).toStream().to("left", Produced.with(S, S));
    l.outerJoin(r, (x, y) -> x + "+" + y).toStream().to("outer", Produced.with(S, S));
    return b.build();
  }

  static Topology s71(Map<String, Object> extra) {
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, String> l = b.table("tl", Consumed.with(S, S));
    KTable<String, String> r = b.table("tr", Consumed.with(S, S));
    KTable<String, String> inner = l.join(r, (x, y) -> x + "+" + y, Named.as("tj"), Materialized.as("joined-store"));
    inner.toStream().to("inner", Produced.with(S, S));
    KTable<String, String> left = l.leftJoin(r, (x, y) -> x + "+" + y);
    left.toStream().to("left", Produced.with(S, S));
    stream(b).join(left, (v, tv) -> v + "/" + tv).to("viaGetter", Produced.with(S, S));
    inner.groupBy((k, v) -> new KeyValue<>(v.substring(0, 1), v), Grouped.with(S, S)).count().toStream()
        .to("counts", Produced.with(S, Serdes.Long()));
    extra.put("queryable", java.util.Arrays.asList(inner.queryableStoreName(), left.queryableStoreName()));
    extra.put("unnamedMaterialized", shape(x -> x.table("tl", Consumed.with(S, S))
        .outerJoin(x.table("tr", Consumed.with(S, S)), (p, q) -> p + q, Materialized.with(S, S))
        .toStream().to("out")));
    extra.put("namedOnly", shape(x -> x.table("tl", Consumed.with(S, S), Materialized.as("ml"))
        .leftJoin(x.table("tr", Consumed.with(S, S)).filter((k, v) -> v != null), (p, q) -> p + q, Named.as("lj"))
        .toStream().to("out")));
    return b.build();
  }

  static Topology s72(Map<String, Object> extra) {
    StreamsBuilder b = new StreamsBuilder();
    KGroupedStream<String, String> g1 = b.stream("in1", Consumed.with(S, S)).groupByKey();
    KGroupedStream<String, Long> g2 = b.stream("in2", Consumed.with(S, Serdes.Long())).groupByKey(Grouped.with(S, Serdes.Long()));
    KGroupedStream<String, String> g3 = b.stream("in3", Consumed.with(S, S)).groupBy((k, v) -> v, Grouped.with("g3", S, S));
    KTable<String, String> agg = g1.<String>cogroup((k, v, a) -> a + "+" + v)
        .cogroup(g2, (k, v, a) -> a + "#" + v)
        .cogroup(g3, (k, v, a) -> a + "@" + v)
        .aggregate(() -> "", Materialized.<String, String, org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("cogroup-store").withValueSerde(S));
    agg.toStream().to("out", Produced.with(S, S));
    extra.put("queryable", agg.queryableStoreName());
    extra.put("namedUnmaterialized", shape(x -> {
      KGroupedStream<String, String> a = x.stream("in1", Consumed.with(S, S)).selectKey((k, v) -> v).groupByKey();
      KGroupedStream<String, String> c = x.stream("in2", Consumed.with(S, S)).groupByKey();
      a.<String>cogroup((k, v, agg2) -> agg2 + v).cogroup(c, (k, v, agg2) -> agg2 + v)
          .aggregate(() -> "", Named.as("cg"), Materialized.with(S, S)).toStream().to("out");
    }));
    extra.put("twoRepartitions", shape(x -> {
      KGroupedStream<String, String> a = x.stream("in1", Consumed.with(S, S)).selectKey((k, v) -> v).groupByKey();
      KGroupedStream<String, String> c = x.stream("in2", Consumed.with(S, S)).selectKey((k, v) -> v).groupByKey(Grouped.as("c"));
      a.<String>cogroup((k, v, agg2) -> agg2 + v).cogroup(c, (k, v, agg2) -> agg2 + v)
          .aggregate(() -> "").toStream().to("out");
    }));
    return b.build();
  }

  static Topology s73(Map<String, Object> extra) {
    StreamsBuilder b = new StreamsBuilder();
    KGroupedStream<String, String> g1 = b.stream("in1", Consumed.with(S, S)).groupByKey();
    KGroupedStream<String, Long> g2 = b.stream("in2", Consumed.with(S, Serdes.Long())).groupByKey(Grouped.with(S, Serdes.Long()));
    g1.<String>cogroup((k, v, a) -> a + "+" + v)
        .cogroup(g2, (k, v, a) -> a + "#" + v)
        .windowedBy(TimeWindows.ofSizeWithNoGrace(ms(10)))
        .aggregate(() -> "", Materialized.<String, String, WindowStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("cw-store").withValueSerde(S))
        .toStream().to("out", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 10), S));
    g1.<String>cogroup((k, v, a) -> a + "+" + v)
        .cogroup(g2, (k, v, a) -> a + "#" + v)
        .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(ms(5)))
        .aggregate(() -> "", (k, a1, a2) -> a1 + "|" + a2, Named.as("cs"), Materialized.with(S, S))
        .toStream().to("sessions", Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(String.class), S));
    return b.build();
  }

  static String fk(String v) {
    int i = v.indexOf(':');
    return i < 0 ? null : v.substring(0, i);
  }

  static Topology s74(Map<String, Object> extra) {
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, String> orders = b.table("orders", Consumed.with(S, S));
    KTable<String, String> products = b.table("products", Consumed.with(S, S));
    orders.join(products, JoinScenarios::fk, (o, p) -> o + "/" + p).toStream().to("inner", Produced.with(S, S));
    orders.leftJoin(products, JoinScenarios::fk, (o, p) -> o + "/" + p).toStream().to("left", Produced.with(S, S));
    extra.put("named", shape(x -> x.table("orders", Consumed.with(S, S))
        .join(x.table("products", Consumed.with(S, S)), JoinScenarios::fk, (o, p) -> o + "/" + p,
            org.apache.kafka.streams.kstream.TableJoined.as("fkj"), Materialized.as("fk-store"))
        .toStream().to("out")));
    return b.build();
  }

  static Topology s75() {
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, String> orders = b.table("orders", Consumed.with(S, S));
    KTable<String, String> products = b.table("products", Consumed.with(S, S));
    KTable<String, String> inner = orders.join(products, JoinScenarios::fk, (o, p) -> o + "/" + p,
        Materialized.<String, String, org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("fk-inner").withValueSerde(S));
    inner.toStream().to("inner", Produced.with(S, S));
    orders.leftJoin(products, JoinScenarios::fk, (o, p) -> o + "/" + p).toStream().to("left", Produced.with(S, S));
    inner.groupBy((k, v) -> new KeyValue<>(v.substring(v.indexOf('/') + 1), v), Grouped.with(S, S)).count().toStream()
        .to("counts", Produced.with(S, Serdes.Long()));
    return b.build();
  }
}
