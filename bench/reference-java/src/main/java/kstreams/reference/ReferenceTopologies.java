package kstreams.reference;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.ValueJoiner;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The reference topologies of issue 8, declared with Apache Kafka Streams. bench/reference/topologies.ts
 * declares the same ones with kstreams-ts: same topic names, serdes and store names, so that the
 * differential conformance test (DriverRunner) and the broker benchmarks compare like with like.
 *
 * <p>Store types follow {@code default.dsl.store} in the given properties ({@code rocksDB}, the default,
 * or {@code in_memory}); order-fill's Processor API stores follow the same setting.
 */
public final class ReferenceTopologies {

  /** Every topology name {@link #build} accepts. */
  public static final List<String> NAMES =
      List.of(
          "stateless",
          "count",
          "hopping-count",
          "stream-join",
          "stream-left-join",
          "stream-outer-join",
          "order-fill");

  /** Value format of a topic: "string", "long" or "json" (keys are always strings). */
  private static final Map<String, String> VALUE_FORMATS =
      Map.of(
          "input", "string",
          "left", "string",
          "right", "string",
          "orders", "json",
          "fills", "json",
          "order-state", "json",
          "orders-filled", "json",
          "order-anomalies", "json");

  static final long HOPPING_SIZE_MS = 60_000;
  static final long HOPPING_ADVANCE_MS = 10_000;
  static final long HOPPING_GRACE_MS = 30_000;
  static final long JOIN_DIFFERENCE_MS = 100;
  static final long JOIN_BEFORE_MS = 60;
  static final long JOIN_GRACE_MS = 50;
  static final long UNKNOWN_ORDER_GRACE_MS = 60_000;
  static final long UNKNOWN_ORDER_CHECK_INTERVAL_MS = 1_000;

  private static final Serde<String> S = Serdes.String();
  private static final Serde<Long> L = Serdes.Long();
  static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private ReferenceTopologies() {}

  public static List<String> inputTopics(String name) {
    switch (check(name)) {
      case "stream-join":
      case "stream-left-join":
      case "stream-outer-join":
        return List.of("left", "right");
      case "order-fill":
        return List.of("orders", "fills");
      default:
        return List.of("input");
    }
  }

  public static List<String> outputTopics(String name) {
    return check(name).equals("order-fill")
        ? List.of("order-state", "orders-filled", "order-anomalies")
        : List.of("output");
  }

  /**
   * How a topic's values are encoded: "string" (UTF-8), "long" (8-byte big-endian) or "json" (UTF-8
   * JSON). `output` is "long" for the counts and "string" otherwise.
   */
  public static String valueFormat(String name, String topic) {
    if (topic.equals("output")) {
      return name.equals("count") || name.equals("hopping-count") ? "long" : "string";
    }
    String f = VALUE_FORMATS.get(topic);
    if (f == null) throw new IllegalArgumentException("unknown topic " + topic);
    return f;
  }

  public static Topology build(String name, Properties props) {
    StreamsBuilder b = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
    switch (check(name)) {
      case "stateless":
        b.stream("input", Consumed.with(S, S))
            .filter((k, v) -> v != null && !v.endsWith("7"))
            .mapValues(v -> v.toUpperCase())
            .to("output", Produced.with(S, S));
        break;
      case "count":
        b.stream("input", Consumed.with(S, S))
            .groupByKey()
            .count(Materialized.as("counts"))
            .toStream()
            .to("output", Produced.with(S, L));
        break;
      case "hopping-count":
        b.stream("input", Consumed.with(S, S))
            .groupByKey()
            .windowedBy(
                TimeWindows.ofSizeAndGrace(
                        Duration.ofMillis(HOPPING_SIZE_MS), Duration.ofMillis(HOPPING_GRACE_MS))
                    .advanceBy(Duration.ofMillis(HOPPING_ADVANCE_MS)))
            .count(Materialized.as("hopping-counts"))
            .toStream()
            .map((wk, v) -> KeyValue.pair(wk.key() + "@" + wk.window().start(), v))
            .to("output", Produced.with(S, L));
        break;
      case "stream-join":
      case "stream-left-join":
      case "stream-outer-join":
        streamJoin(b, name);
        break;
      case "order-fill":
        orderFill(b, "in_memory".equals(props.getProperty(StreamsConfig.DEFAULT_DSL_STORE_CONFIG)));
        break;
      default:
        throw new AssertionError(name);
    }
    return b.build(props);
  }

