package kstreams.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Runs a reference topology (ReferenceTopologies) in Apache Kafka Streams' TopologyTestDriver.
 * bench/reference/java-driver.ts is its client; bench/reference/runner.ts does the same with ours.
 *
 * <p>Arguments are {@code key=value}: {@code topology=<name>} (required), {@code mode=conformance}
 * (default) or {@code throughput}, {@code store=rocksDB|in_memory} ({@code default.dsl.store}).
 *
 * <p><b>conformance</b>: reads JSON lines from stdin, {@code {"topic","key","value","timestamp"}}
 * (value null = tombstone) or {@code {"advanceWallClock":ms}}; a {@code {"end":true}} line ends a
 * sequence, and the next line starts a new one with a fresh driver (one JVM serves many sequences).
 * For each sequence it writes, to stdout: after every input line, the records it produced, {@code
 * {"topic","key","value","timestamp"}}, read topic by topic in outputTopics order; then every state
 * store's final contents, {@code {"store","key","value"}} sorted (window stores' keys as
 * "key@windowStart"); then {@code {"end":true}}. An exception ends the sequence's processing with an
 * {@code {"error":message}} line (the rest of its input is skipped).
 *
 * <p><b>throughput</b>: pipes {@code records=N} synthetic records (bench/reference/throughput.ts
 * describes them; {@code keys=K} distinct keys) after {@code warmup=W} records through a separate
 * driver, reading outputs every 1,000 records, and prints one JSON line with records/s.
 */
public final class DriverRunner {

  private final String topology;
  private final Properties props;
  private final PrintStream out;

