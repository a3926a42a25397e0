import type { StreamsConfig } from '../config/streams-config.js';
import type { InternalTopologyBuilder } from '../topology/internal-topology-builder.js';

/** Writes one DSL node (or a few) into the topology, once the whole DSL graph is known. */
export type TopologyWriter = (builder: InternalTopologyBuilder, config: StreamsConfig) => void;

/**
 * Java's `InternalStreamsBuilder`: hands out Java's generated names (one counter for processors and
 * stores, so names match Java's) and collects the writers of the DSL's nodes in creation order. Writing is
 * deferred to `build()` because some choices are made by later calls (e.g. a source table is materialized
 * only if a downstream operator needs its old values).
 */
export class InternalStreamsBuilder {
  private index = 0;
  private readonly writers: TopologyWriter[] = [];

  newProcessorName(prefix: string): string {
    return prefix + String(this.index++).padStart(10, '0');
  }

  /**
   * The name of an operator the user may have named. Java draws the generated index even when the name is
   * given, so naming one operator does not renumber the generated names of every later one.
   */
  processorName(given: string | null | undefined, prefix: string): string {
    const generated = this.newProcessorName(prefix);
    return given ?? generated;
  }

  newStoreName(prefix: string): string {
    return `${prefix}STATE-STORE-${String(this.index++).padStart(10, '0')}`;
  }

  addWriter(writer: TopologyWriter): void {
    this.writers.push(writer);
  }

  writeTo(builder: InternalTopologyBuilder, config: StreamsConfig): void {
    for (const w of this.writers) w(builder, config);
  }
}
