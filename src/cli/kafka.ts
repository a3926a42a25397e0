/** The CLI's connection to Kafka, through the project's client port (src/kafka). */
import { createKafkaJsClient, UnknownTopicError, type Admin, type KafkaClient } from '../kafka/index.js';
import { CliError, ExitCode } from './errors.js';

export interface KafkaConnection {
  readonly client: KafkaClient;
  readonly admin: Admin;
  close(): Promise<void>;
}

/**
 * Connects to `bootstrapServers` and checks that the cluster answers, failing fast (seconds, not the
 * runtime's half-minute of retries) with a message that says what to do when it does not.
 */
export async function connectKafka(bootstrapServers: string, clientId: string): Promise<KafkaConnection> {
  const servers = bootstrapServers.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = servers.find((s) => !/^[^:\s]+:\d+$/.test(s));
  if (servers.length === 0 || bad !== undefined) {
    throw new CliError(`--bootstrap-servers expects host:port[,host:port…], got "${bootstrapServers}"`, ExitCode.USAGE);
  }
  const client = createKafkaJsClient({
    bootstrapServers: servers,
    clientId,
    kafkajs: { connectionTimeout: 3_000, requestTimeout: 10_000, retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1_000 } },
  });
  let admin: Admin;
  try {
    admin = await client.admin();
    await admin.listTopics();
  } catch (e) {
    await client.close().catch(() => undefined);
    throw new CliError(
      `cannot reach the Kafka broker at ${servers.join(',')} (${(e as Error).message}). Is it running? ` +
        `Start a local one with 'npm run kafka -- start' (it prints its address), or pass the right --bootstrap-servers.`,
    );
  }
  return {
    client,
    admin,
    async close() {
      await admin.close().catch(() => undefined);
      await client.close().catch(() => undefined);
    },
  };
}

/** Fails with a hint to `kstreams topics --create` when some of `topics` do not exist. */
export async function requireTopics(admin: Admin, topics: readonly string[], topology: string, bootstrapServers: string, extraArgs = ''): Promise<Map<string, number>> {
  try {
    const described = await admin.describeTopics(topics);
    return new Map(described.map((d) => [d.topic, d.partitions]));
  } catch (e) {
    if (e instanceof UnknownTopicError) {
      const missing = e.topics.length > 0 ? e.topics : topics;
      throw new CliError(
        `topic(s) ${missing.join(', ')} do not exist on ${bootstrapServers}. Create them with: kstreams topics ${topology} --create --bootstrap-servers ${bootstrapServers}${extraArgs}`,
      );
    }
    throw e;
  }
}
