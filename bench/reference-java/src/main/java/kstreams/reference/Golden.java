package kstreams.reference;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.WindowedSerdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Runs conformance scenarios in Kafka Streams' TopologyTestDriver and writes golden JSON.
 *
 * <p>Usage: {@code Golden <scenariosDir> <goldenDir> [scenarioId ...]} (no ids = all scenarios).
 */
public final class Golden {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Golden() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: Golden <scenariosDir> <goldenDir> [scenarioId ...]");
      System.exit(2);
    }
    Path scenariosDir = Path.of(args[0]);
    Path goldenDir = Path.of(args[1]);
    List<String> ids = new ArrayList<>();
    for (int i = 2; i < args.length; i++) ids.add(args[i]);
    if (ids.isEmpty()) ids.addAll(Scenarios.ALL.keySet());

    Files.createDirectories(goldenDir);
    ObjectWriter writer = MAPPER.writer(prettyPrinter());
    int failures = 0;
    for (String id : ids) {
      long t0 = System.nanoTime();
      try {
        Scenario scenario = Scenarios.ALL.get(id);
        if (scenario == null) throw new IllegalArgumentException("unknown scenario id: " + id);
        JsonNode spec = MAPPER.readTree(scenariosDir.resolve(id + ".json").toFile());
        if (!id.equals(spec.path("id").asText())) {
          throw new IllegalStateException("scenario file id mismatch: " + spec.path("id").asText());
        }
        Map<String, Object> golden = run(id, scenario, spec);
        String json = writer.writeValueAsString(golden) + "\n";
        Files.writeString(goldenDir.resolve(id + ".json"), json, StandardCharsets.UTF_8);
        System.out.printf("  %-40s ok (%d ms)%n", id, (System.nanoTime() - t0) / 1_000_000);
      } catch (Exception e) {
        failures++;
        System.out.printf("  %-40s FAILED: %s%n", id, e);
        e.printStackTrace(System.err);
      }
    }
    System.exit(failures == 0 ? 0 : 1);
  }

  private static DefaultPrettyPrinter prettyPrinter() {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter pp =
        new DefaultPrettyPrinter()
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    pp.indentObjectsWith(indenter);
    pp.indentArraysWith(indenter);
    return pp;
  }

  static Properties props() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:1234");
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
    return p;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, Object> run(String id, Scenario scenario, JsonNode spec) {
    Map<String, Object> extra = new LinkedHashMap<>();
    Topology topology = scenario.build(extra);
    String describe = topology.describe().toString();

    Map<String, Object> outputs = new LinkedHashMap<>();
    Map<String, Object> stores = new LinkedHashMap<>();
    List<String> produced;

    try (TopologyTestDriver driver =
        new TopologyTestDriver(topology, props(), Instant.ofEpochMilli(0))) {
      Map<String, TestInputTopic> inputs = new LinkedHashMap<>();
      Map<String, String[]> inputSerdes = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("inputTopics").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String[] letters = {e.getValue().get(0).asText(), e.getValue().get(1).asText()};
        inputSerdes.put(e.getKey(), letters);
        inputs.put(
            e.getKey(),
            driver.createInputTopic(
                e.getKey(), serde(letters[0]).serializer(), serde(letters[1]).serializer()));
      }

      for (JsonNode step : spec.path("steps")) {
        if (step.has("advanceWallClock")) {
          driver.advanceWallClockTime(Duration.ofMillis(step.get("advanceWallClock").asLong()));
        } else if (step.has("pipe")) {
          String topic = step.get("pipe").asText();
          TestInputTopic in = inputs.get(topic);
          if (in == null) throw new IllegalStateException("step pipes to undeclared topic " + topic);
          String[] letters = inputSerdes.get(topic);
          Object key = value(letters[0], step.get("key"));
          Object value = value(letters[1], step.get("value"));
          long ts = step.get("timestamp").asLong();
          if (step.has("headers")) {
            in.pipeInput(new TestRecord<>(key, value, headers(step.get("headers")), ts));
          } else {
            in.pipeInput(key, value, ts);
          }
        } else {
          throw new IllegalStateException("unknown step: " + step);
        }
      }

      for (Iterator<Map.Entry<String, JsonNode>> it = spec.path("outputTopics").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        TestOutputTopic out =
            driver.createOutputTopic(
                e.getKey(),
                serde(e.getValue().get(0).asText()).deserializer(),
                serde(e.getValue().get(1).asText()).deserializer());
        List<Map<String, Object>> records = new ArrayList<>();
        for (Object o : out.readRecordsToList()) {
          TestRecord r = (TestRecord) o;
          Map<String, Object> rec = new LinkedHashMap<>();
          rec.put("key", jsonKey(r.key()));
          rec.put("value", r.value());
          rec.put("timestamp", r.timestamp());
          // only scenarios that ask for headers get them, so that older goldens stay unchanged
          if (spec.path("headers").asBoolean(false)) rec.put("headers", headerList(r.headers()));
          records.add(rec);
        }
        outputs.put(e.getKey(), records);
      }

      for (String name : storeNames(id, spec, driver)) {
        KeyValueStore<Object, Object> store = driver.getKeyValueStore(name);
        if (store == null) throw new IllegalStateException("no key-value store named " + name);
        stores.put(name, entries(store.all()));
      }

      produced = new ArrayList<>(new TreeSet<>(driver.producedTopicNames()));
      if (spec.path("listStores").asBoolean(false)) {
        extra.put("allStateStores", new ArrayList<>(new TreeSet<>(driver.getAllStateStores().keySet())));
      }
      scenario.after(driver, extra);
    }

    Map<String, Object> golden = new LinkedHashMap<>();
    golden.put("id", id);
    golden.put("describe", describe);
    golden.put("outputs", outputs);
    golden.put("stores", stores);
    golden.put("producedTopicNames", produced);
    golden.put("extra", extra);
    return golden;
  }

  /**
   * The stores to dump: the scenario's list, except for scenarios whose store name is generated
   * (s06), where the real name is looked up in the driver.
   */
  private static List<String> storeNames(String id, JsonNode spec, TopologyTestDriver driver) {
    List<String> names = new ArrayList<>();
    for (JsonNode n : spec.path("stores")) names.add(n.asText());
    if (id.startsWith("s06-")) {
      List<String> generated = new ArrayList<>();
      for (String s : new TreeSet<>(driver.getAllStateStores().keySet())) {
        if (s.startsWith("KSTREAM-AGGREGATE-STATE-STORE-")) generated.add(s);
      }
      if (generated.size() != 1) {
        throw new IllegalStateException("expected one generated count store, found " + generated);
      }
      if (!names.equals(generated)) {
        System.out.printf(
            "  note: %s lists stores %s but the generated store is %s; dumping the latter%n",
            id, names, generated);
      }
      return generated;
    }
    return names;
  }

  /** A step's headers, [[key, value-or-null], ...] (values as UTF-8 strings), as Kafka Headers. */
  private static Headers headers(JsonNode list) {
    Headers h = new RecordHeaders();
    for (JsonNode pair : list) {
      JsonNode v = pair.get(1);
      h.add(pair.get(0).asText(), v == null || v.isNull() ? null : v.asText().getBytes(StandardCharsets.UTF_8));
    }
    return h;
  }

  /** Headers as [[key, value-or-null], ...] in order, values decoded as UTF-8. */
  private static List<List<String>> headerList(Headers headers) {
    List<List<String>> out = new ArrayList<>();
    for (Header h : headers) {
      List<String> pair = new ArrayList<>();
      pair.add(h.key());
      pair.add(h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
      out.add(pair);
    }
    return out;
  }

  /** Drains an iterator into [{key, value}, ...] in iteration order, closing it. */
  static List<Map<String, Object>> entries(KeyValueIterator<?, ?> it) {
    List<Map<String, Object>> list = new ArrayList<>();
    try (KeyValueIterator<?, ?> iter = it) {
      while (iter.hasNext()) {
        KeyValue<?, ?> kv = iter.next();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("key", kv.key);
        entry.put("value", kv.value);
        list.add(entry);
      }
    }
    return list;
  }

  /** A windowed key as {key, start, end}; other keys as they are. */
  private static Object jsonKey(Object key) {
    if (key instanceof Windowed) return WindowScenarios.wkey((Windowed<?>) key);
    return key;
  }

  static Serde<?> serde(String letter) {
    // windowed keys (s40+): "TW:<inner>:<window size>" time-windowed, "SW:<inner>" session-windowed
    if (letter.startsWith("TW:")) {
      String[] parts = letter.split(":");
      return WindowedSerdes.timeWindowedSerdeFrom(innerClass(parts[1]), Long.parseLong(parts[2]));
    }
    if (letter.startsWith("SW:")) return WindowedSerdes.sessionWindowedSerdeFrom(innerClass(letter.substring(3)));
    switch (letter) {
      case "S":
        return Serdes.String();
      case "L":
        return Serdes.Long();
      case "I":
        return Serdes.Integer();
      default:
        throw new IllegalArgumentException("unknown serde letter " + letter);
    }
  }

  private static Class<?> innerClass(String letter) {
    switch (letter) {
      case "S":
        return String.class;
      case "L":
        return Long.class;
      case "I":
        return Integer.class;
      default:
        throw new IllegalArgumentException("unknown serde letter " + letter);
    }
  }

  private static Object value(String letter, JsonNode node) {
    if (node == null || node.isNull()) return null;
    switch (letter) {
      case "S":
        if (!node.isTextual()) throw new IllegalArgumentException("expected string, got " + node);
        return node.textValue();
      case "L":
        if (!node.isIntegralNumber()) throw new IllegalArgumentException("expected long: " + node);
        return node.longValue();
      case "I":
        if (!node.isIntegralNumber()) throw new IllegalArgumentException("expected int: " + node);
        return node.intValue();
      default:
        throw new IllegalArgumentException("unknown serde letter " + letter);
    }
  }
}
