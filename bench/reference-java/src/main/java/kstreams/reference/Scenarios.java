package kstreams.reference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KGroupedTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** The topologies of test/conformance/SCENARIOS.md, one method per scenario. */
final class Scenarios {

  private Scenarios() {}

  private static final Serde<String> S = Serdes.String();
  private static final Serde<Long> L = Serdes.Long();

  static final Map<String, Scenario> ALL = new LinkedHashMap<>();

  static {
    ALL.put("s01-stateless-chain", x -> s01());
    ALL.put("s02-word-count", x -> s02());
    ALL.put("s03-stateless-ops", x -> s03());
    ALL.put("s04-branching", Scenarios::s04);
    ALL.put("s05-merge-multi-pattern", x -> s05());
    ALL.put("s06-auto-repartition", x -> s06());
    ALL.put("s07-groupby-named", x -> s07());
    ALL.put("s08-repartition-explicit", x -> s08());
    ALL.put("s09-topic-extractor", x -> s09());
    ALL.put("s10-to-table", x -> s10());
    ALL.put("s11-table-ops", Scenarios::s11);
    ALL.put("s12-table-unmaterialized", x -> s12());
    ALL.put("s13-table-groupby-count", x -> s13());
    ALL.put("s14-table-groupby-reduce-aggregate", x -> s14());
    ALL.put("s15-stream-reduce-aggregate", x -> s15());
    ALL.put("s16-processor-api", x -> s16());
    ALL.put("s17-process-with-store", x -> s17());
    ALL.put("s18-describe-shapes", Scenarios::s18);
    ALL.put("s19-store-byte-order", new S19());
    ALL.put("s20-naming", Scenarios::s20);
    ALL.put("s21-materialized-with-serdes", Scenarios::s21);
    ALL.put("s22-to-table-unmaterialized", Scenarios::s22);
    ALL.put("s23-repartition-flag", x -> s23());
    ALL.put("s24-merge-repartition", x -> s24());
    ALL.put("s25-null-keys", x -> s25());
    ALL.put("s26-headers", x -> s26());
    ALL.put("s27-timestamp-extractor", x -> s27());
    ALL.put("s28-papi-routing", x -> s28());
    ALL.put("s29-table-filter-chain", x -> s29());
    ALL.put("s30-table-mapvalues-materialized", Scenarios::s30);
    ALL.put("s31-caching-disabled", x -> s31());
    ALL.put("s32-caching-enabled", x -> s32());
    WindowScenarios.register(ALL);
    JoinScenarios.register(ALL);
  }

  // ---------------------------------------------------------------- stateless

  static Topology s01() {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("input", Consumed.with(S, S))
        .filter((k, v) -> v != null && !v.startsWith("x"))
        .mapValues(v -> v.toUpperCase())
        .to("output", Produced.with(S, S));
    return b.build();
  }

  static Topology s02() {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("words", Consumed.with(S, S))
        .groupByKey()
        .count(Materialized.as("counts"))
        .toStream()
        .to("word-counts", Produced.with(S, L));
    return b.build();
  }

