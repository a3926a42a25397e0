/**
 * Vitest global setup for the `integration` project (see vitest.config.ts).
 *
 * Starts one real single-node Kafka broker (scripts/kafka/broker.ts) for the whole run and hands
 * its address to the tests via `provide('kafkaBootstrapServers', ...)`; tests read it with
 * `inject('kafkaBootstrapServers')` (or `bootstrapServers()` from ./kafka.ts). The broker is
 * stopped in the teardown returned below.
 *
 * Set KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 to run against a broker you started yourself
 * (e.g. `npx tsx scripts/kafka/broker.ts start`); then nothing is started or stopped here.
 */
import type { TestProject } from 'vitest/node';
import { startBroker } from '../../scripts/kafka/broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** "host:port" of the broker used by integration tests. */
    kafkaBootstrapServers: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.KAFKA_BOOTSTRAP_SERVERS?.trim();
  if (external) {
    project.provide('kafkaBootstrapServers', external);
    console.log(`[kafka] using KAFKA_BOOTSTRAP_SERVERS=${external}`);
    return undefined;
  }
  const broker = await startBroker({ log: (m) => console.log(`[kafka] ${m}`) });
  project.provide('kafkaBootstrapServers', broker.bootstrapServers);
  return async () => {
    await broker.stop();
    console.log(`[kafka] broker stopped (log kept at ${broker.logFile})`);
  };
}
