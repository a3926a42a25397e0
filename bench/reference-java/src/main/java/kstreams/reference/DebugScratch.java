package kstreams.reference;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.*;
import org.apache.kafka.streams.kstream.*;
import org.apache.kafka.streams.state.*;

public final class DebugScratch {
  public static void main(String[] args) {
    StreamsBuilder b = new StreamsBuilder();
    b.stream("input", Consumed.with(Serdes.String(), Serdes.String())).groupByKey()
        .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(5)))
        .emitStrategy(EmitStrategy.onWindowClose())
        .count(Materialized.as("sliding-final")).toStream()
        .peek((k, v) -> System.out.println("  emit " + k + " = " + v))
        .to("sliding", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(String.class, 5), Serdes.Long()));
    try (TopologyTestDriver d = new TopologyTestDriver(b.build(), Golden.props(), Instant.ofEpochMilli(0))) {
      TestInputTopic<String, String> in = d.createInputTopic("input", Serdes.String().serializer(), Serdes.String().serializer());
      Object[][] steps = {{"a",1L,true},{"a",5L,true},{"b",12L,true},{"a",13L,true},{"a",25L,false},{"a",26L,true},{"b",40L,true},{"a",60L,true}};
      for (Object[] s : steps) {
        System.out.println("pipe " + s[0] + "@" + s[1]);
        in.pipeInput((String) s[0], "x", (Long) s[1]);
        WindowStore<String, ValueAndTimestamp<Long>> st = d.getTimestampedWindowStore("sliding-final");
        try (KeyValueIterator<Windowed<String>, ValueAndTimestamp<Long>> it = st.all()) {
          while (it.hasNext()) { KeyValue<Windowed<String>, ValueAndTimestamp<Long>> kv = it.next(); System.out.println("    store " + kv.key + " = " + kv.value); }
        }
        if ((Boolean) s[2]) d.advanceWallClockTime(Duration.ofMillis(1000));
      }
    }
  }
}
