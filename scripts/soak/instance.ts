/**
 * One soak instance: a KafkaStreams client running the soak topology (topology.ts), as a child process
 * of the orchestrator (soak.ts), which SIGKILLs and restarts it. Configured by the JSON in SOAK_INSTANCE.
 * Reports on stdout, one JSON object per line:
 *   {"event":"state","state":"RUNNING","old":"REBALANCING"}
 *   {"event":"closed","clean":true}          closed after SIGTERM
 * Exits 0 after a signal and a clean close, 1 when the client ends in ERROR.
 */
import { KafkaStreams, closeOnSignals } from '../../src/index.js';
import { soakTopology, soakTopics } from './topology.js';

export interface InstanceConfig {
  readonly bootstrapServers: string;
  readonly applicationId: string;
  readonly guarantee: string;
  readonly stateDir: string;
  readonly topicPrefix: string;
}

const cfg = JSON.parse(process.env.SOAK_INSTANCE ?? '{}') as InstanceConfig;
const emit = (o: object): void => void process.stdout.write(JSON.stringify({ ...o, t: Date.now() }) + '\n');

const streams = new KafkaStreams(soakTopology(soakTopics(cfg.topicPrefix)), {
  'application.id': cfg.applicationId,
  'bootstrap.servers': cfg.bootstrapServers,
  'processing.guarantee': cfg.guarantee,
  'state.dir': cfg.stateDir,
  // every update reaches the outputs, so the verifier can check each step
  'statestore.cache.max.bytes': 0,
  // a killed instance's tasks move on soon, as in Kafka's system test
  'session.timeout.ms': 6000,
  'heartbeat.interval.ms': 1000,
});
streams.setStateListener((state, old) => {
  emit({ event: 'state', state, old });
  if (state === 'ERROR') setTimeout(() => process.exit(1), 100);
});
closeOnSignals(streams, { onClosed: (clean) => emit({ event: 'closed', clean }) });
await streams.start();
