package kstreams.reference;

import java.util.Map;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/** One conformance scenario's topology (see test/conformance/SCENARIOS.md). */
public interface Scenario {

  /**
   * Builds the scenario's topology. Entries put into {@code extra} while building
   * (branch names, queryable store names, extra describes, ...) end up in the golden's "extra".
   */
  Topology build(Map<String, Object> extra);

  /** Called after all steps were piped and outputs read; may add scenario-specific extras. */
  default void after(TopologyTestDriver driver, Map<String, Object> extra) {}
}