  static Topology s03() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> s = b.stream("input", Consumed.with(S, S));
    s.flatMapValues(v -> Arrays.asList(v.split(" "))).to("fmv", Produced.with(S, S));
    s.flatMap(
            (k, v) ->
                Arrays.asList(
                    KeyValue.pair(k + "1", v), KeyValue.pair(k + "2", String.valueOf(v.length()))))
        .to("fm", Produced.with(S, S));
    s.map((k, v) -> KeyValue.pair(v, k)).to("map", Produced.with(S, S));
    s.selectKey((k, v) -> v.substring(0, 1)).to("selectkey", Produced.with(S, S));
    s.filterNot((k, v) -> v.contains("b"))
        .peek((k, v) -> {})
        .to("filternot", Produced.with(S, S));
    s.foreach((k, v) -> {});
    return b.build();
  }

  static Topology s04(Map<String, Object> extra) {
    StreamsBuilder b = new StreamsBuilder();
    Map<String, KStream<String, Long>> m =
        b.stream("input", Consumed.with(S, L))
            .split(Named.as("split-"))
            .branch((k, v) -> v < 0, Branched.as("neg"))
            .branch((k, v) -> v == 0, Branched.withConsumer(ks -> ks.to("zero", Produced.with(S, L))))
            .branch(
                (k, v) -> v > 100,
                Branched.withFunction(ks -> ks.mapValues(v -> v * 2), "big"))
            .defaultBranch(Branched.as("rest"));
    m.get("split-neg").to("neg", Produced.with(S, L));
    m.get("split-big").to("big", Produced.with(S, L));
    m.get("split-rest").to("rest", Produced.with(S, L));
    extra.put("branchNames", new ArrayList<>(new TreeSet<>(m.keySet())));
    return b.build();
  }

  static Topology s05() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> a = b.stream(List.of("in-a", "in-b"), Consumed.with(S, S));
    KStream<String, String> p = b.stream(Pattern.compile("pat-.*"), Consumed.with(S, S));
    a.merge(p).to("merged", Produced.with(S, S));
    return b.build();
  }

  // ---------------------------------------------------------------- repartitioning

  static Topology s06() {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("input", Consumed.with(S, S))
        .selectKey((k, v) -> v)
        .groupByKey()
        .count()
        .toStream()
        .to("output", Produced.with(S, L));
    return b.build();
  }

  static Topology s07() {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("input", Consumed.with(S, S))
        .groupBy((k, v) -> v, Grouped.with("by-value", S, S))
        .count(Materialized.as("counts-by-value"))
        .toStream()
        .to("output", Produced.with(S, L));
    return b.build();
  }

  static Topology s08() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> s = b.stream("input", Consumed.with(S, S));
    s.repartition(Repartitioned.as("rp")).mapValues(v -> v + "!").to("output", Produced.with(S, S));
    s.repartition().to("output2", Produced.with(S, S));
    return b.build();
  }

  /**
   * s09's extractor: "out-" + first char of the value. A named class (rather than a lambda) only
   * so that describe() prints a stable name instead of a per-run lambda class + identity hash
   * (s09's describe is not compared anyway).
   */
  static final class FirstCharExtractor implements TopicNameExtractor<String, String> {
    @Override
    public String extract(String key, String value, RecordContext recordContext) {
      return "out-" + value.charAt(0);
    }

    @Override
    public String toString() {
      return getClass().getName();
    }
  }

  static Topology s09() {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("input", Consumed.with(S, S)).to(new FirstCharExtractor(), Produced.with(S, S));
    return b.build();
  }

  // ---------------------------------------------------------------- tables

  static Topology s10() {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("input", Consumed.with(S, S))
        .toTable(Materialized.as("tt"))
        .toStream()
        .to("output", Produced.with(S, S));
    return b.build();
  }

  static Topology s11(Map<String, Object> extra) {
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, String> t = b.table("t-in", Consumed.with(S, S), Materialized.as("t-store"));
    KTable<String, String> filtered = t.filter((k, v) -> !v.startsWith("x"));
    filtered.toStream().to("filtered", Produced.with(S, S));
    KTable<String, String> filterNot =
        t.filterNot((k, v) -> v.startsWith("x"), Materialized.as("fn-store"));
    filterNot.toStream().to("filternot", Produced.with(S, S));
    KTable<String, String> upper = t.mapValues(v -> v.toUpperCase());
    upper.toStream().to("upper", Produced.with(S, S));
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("t", t.queryableStoreName());
    q.put("filtered", filtered.queryableStoreName());
    q.put("filterNot", filterNot.queryableStoreName());
    q.put("mapValues", upper.queryableStoreName());
    extra.put("queryableStoreNames", q);
    return b.build();
  }

  static Topology s12() {
    StreamsBuilder b = new StreamsBuilder();
    b.table("t-in", Consumed.with(S, S))
        .filter((k, v) -> v.length() > 2)
        .toStream()
        .to("out", Produced.with(S, S));
    return b.build();
  }

  static Topology s13() {
    StreamsBuilder b = new StreamsBuilder();
    b.table("user-regions", Consumed.with(S, S), Materialized.as("user-regions-store"))
        .groupBy((user, region) -> KeyValue.pair(region, user), Grouped.with(S, S))
        .count(Materialized.as("region-counts"))
        .toStream()
        .to("region-counts", Produced.with(S, L));
    return b.build();
  }

  static Topology s14() {
    StreamsBuilder b = new StreamsBuilder();
    KGroupedTable<String, Long> g =
        b.table("amounts", Consumed.with(S, L))
            .groupBy((k, v) -> KeyValue.pair(k.substring(0, 1), v), Grouped.with(S, L));
    g.reduce((a, v) -> a + v, (a, v) -> a - v, Materialized.as("sum"))
        .toStream()
        .to("sum", Produced.with(S, L));
    g.aggregate(
            () -> "",
            (k, v, agg) -> agg + "+" + v,
            (k, v, agg) -> agg + "-" + v,
            Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("agg")
                .withValueSerde(S))
        .toStream()
        .to("agg", Produced.with(S, S));
    return b.build();
  }

  static Topology s15() {
    StreamsBuilder b = new StreamsBuilder();
    KGroupedStream<String, Long> g =
        b.stream("input", Consumed.with(S, L)).groupByKey(Grouped.with(S, L));
    g.reduce((a, c) -> a + c, Materialized.as("reduced"))
        .toStream()
        .to("reduced", Produced.with(S, L));
    g.aggregate(
            () -> "",
            (k, v, agg) -> agg + "," + v,
            Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("aggregated")
                .withValueSerde(S))
        .toStream()
        .to("aggregated", Produced.with(S, S));
    return b.build();
  }

  // ---------------------------------------------------------------- Processor API

  /** s16: sums values per key; punctuates on stream time (dump store) and wall clock (count). */
  static final class SumProcessor implements Processor<String, Long, String, Long> {
    private ProcessorContext<String, Long> context;
    private KeyValueStore<String, Long> store;

    @Override
    public void init(ProcessorContext<String, Long> context) {
      this.context = context;
      this.store = context.getStateStore("sums");
      context.schedule(
          Duration.ofMillis(10),
          PunctuationType.STREAM_TIME,
          ts -> {
            try (KeyValueIterator<String, Long> it = store.all()) {
              while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                this.context.forward(new Record<>(kv.key, kv.value, ts));
              }
            }
          });
      context.schedule(
          Duration.ofMillis(1000),
          PunctuationType.WALL_CLOCK_TIME,
          ts -> this.context.forward(new Record<>("wall", store.approximateNumEntries(), ts)));
    }

    @Override
    public void process(Record<String, Long> record) {
      Long current = store.get(record.key());
      store.put(record.key(), (current == null ? 0L : current) + record.value());
    }
  }

  static Topology s16() {
    Topology t = new Topology();
    t.addSource("Source", S.deserializer(), L.deserializer(), "input");
    t.addProcessor("Sum", SumProcessor::new, "Source");
    t.addStateStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("sums"), S, L)
            .withLoggingDisabled(),
        "Sum");
    t.addSink("Sink", "output", S.serializer(), L.serializer(), "Sum");
    return t;
  }

  /** s17: forwards the first record seen for each value, re-keyed by the value. */
  static final class Dedup implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> context;
    private KeyValueStore<String, Long> store;

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
      this.store = context.getStateStore("seen");
    }

    @Override
    public void process(Record<String, String> record) {
      if (store.get(record.value()) == null) {
        store.put(record.value(), record.timestamp());
        context.forward(record.withKey(record.value()));
      }
    }
  }

  /** s17: appends "@timestamp" to the value. */
  static final class Stamp implements FixedKeyProcessor<String, String, String> {
    private FixedKeyProcessorContext<String, String> context;

    @Override
    public void init(FixedKeyProcessorContext<String, String> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, String> record) {
      context.forward(record.withValue(record.value() + "@" + record.timestamp()));
    }
  }

  static Topology s17() {
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("seen"), S, L));
    b.stream("input", Consumed.with(S, S))
        .process(Dedup::new, "seen")
        .processValues(Stamp::new)
        .to("output", Produced.with(S, S));
    return b.build();
  }

  /** Forwards every record unchanged. */
  static final class Identity<K, V> implements Processor<K, V, K, V> {
    private ProcessorContext<K, V> context;

    @Override
    public void init(ProcessorContext<K, V> context) {
      this.context = context;
    }

    @Override
    public void process(Record<K, V> record) {
      context.forward(record);
    }
  }

  /** Forwards every record unchanged (fixed key). */
  static final class IdentityValues<K, V> implements FixedKeyProcessor<K, V, V> {
    private FixedKeyProcessorContext<K, V> context;

    @Override
    public void init(FixedKeyProcessorContext<K, V> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<K, V> record) {
      context.forward(record);
    }
  }

  static Topology s18(Map<String, Object> extra) {
    StreamsBuilder b = new StreamsBuilder();
    b.globalTable("global-in", Materialized.as("global-store"));
    KStream<String, String> s =
        b.stream("a", Consumed.with(S, S)).map((k, v) -> KeyValue.pair(v, k));
    s.groupByKey(Grouped.as("g1")).count();
    s.groupByKey().count();
    Topology main = b.build();

    StreamsBuilder bp = new StreamsBuilder();
    bp.stream("in", Consumed.with(S, S))
        .process(Identity<String, String>::new)
        .groupByKey()
        .count();
    extra.put("describeProcess", bp.build().describe().toString());

    StreamsBuilder bv = new StreamsBuilder();
    bv.stream("in", Consumed.with(S, S))
        .processValues(IdentityValues<String, String>::new)
        .groupByKey()
        .count();
    extra.put("describeProcessValues", bv.build().describe().toString());
    return main;
  }

  /** s19: puts every record into the named store. */
  static final class Put<K, V> implements Processor<K, V, Void, Void> {
    private final String storeName;
    private KeyValueStore<K, V> store;

    Put(String storeName) {
      this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<K, V> record) {
      store.put(record.key(), record.value());
    }
  }

  static final class S19 implements Scenario {
    @Override
    public Topology build(Map<String, Object> extra) {
      Topology t = new Topology();
      t.addSource("Source", L.deserializer(), S.deserializer(), "longs-in");
      t.addProcessor("PutL", () -> new Put<Long, String>("longs"), "Source");
      t.addStateStore(
          Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("longs"), L, S), "PutL");
      t.addSource("Source2", S.deserializer(), S.deserializer(), "strings-in");
      t.addProcessor("PutS", () -> new Put<String, String>("strings"), "Source2");
      t.addStateStore(
          Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("strings"), S, S), "PutS");
      return t;
    }

    @Override
    public void after(TopologyTestDriver driver, Map<String, Object> extra) {
      KeyValueStore<Long, String> longs = driver.getKeyValueStore("longs");
      KeyValueStore<String, String> strings = driver.getKeyValueStore("strings");
      extra.put("longsRange0to300", Golden.entries(longs.range(0L, 300L)));
      extra.put("longsRange1toMinus1", Golden.entries(longs.range(1L, -1L)));
      extra.put("longsReverseAll", Golden.entries(longs.reverseAll()));
      extra.put("stringsPrefixA", Golden.entries(strings.prefixScan("a", S.serializer())));
      extra.put("stringsReverseRange", Golden.entries(strings.reverseRange("a", "b")));
    }
  }

  // ---------------------------------------------------------------- s20 and later (dsl-more.test.ts)

  static Topology s20(Map<String, Object> extra) {
    extra.put("describeNamedOps", describeNamedOps());
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, String> t = b.table("t-in", Consumed.with(S, S).withName("src"));
    t.groupBy((k, v) -> KeyValue.pair(v, k), Grouped.with(S, S))
        .count(Named.as("n"))
        .toStream()
        .to("t-counts", Produced.with(S, L));
    t.groupBy((k, v) -> KeyValue.pair(k + v, v), Grouped.with("grp", S, S))
        .count(Named.as("n2"))
        .toStream()
        .to("t-counts2", Produced.with(S, L));
    b.stream("s-in", Consumed.with(S, S).withName("s-src"))
        .groupByKey()
        .count(Named.as("sc"))
        .toStream()
        .to("s-counts", Produced.with(S, L));
    return b.build();
  }

  /**
   * s20's extra: every operator given a Named (or Consumed/Produced/Grouped name), each followed by an
   * unnamed operator whose generated index shows whether the named one still drew an index.
   */
  static String describeNamedOps() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> s = b.stream("n-in", Consumed.with(S, S).withName("n-src"));
    KStream<String, String> s1 =
        s.filter((k, v) -> true, Named.as("n-filter"))
            .mapValues(v -> v)
            .filterNot((k, v) -> false, Named.as("n-filternot"))
            .mapValues(v -> v)
            .mapValues(v -> v, Named.as("n-mapvalues"))
            .mapValues(v -> v)
            .peek((k, v) -> {}, Named.as("n-peek"))
            .mapValues(v -> v)
            .flatMapValues(v -> List.of(v), Named.as("n-fmv"))
            .mapValues(v -> v)
            .processValues(IdentityValues<String, String>::new, Named.as("n-pv"))
            .mapValues(v -> v);
    s1.foreach((k, v) -> {}, Named.as("n-foreach"));
    KStream<String, String> s2 =
        s1.map(KeyValue::pair, Named.as("n-map"))
            .mapValues(v -> v)
            .selectKey((k, v) -> k, Named.as("n-selectkey"))
            .mapValues(v -> v)
            .flatMap((k, v) -> List.of(KeyValue.pair(k, v)), Named.as("n-flatmap"))
            .mapValues(v -> v)
            .process(Identity<String, String>::new, Named.as("n-process"))
            .mapValues(v -> v);
    KStream<String, String> m = s1.merge(s2, Named.as("n-merge")).mapValues(v -> v);
    m.to("n-out", Produced.with(S, S).withName("n-sink"));
    m.mapValues(v -> v).to("n-out2");
    KGroupedStream<String, String> g = s1.groupByKey();
    g.count(Named.as("n-count"))
        .toStream(Named.as("n-tostream"))
        .mapValues(v -> v)
        .to("x1", Produced.with(S, L));
    g.reduce(
            (a, c) -> a + c,
            Named.as("n-reduce"),
            Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("n-reduce-store"))
        .toStream()
        .to("x2");
    g.aggregate(
            () -> "",
            (k, v, a) -> a + v,
            Named.as("n-agg"),
            Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("n-agg-store"))
        .toStream()
        .to("x3");
    m.toTable(
            Named.as("n-totable"),
            Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("n-totable-store"))
        .toStream()
        .to("x4");
    KTable<String, String> t = b.table("n-t-in", Consumed.with(S, S).withName("n-tsrc"));
    KTable<String, String> t2 =
        t.filter((k, v) -> true, Named.as("n-tfilter"))
            .mapValues(v -> v)
            .filterNot((k, v) -> false, Named.as("n-tfilternot"))
            .mapValues(v -> v)
            .mapValues(v -> v, Named.as("n-tmapvalues"))
            .mapValues(v -> v);
    t2.toStream(Named.as("n-ttostream")).to("x5");
    KGroupedTable<String, String> gt = t2.groupBy(KeyValue::pair, Grouped.with(S, S));
    gt.reduce(
            (a, c) -> a + c,
            (a, c) -> a,
            Named.as("n-treduce"),
            Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("n-treduce-store"))
        .toStream()
        .to("x6");
    gt.aggregate(
            () -> "",
            (k, v, a) -> a + v,
            (k, v, a) -> a,
            Named.as("n-tagg"),
            Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("n-tagg-store"))
        .toStream()
        .to("x7");
    s.repartition(Repartitioned.as("n-rp")).mapValues(v -> v).to("x8");
    return b.build().describe().toString();
  }

  static Topology s21(Map<String, Object> extra) {
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, Long> counts =
        b.stream("input", Consumed.with(S, S)).groupByKey().count(Materialized.with(S, L));
    counts.toStream().to("counts", Produced.with(S, L));
    KTable<String, String> t = b.table("t-in", Consumed.with(S, S));
    KTable<String, String> f = t.filter((k, v) -> v.length() > 1, Materialized.with(S, S));
    f.toStream().to("filtered", Produced.with(S, S));
    KTable<String, String> m = t.mapValues(v -> v + "!", Materialized.with(S, S));
    m.toStream().to("mapped", Produced.with(S, S));
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("counts", counts.queryableStoreName());
    q.put("filter", f.queryableStoreName());
    q.put("mapValues", m.queryableStoreName());
    q.put("source", t.queryableStoreName());
    extra.put("queryableStoreNames", q);
    extra.put("describeUnnamedMaterialized", describeUnnamedMaterialized());
    return b.build();
  }

  /** s21's extra: every stateful operator given a Materialized without a store name. */
  static String describeUnnamedMaterialized() {
    StreamsBuilder b = new StreamsBuilder();
    KGroupedStream<String, String> g = b.stream("in", Consumed.with(S, S)).groupByKey();
    g.count(Materialized.with(S, L)).toStream().to("o1", Produced.with(S, L));
    g.count(Named.as("c2"), Materialized.with(S, L)).toStream().to("o2", Produced.with(S, L));
    g.reduce((a, c) -> a + c, Materialized.with(S, S)).toStream().to("o3");
    g.aggregate(() -> "", (k, v, a) -> a + v, Materialized.with(S, S)).toStream().to("o4");
    KTable<String, String> t = b.table("t", Consumed.with(S, S), Materialized.with(S, S));
    t.toStream().to("o5");
    KGroupedTable<String, String> gt = t.groupBy(KeyValue::pair, Grouped.with(S, S));
    gt.count(Materialized.with(S, L)).toStream().to("o6", Produced.with(S, L));
    gt.reduce((a, c) -> a + c, (a, c) -> a, Materialized.with(S, S)).toStream().to("o7");
    gt.aggregate(() -> "", (k, v, a) -> a + v, (k, v, a) -> a, Materialized.with(S, S))
        .toStream()
        .to("o8");
    b.stream("in2", Consumed.with(S, S)).toTable(Materialized.with(S, S)).toStream().to("o9");
    return b.build().describe().toString();
  }

  static Topology s22(Map<String, Object> extra) {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> s = b.stream("input", Consumed.with(S, S));
    KTable<String, String> plain = s.toTable();
    plain.toStream().to("plain", Produced.with(S, S));
    KStream<String, String> rekeyed = s.selectKey((k, v) -> k == null ? null : k.toUpperCase());
    KTable<String, String> t1 = rekeyed.toTable();
    t1.toStream().to("rekeyed", Produced.with(S, S));
    KTable<String, String> t2 = rekeyed.toTable(Named.as("tt"));
    t2.toStream().to("rekeyed-named", Produced.with(S, S));
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("plain", plain.queryableStoreName());
    q.put("rekeyed", t1.queryableStoreName());
    q.put("rekeyedNamed", t2.queryableStoreName());
    extra.put("queryableStoreNames", q);
    return b.build();
  }

  static Topology s23() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> s = b.stream("input", Consumed.with(S, S));
    s.mapValues(v -> v + "!").groupByKey().count().toStream().to("mv-count", Produced.with(S, L));
    s.map((k, v) -> KeyValue.pair(v, k))
        .mapValues(v -> v + "?")
        .groupByKey()
        .count()
        .toStream()
        .to("map-count", Produced.with(S, L));
    s.selectKey((k, v) -> v)
        .peek((k, v) -> {})
        .filter((k, v) -> true)
        .groupByKey(Grouped.as("g"))
        .count()
        .toStream()
        .to("sk-count", Produced.with(S, L));
    s.flatMapValues(v -> List.of(v))
        .groupByKey(Grouped.as("unused"))
        .count()
        .toStream()
        .to("fmv-count", Produced.with(S, L));
    return b.build();
  }

  static Topology s24() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> a = b.stream("in-a", Consumed.with(S, S));
    KStream<String, String> r = b.stream("in-b", Consumed.with(S, S)).selectKey((k, v) -> v);
    a.merge(r)
        .groupByKey()
        .count(Materialized.as("merged-counts"))
        .toStream()
        .to("merged", Produced.with(S, L));
    b.stream("in-c", Consumed.with(S, S))
        .merge(a)
        .groupByKey()
        .reduce((x, y) -> x + y, Materialized.as("plain-reduce"))
        .toStream()
        .to("reduced", Produced.with(S, S));
    return b.build();
  }

  static Topology s25() {
    StreamsBuilder b = new StreamsBuilder();
    b.table("t-in", Consumed.with(S, S)).toStream().to("t-out", Produced.with(S, S));
    KStream<String, String> s = b.stream("input", Consumed.with(S, S));
    s.repartition().to("rp-out", Produced.with(S, S));
    s.groupBy((k, v) -> v.equals("none") ? null : v)
        .count(Materialized.as("by-value"))
        .toStream()
        .to("gb-out", Produced.with(S, L));
    s.mapValues(v -> v + "!").to("mv-out", Produced.with(S, S));
    return b.build();
  }

  /** s26: adds header "added"="yes" by mutating the record's headers in place. */
  static final class AddHeader implements FixedKeyProcessor<String, String, String> {
    private FixedKeyProcessorContext<String, String> context;

    @Override
    public void init(FixedKeyProcessorContext<String, String> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, String> record) {
      record.headers().add("added", "yes".getBytes(StandardCharsets.UTF_8));
      context.forward(record.withValue(record.value() + "+"));
    }
  }

  /** s26: adds header "p"="1" in place and forwards the same record. */
  static final class AddHeaderInPlace implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> context;

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, String> record) {
      record.headers().add("p", "1".getBytes(StandardCharsets.UTF_8));
      context.forward(record);
    }
  }

  static Topology s26() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, String> s = b.stream("input", Consumed.with(S, S));
    s.processValues(AddHeader::new).to("added", Produced.with(S, S));
    s.mapValues(v -> v.toUpperCase()).to("upper", Produced.with(S, S));
    s.repartition(Repartitioned.as("hr")).to("repartitioned", Produced.with(S, S));
    s.groupByKey().count().toStream().to("counts", Produced.with(S, L));
    KStream<String, String> s2 = b.stream("input2", Consumed.with(S, S));
    s2.process(AddHeaderInPlace::new).to("added2", Produced.with(S, S));
    s2.mapValues(v -> v.toUpperCase()).to("upper2", Produced.with(S, S));
    s2.filter((k, v) -> true).to("filtered2", Produced.with(S, S));
    return b.build();
  }

  /** s27: the value is the timestamp; a null or negative value takes the partition time. */
  static final class ValueTimestamp implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
      Long v = (Long) record.value();
      return v == null || v < 0 ? partitionTime : v;
    }
  }

  static Topology s27() {
    StreamsBuilder b = new StreamsBuilder();
    KStream<String, Long> s =
        b.stream("input", Consumed.with(S, L).withTimestampExtractor(new ValueTimestamp()));
    s.to("stamped", Produced.with(S, L));
    s.groupByKey().reduce(Long::sum, Materialized.as("sums")).toStream().to("sums", Produced.with(S, L));
    return b.build();
  }

  /** s28: routes by the value's first letter to a named child; anything else to all children. */
  static final class Router implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> context;

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, String> record) {
      switch (record.value().charAt(0)) {
        case 'u':
          context.forward(record, "Upper");
          break;
        case 'l':
          context.forward(record, "Lower");
          break;
        case 'r':
          context.forward(record, "RawSink");
          break;
        case 'd':
          context.forward(record.withValue(record.value() + "1"), "Upper");
          context.forward(record.withValue(record.value() + "2"), "Lower");
          break;
        default:
          context.forward(record);
      }
    }
  }

  /** s28: maps the value to upper or lower case. */
  static final class CaseMapper implements Processor<String, String, String, String> {
    private final boolean upper;
    private ProcessorContext<String, String> context;

    CaseMapper(boolean upper) {
      this.upper = upper;
    }

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, String> record) {
      String v = upper ? record.value().toUpperCase() : record.value().toLowerCase();
      context.forward(record.withValue(v));
    }
  }

  /** s28: appends the record's metadata (topic/partition/offset) and timestamp to the value. */
  static final class Meta implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> context;

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, String> record) {
      RecordMetadata m = context.recordMetadata().orElseThrow();
      context.forward(
          record.withValue(
              record.value() + "|" + m.topic() + "/" + m.partition() + "/" + m.offset() + "@"
                  + record.timestamp()));
    }
  }

  static Topology s28() {
    Topology t = new Topology();
    t.addSource("Source", S.deserializer(), S.deserializer(), "input");
    t.addSource("Source2", S.deserializer(), S.deserializer(), "input2");
    t.addProcessor("Router", Router::new, "Source");
    t.addProcessor("Upper", () -> new CaseMapper(true), "Router");
    t.addProcessor("Lower", () -> new CaseMapper(false), "Router");
    t.addProcessor("Meta", Meta::new, "Upper", "Lower", "Source2");
    t.addSink("RawSink", "raw", S.serializer(), S.serializer(), "Router");
    t.addSink("MetaSink", "meta", "Meta");
    t.addSink("UpperSink", "upper", S.serializer(), S.serializer(), "Upper");
    return t;
  }

  static Topology s29() {
    StreamsBuilder b = new StreamsBuilder();
    b.table("t1", Consumed.with(S, S))
        .filter((k, v) -> v.length() > 1)
        .filter((k, v) -> !v.startsWith("x"))
        .toStream()
        .to("chain1", Produced.with(S, S));
    b.table("t2", Consumed.with(S, S), Materialized.as("t2-store"))
        .filter((k, v) -> v.length() > 1)
        .filter((k, v) -> !v.startsWith("x"))
        .toStream()
        .to("chain2", Produced.with(S, S));
    return b.build();
  }

  static Topology s30(Map<String, Object> extra) {
    StreamsBuilder b = new StreamsBuilder();
    KTable<String, String> t = b.table("t-in", Consumed.with(S, S));
    KTable<String, String> m =
        t.mapValues((k, v) -> k + ":" + v, Materialized.as("mv-store"));
    m.toStream().to("mapped", Produced.with(S, S));
    KTable<String, String> f = m.filter((k, v) -> !v.endsWith("x"));
    f.toStream().to("filtered", Produced.with(S, S));
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("source", t.queryableStoreName());
    q.put("mapValues", m.queryableStoreName());
    q.put("filter", f.queryableStoreName());
    extra.put("queryableStoreNames", q);
    return b.build();
  }

  static Topology s31() {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("input", Consumed.with(S, S))
        .flatMapValues(v -> List.of(v, v))
        .groupByKey()
        .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("uncached").withCachingDisabled())
        .toStream()
        .to("uncached", Produced.with(S, L));
    b.table("t-cached-in", Consumed.with(S, S), Materialized.as("t-cached"))
        .toStream()
        .to("t-cached", Produced.with(S, S));
    b.table(
            "t-uncached-in",
            Consumed.with(S, S),
            Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("t-uncached")
                .withCachingDisabled())
        .toStream()
        .to("t-uncached", Produced.with(S, S));
    return b.build();
  }

  static Topology s32() {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("input", Consumed.with(S, S))
        .flatMapValues(v -> List.of(v, v))
        .groupByKey()
        .count(Materialized.as("cached"))
        .toStream()
        .to("cached", Produced.with(S, L));
    return b.build();
  }
}
