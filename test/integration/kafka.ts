/** Small helpers shared by integration tests. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';

/** Bootstrap address of the broker started by global-setup.ts (always 127.0.0.1 unless overridden). */
export function bootstrapServers(): string {
  return inject('kafkaBootstrapServers');
}

/** A kafkajs client for the test broker, quiet unless KAFKAJS_LOG is set (e.g. KAFKAJS_LOG=debug). */
export function kafkaClient(clientId: string, config: Partial<KafkaConfig> = {}): Kafka {
  const level = process.env.KAFKAJS_LOG?.toUpperCase() as keyof typeof logLevel | undefined;
  return new Kafka({
    clientId,
    brokers: [bootstrapServers()],
    logLevel: level && level in logLevel ? logLevel[level] : logLevel.NOTHING,
    ...config,
  });
}

/** A unique name, so tests never collide on topics, groups or transactional ids. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now()}-${randomBytes(3).toString('hex')}`;
}