  private DriverRunner(String topology, Properties props, PrintStream out) {
    this.topology = topology;
    this.props = props;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 0) throw new IllegalArgumentException("arguments are key=value, got " + a);
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    String name = opts.get("topology");
    if (name == null) throw new IllegalArgumentException("topology=<name> is required; one of " + ReferenceTopologies.NAMES);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:1234");
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
    File stateDir = Files.createTempDirectory("reference-driver").toFile();
    stateDir.deleteOnExit(); // each driver deletes its own state on close
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.getPath());
    props.put(StreamsConfig.DEFAULT_DSL_STORE_CONFIG, opts.getOrDefault("store", "rocksDB"));
    PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    DriverRunner runner = new DriverRunner(name, props, stdout);
    String mode = opts.getOrDefault("mode", "conformance");
    if (mode.equals("conformance")) {
      runner.conformance(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    } else if (mode.equals("throughput")) {
      runner.throughput(
          Integer.parseInt(opts.getOrDefault("records", "100000")),
          Integer.parseInt(opts.getOrDefault("keys", "1000")),
          Integer.parseInt(opts.getOrDefault("warmup", "0")));
    } else {
      throw new IllegalArgumentException("mode is conformance or throughput, got " + mode);
    }
    stdout.flush();
  }

  private TopologyTestDriver newDriver() {
    return new TopologyTestDriver(ReferenceTopologies.build(topology, props), props, Instant.ofEpochMilli(0));
  }

  // ---------------------------------------------------------------------------------------------
  // conformance

  private void conformance(BufferedReader in) throws Exception {
    Sequence seq = null;
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) continue;
      if (seq == null) seq = new Sequence();
      JsonNode step = ReferenceTopologies.MAPPER.readTree(line);
      if (step.path("end").asBoolean(false)) {
        seq.finish();
        seq = null;
        out.flush(); // the client waits for the end line before it sends more
      } else {
        seq.step(step);
      }
    }
    if (seq != null) seq.finish();
  }

  /** One input sequence in its own driver. */
  private final class Sequence {
    private final TopologyTestDriver driver = newDriver();
    private final Map<String, TestInputTopic<String, byte[]>> inputs = new LinkedHashMap<>();
    private final Map<String, TestOutputTopic<String, byte[]>> outputs = new LinkedHashMap<>();
    private String error;

    Sequence() {
      for (String t : ReferenceTopologies.inputTopics(topology)) {
        inputs.put(t, driver.createInputTopic(t, new StringSerializer(), new ByteArraySerializer()));
      }
      for (String t : ReferenceTopologies.outputTopics(topology)) {
        outputs.put(t, driver.createOutputTopic(t, new StringDeserializer(), new ByteArrayDeserializer()));
      }
    }

    void step(JsonNode step) {
      if (error != null) return;
      try {
        if (step.has("advanceWallClock")) {
          driver.advanceWallClockTime(Duration.ofMillis(step.get("advanceWallClock").asLong()));
        } else {
          String topic = step.get("topic").asText();
          TestInputTopic<String, byte[]> in = inputs.get(topic);
          if (in == null) throw new IllegalArgumentException(topology + " has no input topic " + topic);
          JsonNode key = step.get("key");
          in.pipeInput(
              key == null || key.isNull() ? null : key.asText(),
              encode(ReferenceTopologies.valueFormat(topology, topic), step.get("value")),
              step.get("timestamp").asLong());
        }
        writeOutputs();
      } catch (RuntimeException e) {
        error = String.valueOf(e);
        ObjectNode line = ReferenceTopologies.MAPPER.createObjectNode();
        line.put("error", error);
        print(line);
      }
    }

    void finish() throws Exception {
      try {
        if (error == null) writeStores();
      } finally {
        driver.close();
      }
      print(ReferenceTopologies.MAPPER.createObjectNode().put("end", true));
    }

    private void writeOutputs() {
      for (Map.Entry<String, TestOutputTopic<String, byte[]>> e : outputs.entrySet()) {
        String format = ReferenceTopologies.valueFormat(topology, e.getKey());
        for (TestRecord<String, byte[]> r : e.getValue().readRecordsToList()) {
          ObjectNode line = ReferenceTopologies.MAPPER.createObjectNode();
          line.put("topic", e.getKey());
          line.put("key", r.key());
          line.set("value", decode(format, r.value()));
          line.put("timestamp", r.timestamp());
          print(line);
        }
      }
    }

    @SuppressWarnings("unchecked")
    private void writeStores() {
      List<ObjectNode> lines = new ArrayList<>();
      for (String name : new TreeSet<>(driver.getAllStateStores().keySet())) {
        StateStore store = driver.getAllStateStores().get(name);
        if (store instanceof WindowStore) {
          try (KeyValueIterator<Windowed<Object>, Object> it = driver.<Object, Object>getWindowStore(name).all()) {
            while (it.hasNext()) {
              KeyValue<Windowed<Object>, Object> kv = it.next();
              lines.add(storeLine(name, kv.key.key() + "@" + kv.key.window().start(), kv.value));
            }
          }
        } else if (store instanceof KeyValueStore && !name.endsWith("-shared-join-store")) {
          // a left/outer join's shared store keeps internal key/value types; its effect shows in the outputs
          try (KeyValueIterator<Object, Object> it = driver.<Object, Object>getKeyValueStore(name).all()) {
            while (it.hasNext()) {
              KeyValue<Object, Object> kv = it.next();
              lines.add(storeLine(name, String.valueOf(kv.key), kv.value));
            }
          }
        }
      }
      lines.sort(Comparator.comparing(DriverRunner::sortKey));
      for (ObjectNode line : lines) print(line);
    }

    private ObjectNode storeLine(String store, String key, Object value) {
      ObjectNode line = ReferenceTopologies.MAPPER.createObjectNode();
      line.put("store", store);
      line.put("key", key);
      line.set("value", ReferenceTopologies.MAPPER.valueToTree(value));
      return line;
    }
  }

  /** Store lines sort by store, key, then value (window stores of joins may repeat a key). */
  private static String sortKey(ObjectNode line) {
    return line.get("store").asText() + "\u0000" + line.get("key").asText() + "\u0000" + line.get("value");
  }

  private void print(JsonNode line) {
    out.println(line.toString());
  }

  private static byte[] encode(String format, JsonNode value) {
    if (value == null || value.isNull()) return null;
    switch (format) {
      case "string":
        return value.asText().getBytes(StandardCharsets.UTF_8);
      case "long":
        return ByteBuffer.allocate(8).putLong(value.asLong()).array();
      default:
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }
  }

  private static JsonNode decode(String format, byte[] bytes) {
    if (bytes == null) return ReferenceTopologies.MAPPER.nullNode();
    switch (format) {
      case "string":
        return ReferenceTopologies.MAPPER.getNodeFactory().textNode(new String(bytes, StandardCharsets.UTF_8));
      case "long":
        return ReferenceTopologies.MAPPER.getNodeFactory().numberNode(ByteBuffer.wrap(bytes).getLong());
      default:
        try {
          return ReferenceTopologies.MAPPER.readTree(bytes);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // throughput

  private void throughput(int records, int keys, int warmup) {
    if (warmup > 0) pipeSynthetic(warmup, keys);
    long t0 = System.nanoTime();
    long produced = pipeSynthetic(records, keys);
    double seconds = (System.nanoTime() - t0) / 1e9;
    ObjectNode line = ReferenceTopologies.MAPPER.createObjectNode();
    line.put("mode", "throughput");
    line.put("topology", topology);
    line.put("store", props.getProperty(StreamsConfig.DEFAULT_DSL_STORE_CONFIG));
    line.put("records", records);
    line.put("seconds", seconds);
    line.put("recordsPerSecond", records / seconds);
    line.put("outputRecords", produced);
    print(line);
  }

  /**
   * Pipes {@code n} synthetic records through a fresh driver; returns how many records the
   * topology's output topics received. Queued records (outputs and changelogs) are read every 1,000
   * records so that memory reflects the engine (as bench/driver-throughput.ts does for ours).
   */
  private long pipeSynthetic(int n, int keys) {
    long produced = 0;
    try (TopologyTestDriver driver = newDriver()) {
      Map<String, TestInputTopic<String, byte[]>> inputs = new HashMap<>();
      for (String t : ReferenceTopologies.inputTopics(topology)) {
        inputs.put(t, driver.createInputTopic(t, new StringSerializer(), new ByteArraySerializer()));
      }
      ReferenceTopologies.JsonSerde<Object> json = new ReferenceTopologies.JsonSerde<>(Object.class);
      for (int i = 0; i < n; i++) {
        Synthetic r = synthetic(i, keys);
        byte[] value =
            r.value instanceof String
                ? ((String) r.value).getBytes(StandardCharsets.UTF_8)
                : json.serializer().serialize(r.topic, r.value);
        inputs.get(r.topic).pipeInput(r.key, value, r.timestamp);
        if (i % 1_000 == 999) produced += drain(driver);
      }
      produced += drain(driver);
    }
    return produced;
  }

  private long drain(TopologyTestDriver driver) {
    long produced = 0;
    List<String> outputs = ReferenceTopologies.outputTopics(topology);
    for (String t : driver.producedTopicNames()) {
      int n =
          driver
              .createOutputTopic(t, new ByteArrayDeserializer(), new ByteArrayDeserializer())
              .readRecordsToList()
              .size();
      if (outputs.contains(t)) produced += n;
    }
    return produced;
  }

  private static final class Synthetic {
    final String topic;
    final String key;
    final Object value;
    final long timestamp;

    Synthetic(String topic, String key, Object value, long timestamp) {
      this.topic = topic;
      this.key = key;
      this.value = value;
      this.timestamp = timestamp;
    }
  }

  /** The i-th synthetic record; synthetic in bench/reference/throughput.ts is the same. */
  private Synthetic synthetic(int i, int keys) {
    switch (topology) {
      case "stream-join":
      case "stream-left-join":
      case "stream-outer-join":
        {
          // alternating left/right pairs one ms apart; every 10th right record has no partner
          int p = i >> 1;
          String key = "key-" + (p % keys);
          if (i % 2 == 0) return new Synthetic("left", key, "l-" + p, p);
          return new Synthetic("right", p % 10 == 9 ? key + "-other" : key, "r-" + p, p);
        }
      case "order-fill":
        {
          // each order: a NEW of 100, then four fills of 25 that fill it
          int o = i / 5;
          int slot = i % 5;
          String orderId = "order-" + o;
          if (slot == 0) {
            ReferenceTopologies.OrderEvent e = new ReferenceTopologies.OrderEvent();
            e.orderId = orderId;
            e.account = "acct-" + (o % keys);
            e.symbol = "SYM";
            e.side = o % 2 == 0 ? "BUY" : "SELL";
            e.quantity = 100;
            e.limitPrice = 10.0;
            e.eventType = "NEW";
            e.eventTime = i;
            return new Synthetic("orders", orderId, e, i);
          }
          ReferenceTopologies.Fill f = new ReferenceTopologies.Fill();
          f.fillId = "fill-" + o + "-" + slot;
          f.orderId = orderId;
          f.quantity = 25;
          f.price = 10 + slot;
          f.eventTime = i;
          return new Synthetic("fills", orderId, f, i);
        }
      default:
        return new Synthetic("input", "key-" + (i % keys), "value-" + i, i);
    }
  }
}
