package kstreams.reference;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * One reference topology on a Kafka broker with Apache Kafka Streams, as the Java side of
 * {@code npm run bench:compare} (bench/compare/). It speaks the runner protocol of
 * bench/compare/protocol.ts:
 *
 * <ul>
 *   <li>argument: one JSON object {@code {topology, guarantee, bootstrapServers, applicationId,
 *       stateDir, records, properties}};
 *   <li>stdout: JSON lines {@code {"event":"running"|"progress"|"processed"|"closed"|"error",
 *       "at":epochMillis,"processed":records}}, a {@code progress} line every second;
 *   <li>with {@code records > 0} it closes once that many input records are processed (throughput);
 *       with 0 it runs until a line {@code stop} on stdin (latency);
 *   <li>after {@code closed} it exits when stdin closes, so the parent can read this process's CPU
 *       time and peak RSS from /proc first.
 * </ul>
 */
public final class BrokerBench {
  private BrokerBench() {}

  public static void main(String[] args) throws Exception {
    JsonNode cfg = ReferenceTopologies.MAPPER.readTree(args[0]);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.get("applicationId").asText());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.get("bootstrapServers").asText());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, cfg.get("guarantee").asText());
    props.put(StreamsConfig.STATE_DIR_CONFIG, cfg.get("stateDir").asText());
    for (Iterator<Map.Entry<String, JsonNode>> it = cfg.get("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      props.put(e.getKey(), e.getValue().asText());
    }

    KafkaStreams streams =
        new KafkaStreams(ReferenceTopologies.build(cfg.get("topology").asText(), props), props);
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) running.countDown();
          if (now == KafkaStreams.State.ERROR) {
            emit("error");
            System.exit(1);
          }
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          e.printStackTrace();
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.start();
    running.await();
    emit("running");

    BufferedReader stdin =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    long records = cfg.get("records").asLong();
    if (records > 0) {
      long nextProgress = System.currentTimeMillis() + 1000;
      for (double n = processed(streams); n < records; n = processed(streams)) {
        if (System.currentTimeMillis() >= nextProgress) {
          emit("progress", n);
          nextProgress += 1000;
        }
        Thread.sleep(10);
      }
      emit("processed", processed(streams));
    } else {
      for (String line = stdin.readLine(); line != null && !line.equals("stop"); line = stdin.readLine()) {
        // only "stop" (or the parent going away) ends a latency run
      }
    }
    streams.close();
    emit("closed");
    while (stdin.readLine() != null) {
      // the parent closes stdin once it has read /proc
    }
    System.exit(0);
  }

  /**
   * Records processed so far: the threads' {@code process-total} (records, not calls). The reference
   * topologies have no repartition topics, so this counts input records only.
   */
  private static double processed(KafkaStreams streams) {
    double n = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      MetricName m = e.getKey();
      if (m.group().equals("stream-thread-metrics") && m.name().equals("process-total")) {
        n += ((Number) e.getValue().metricValue()).doubleValue();
      }
    }
    return n;
  }

  private static void emit(String event) {
    emit(event, 0);
  }

  private static void emit(String event, double processed) {
    System.out.println(
        "{\"event\":\""
            + event
            + "\",\"at\":"
            + System.currentTimeMillis()
            + ",\"processed\":"
            + (long) processed
            + "}");
    System.out.flush();
  }
}
