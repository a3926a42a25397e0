import type { StreamsBuilder } from '../src/index.js';
import { addSampleOrderCounts } from './sample-order-counts.js';

/** A runnable topology: how to add it to a builder, and its default source topics. */
export interface TopologyModule {
  readonly description: string;
  readonly sourceTopics: readonly string[];
  add(builder: StreamsBuilder): void;
}

/** The registry the CLI runs topologies from (the seed order topologies join it as they are built). */
export const TOPOLOGIES: Readonly<Record<string, TopologyModule>> = {
  'sample-order-counts': {
    description: 'Counts NEW orders per symbol (re-keys by symbol through a repartition topic).',
    sourceTopics: ['orders'],
    add: (builder) => addSampleOrderCounts(builder),
  },
};