  private static String check(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown reference topology " + name + "; one of " + NAMES);
    }
    return name;
  }

  /**
   * left ⋈ right: a left record joins right records from 60 ms before to 100 ms after it (unequal
   * sides, so that mixing up before and after shows), 50 ms grace; stores `join-this-join-store` etc.
   */
  private static void streamJoin(StreamsBuilder b, String name) {
    KStream<String, String> left = b.stream("left", Consumed.with(S, S));
    KStream<String, String> right = b.stream("right", Consumed.with(S, S));
    JoinWindows windows =
        JoinWindows.ofTimeDifferenceAndGrace(
                Duration.ofMillis(JOIN_DIFFERENCE_MS), Duration.ofMillis(JOIN_GRACE_MS))
            .before(Duration.ofMillis(JOIN_BEFORE_MS));
    ValueJoiner<String, String, String> joiner = (l, r) -> l + "|" + r;
    StreamJoined<String, String, String> joined = StreamJoined.with(S, S, S).withStoreName("join");
    KStream<String, String> out;
    if (name.equals("stream-join")) out = left.join(right, joiner, windows, joined);
    else if (name.equals("stream-left-join")) out = left.leftJoin(right, joiner, windows, joined);
    else out = left.outerJoin(right, joiner, windows, joined);
    out.to("output", Produced.with(S, S));
  }

  // ---------------------------------------------------------------------------------------------
  // order-fill: a port of topologies/order-fill.ts (DOMAIN.md section 1); see that file for the
  // rules the contract leaves open. Field names are the JSON field names of topologies/records.ts.
  // Numbers that are JavaScript numbers there are doubles here, so arithmetic agrees.

  static final String STATE_STORE = "order-fill-state";
  static final String PENDING_STORE = "order-fill-pending";

  public static final class OrderEvent {
    public String orderId;
    public String parentOrderId;
    public String account;
    public String symbol;
    public String side;
    public double quantity;
    public Double limitPrice;
    public String eventType;
    public long eventTime;
  }

  public static final class Fill {
    public String fillId;
    public String orderId;
    public double quantity;
    public double price;
    public long eventTime;
  }

  public static final class OrderState {
    public String orderId;
    public String parentOrderId;
    public String account;
    public String symbol;
    public String side;
    public double quantity;
    public double filledQuantity;
    public Double averagePrice;
    public String status;
    public int fillCount;
    public long lastEventTime;
  }

  public static final class OrderAnomaly {
    public String orderId;
    public String kind;
    public String detail;
    public long eventTime;

    OrderAnomaly() {}

    OrderAnomaly(String orderId, String kind, String detail, long eventTime) {
      this.orderId = orderId;
      this.kind = kind;
      this.detail = detail;
      this.eventTime = eventTime;
    }
  }

  /** What the state store keeps per known order (OrderFillEntry in order-fill.ts). */
  public static final class Entry {
    public String orderId;
    public String parentOrderId;
    public String account;
    public String symbol;
    public String side;
    public double quantity;
    public Double limitPrice;
    public double filledQuantity;
    public double notional;
    public int fillCount;
    public String status;
    public long lastEventTime;
    public List<String> appliedFillIds = new ArrayList<>();
    public Long canceledAt;
    public boolean filledEmitted;
  }

  public static final class PendingFills {
    public List<Fill> fills = new ArrayList<>();
  }

  /** The merged input of the state machine: exactly one of the two is set (neither for a tombstone). */
  static final class Input {
    final OrderEvent order;
    final Fill fill;

    Input(OrderEvent order, Fill fill) {
      this.order = order;
      this.fill = fill;
    }
  }

  /** What the state machine emits; exactly one is set. */
  static final class Output {
    OrderState state;
    OrderState filled;
    OrderAnomaly anomaly;
  }

  private static void orderFill(StreamsBuilder b, boolean inMemory) {
    b.addStateStore(
        Stores.keyValueStoreBuilder(supplier(STATE_STORE, inMemory), S, new JsonSerde<>(Entry.class)));
    b.addStateStore(
        Stores.keyValueStoreBuilder(
            supplier(PENDING_STORE, inMemory), S, new JsonSerde<>(PendingFills.class)));
    KStream<String, Input> orders =
        b.stream("orders", Consumed.with(S, new JsonSerde<>(OrderEvent.class)))
            .mapValues(order -> new Input(order, null), Named.as("order-fill-orders"));
    KStream<String, Input> fills =
        b.stream("fills", Consumed.with(S, new JsonSerde<>(Fill.class)))
            .mapValues(fill -> new Input(null, fill), Named.as("order-fill-fills"));
    JsonSerde<OrderState> stateSerde = new JsonSerde<>(OrderState.class);
    orders
        .merge(fills, Named.as("order-fill-merge"))
        .process(OrderFillProcessor::new, Named.as("order-fill-process"), STATE_STORE, PENDING_STORE)
        .split(Named.as("order-fill-output-"))
        .branch(
            (k, v) -> v.state != null,
            Branched.withConsumer(
                s -> s.mapValues(v -> v.state).to("order-state", Produced.with(S, stateSerde)),
                "state"))
        .branch(
            (k, v) -> v.filled != null,
            Branched.withConsumer(
                s -> s.mapValues(v -> v.filled).to("orders-filled", Produced.with(S, stateSerde)),
                "filled"))
        .defaultBranch(
            Branched.withConsumer(
                s ->
                    s.mapValues(v -> v.anomaly)
                        .to("order-anomalies", Produced.with(S, new JsonSerde<>(OrderAnomaly.class))),
                "anomalies"));
  }

  private static KeyValueBytesStoreSupplier supplier(String name, boolean inMemory) {
    return inMemory ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
  }

  /** The per-order state machine (OrderFillProcessor in order-fill.ts). */
  static final class OrderFillProcessor implements Processor<String, Input, String, Output> {
    private ProcessorContext<String, Output> ctx;
    private KeyValueStore<String, Entry> states;
    private KeyValueStore<String, PendingFills> pending;

    @Override
    public void init(ProcessorContext<String, Output> context) {
      ctx = context;
      states = context.getStateStore(STATE_STORE);
      pending = context.getStateStore(PENDING_STORE);
      context.schedule(
          Duration.ofMillis(UNKNOWN_ORDER_CHECK_INTERVAL_MS),
          PunctuationType.STREAM_TIME,
          this::expireHeldFills);
    }

    @Override
    public void process(Record<String, Input> record) {
      String key = record.key();
      Input value = record.value();
      if (key == null || value == null) return;
      if (value.order != null) onOrder(key, value.order);
      else if (value.fill != null) onFill(key, value.fill);
    }

    private void onOrder(String orderId, OrderEvent event) {
      Entry entry = states.get(orderId);
      switch (event.eventType) {
        case "NEW":
          {
            if (entry != null) return; // a re-delivered NEW changes nothing
            Entry created = new Entry();
            created.orderId = orderId;
            created.parentOrderId = event.parentOrderId;
            created.account = event.account;
            created.symbol = event.symbol;
            created.side = event.side;
            created.quantity = event.quantity;
            created.limitPrice = event.limitPrice;
            created.status = "NEW";
            created.lastEventTime = event.eventTime;
            emitState(created);
            PendingFills held = pending.get(orderId);
            if (held != null) {
              pending.delete(orderId);
              for (Fill fill : held.fills) applyFill(created, fill);
            }
            states.put(orderId, created);
            return;
          }
        case "REPLACE":
          {
            if (entry == null) {
              anomaly(orderId, "UNKNOWN_ORDER", "REPLACE for order " + orderId + ", which has not arrived", event.eventTime);
              return;
            }
            if (entry.status.equals("CANCELED")) return;
            boolean wasOverfilled = entry.status.equals("OVERFILLED");
            entry.quantity = event.quantity;
            entry.limitPrice = event.limitPrice;
            entry.lastEventTime = Math.max(entry.lastEventTime, event.eventTime);
            entry.status = statusOf(entry);
            emitState(entry);
            maybeEmitFilled(entry);
            if (entry.status.equals("OVERFILLED") && !wasOverfilled) {
              anomaly(
                  orderId,
                  "OVERFILL",
                  "REPLACE to quantity " + num(entry.quantity) + " is below the filled quantity " + num(entry.filledQuantity),
                  event.eventTime);
            }
            states.put(orderId, entry);
            return;
          }
        case "CANCEL":
          {
            if (entry == null) {
              anomaly(orderId, "UNKNOWN_ORDER", "CANCEL for order " + orderId + ", which has not arrived", event.eventTime);
              return;
            }
            if (entry.status.equals("FILLED") || entry.status.equals("OVERFILLED")) {
              anomaly(
                  orderId,
                  "LATE_CANCEL",
                  "CANCEL at " + event.eventTime + " for an order already " + entry.status + "; ignored",
                  event.eventTime);
              return;
            }
            if (entry.status.equals("CANCELED")) return; // a re-delivered cancel
            entry.status = "CANCELED";
            entry.canceledAt = event.eventTime;
            entry.lastEventTime = Math.max(entry.lastEventTime, event.eventTime);
            emitState(entry);
            states.put(orderId, entry);
            return;
          }
        default:
          // order-fill.ts's switch has no default either: an unknown event type changes nothing
      }
    }

    private void onFill(String orderId, Fill fill) {
      Entry entry = states.get(orderId);
      if (entry != null) {
        if (applyFill(entry, fill)) states.put(orderId, entry);
        return;
      }
      // the order has not arrived: hold the fill (once)
      PendingFills held = pending.get(orderId);
      if (held == null) held = new PendingFills();
      for (Fill f : held.fills) {
        if (f.fillId.equals(fill.fillId)) {
          anomaly(orderId, "DUPLICATE_FILL", "fill " + fill.fillId + " is already held for order " + orderId, fill.eventTime);
          return;
        }
      }
      held.fills.add(fill);
      pending.put(orderId, held);
    }

    /** Applies one fill to a known order, emitting what follows. Returns whether the entry changed. */
    private boolean applyFill(Entry entry, Fill fill) {
      String orderId = entry.orderId;
      if (entry.appliedFillIds.contains(fill.fillId)) {
        anomaly(orderId, "DUPLICATE_FILL", "fill " + fill.fillId + " was already applied", fill.eventTime);
        return false;
      }
      if (entry.status.equals("CANCELED") && entry.canceledAt != null && fill.eventTime >= entry.canceledAt) {
        anomaly(
            orderId,
            "FILL_AFTER_CANCEL",
            "fill " + fill.fillId + " at " + fill.eventTime + " is not before the cancel at " + entry.canceledAt + "; not applied",
            fill.eventTime);
        return false;
      }
      boolean wasCanceled = entry.status.equals("CANCELED");
      entry.filledQuantity += fill.quantity;
      entry.notional += fill.quantity * fill.price;
      entry.fillCount += 1;
      entry.appliedFillIds.add(fill.fillId);
      entry.lastEventTime = Math.max(entry.lastEventTime, fill.eventTime);
      entry.status = statusOf(entry);
      Long canceledAt = entry.canceledAt;
      if (wasCanceled && !entry.status.equals("CANCELED")) entry.canceledAt = null; // the cancel came too late
      emitState(entry);
      maybeEmitFilled(entry);
      if (entry.status.equals("OVERFILLED")) {
        anomaly(
            orderId,
            "OVERFILL",
            "fill " + fill.fillId + " brings the filled quantity to " + num(entry.filledQuantity) + " of " + num(entry.quantity),
            fill.eventTime);
      }
      if (wasCanceled && !entry.status.equals("CANCELED") && canceledAt != null) {
        anomaly(
            orderId,
            "LATE_CANCEL",
            "CANCEL at " + canceledAt + " for an order already " + entry.status + " by fills before it; ignored",
            canceledAt);
      }
      return true;
    }

    private void emitState(Entry entry) {
      Output out = new Output();
      out.state = stateOf(entry);
      forward(entry.orderId, out, entry.lastEventTime);
    }

    private void maybeEmitFilled(Entry entry) {
      if (!entry.status.equals("FILLED") || entry.filledEmitted) return;
      entry.filledEmitted = true;
      Output out = new Output();
      out.filled = stateOf(entry);
      forward(entry.orderId, out, entry.lastEventTime);
    }

    private void anomaly(String orderId, String kind, String detail, long eventTime) {
      Output out = new Output();
      out.anomaly = new OrderAnomaly(orderId, kind, detail, eventTime);
      forward(orderId, out, eventTime);
    }

    private void forward(String key, Output value, long timestamp) {
      ctx.forward(new Record<>(key, value, Math.max(0, timestamp)));
    }

    /** STREAM_TIME punctuation: held fills past the grace are dropped and reported as UNKNOWN_ORDER. */
    private void expireHeldFills(long streamTime) {
      long grace = UNKNOWN_ORDER_GRACE_MS;
      List<String> ids = new ArrayList<>();
      List<List<Fill>> keeps = new ArrayList<>();
      List<List<Fill>> expireds = new ArrayList<>();
      try (KeyValueIterator<String, PendingFills> it = pending.all()) {
        while (it.hasNext()) {
          KeyValue<String, PendingFills> kv = it.next();
          List<Fill> keep = new ArrayList<>();
          List<Fill> expired = new ArrayList<>();
          for (Fill f : kv.value.fills) (f.eventTime + grace <= streamTime ? expired : keep).add(f);
          if (!expired.isEmpty()) {
            ids.add(kv.key);
            keeps.add(keep);
            expireds.add(expired);
          }
        }
      }
      for (int i = 0; i < ids.size(); i++) {
        String orderId = ids.get(i);
        PendingFills kept = null;
        if (!keeps.get(i).isEmpty()) {
          kept = new PendingFills();
          kept.fills = keeps.get(i);
        }
        pending.put(orderId, kept);
        for (Fill f : expireds.get(i)) {
          anomaly(
              orderId,
              "UNKNOWN_ORDER",
              "fill " + f.fillId + " was held " + grace + " ms of stream time and order " + orderId + " never arrived; dropped",
              f.eventTime);
        }
      }
    }
  }

  /** The status rule of DOMAIN.md: filled vs quantity decides, except that a cancel holds a partial order. */
  static String statusOf(Entry e) {
    if (e.filledQuantity > e.quantity) return "OVERFILLED";
    if (e.filledQuantity == e.quantity && e.quantity > 0) return "FILLED";
    if (e.status.equals("CANCELED")) return "CANCELED";
    return e.filledQuantity > 0 ? "PARTIALLY_FILLED" : "NEW";
  }

  static OrderState stateOf(Entry e) {
    OrderState s = new OrderState();
    s.orderId = e.orderId;
    s.parentOrderId = e.parentOrderId;
    s.account = e.account;
    s.symbol = e.symbol;
    s.side = e.side;
    s.quantity = e.quantity;
    s.filledQuantity = e.filledQuantity;
    s.averagePrice = e.filledQuantity > 0 ? e.notional / e.filledQuantity : null;
    s.status = e.status;
    s.fillCount = e.fillCount;
    s.lastEventTime = e.lastEventTime;
    return s;
  }

  /** A number as JavaScript's String(n) prints it, for the anomaly details (integers without ".0"). */
  static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e21 ? Long.toString((long) d) : Double.toString(d);
  }

  /** UTF-8 JSON through Jackson; null is null both ways (a tombstone). */
  public static final class JsonSerde<T> implements Serde<T> {
    private final Class<T> type;

    public JsonSerde(Class<T> type) {
      this.type = type;
    }

    @Override
    public Serializer<T> serializer() {
      return (topic, data) -> {
        if (data == null) return null;
        try {
          return MAPPER.writeValueAsBytes(data);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
    }

    @Override
    public Deserializer<T> deserializer() {
      return (topic, data) -> {
        if (data == null) return null;
        try {
          return MAPPER.readValue(data, type);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
    }
  }
}
