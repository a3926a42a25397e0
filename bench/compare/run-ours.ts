/** A bench/compare runner: a reference topology on the broker with our KafkaStreams (see protocol.ts). */
import { KafkaStreams } from '../../src/index.js';
import { buildReferenceTopology, inputTopics, isReferenceTopology } from '../reference/topologies.js';
import { runRunner } from './protocol.js';

runRunner(async (cfg) => {
  if (!isReferenceTopology(cfg.topology)) throw new Error(`unknown topology ${cfg.topology}`);
  const props = {
    'application.id': cfg.applicationId,
    'bootstrap.servers': cfg.bootstrapServers,
    'processing.guarantee': cfg.guarantee,
    'state.dir': cfg.stateDir,
    ...cfg.properties,
  };
  const streams = new KafkaStreams(buildReferenceTopology(cfg.topology, props), props);
  const inputs = inputTopics(cfg.topology);
  await streams.start();
  return {
    // input offsets start at 0 without gaps (pre-produced without transactions), so offset + 1 records
    processed: () => {
      let n = 0;
      for (const task of streams.localTasks().values()) {
        for (const [topic, offsets] of task.consumedOffsets()) if (inputs.includes(topic)) for (const offset of offsets.values()) n += offset + 1;
      }
      return n;
    },
    close: async () => {
      await streams.close();
    },
  };
});
