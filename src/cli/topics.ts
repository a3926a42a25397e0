/** `kstreams topics <topology>`: lists the topology's topics, or creates them on Kafka. */
import { CliError, ExitCode } from './errors.js';
import { connectKafka } from './kafka.js';
import { resolvedTopics, type TopologySelection } from './topology.js';

export interface TopicsOptions {
  readonly create: boolean;
  readonly bootstrapServers?: string;
  readonly partitions: number;
  readonly replicationFactor?: number;
  readonly out: (line: string) => void;
}

export async function topics(sel: TopologySelection, o: TopicsOptions): Promise<void> {
  const specs = resolvedTopics(sel);
  if (!o.create) {
    let existing: Set<string> | null = null;
    if (o.bootstrapServers !== undefined) {
      const conn = await connectKafka(o.bootstrapServers, 'kstreams-topics');
      try {
        existing = new Set(await conn.admin.listTopics());
      } finally {
        await conn.close();
      }
    }
    for (const t of specs) {
      const state = existing === null ? '' : existing.has(t.topic) ? '  (exists)' : '  (missing)';
      o.out(`${t.direction.padEnd(6)}  ${t.topic.padEnd(24)}  ${(t.schema ?? '-').padEnd(18)}  ${t.description}${state}`);
    }
    return;
  }
  if (o.bootstrapServers === undefined) throw new CliError('--create needs --bootstrap-servers host:port (the broker to create the topics on)', ExitCode.USAGE);
  if (!Number.isInteger(o.partitions) || o.partitions < 1) throw new CliError(`--partitions expects a positive integer, got ${o.partitions}`, ExitCode.USAGE);
  if (o.replicationFactor !== undefined && (!Number.isInteger(o.replicationFactor) || o.replicationFactor < 1)) {
    throw new CliError(`--replication-factor expects a positive integer, got ${o.replicationFactor}`, ExitCode.USAGE);
  }
  const conn = await connectKafka(o.bootstrapServers, 'kstreams-topics');
  try {
    const created = new Set(
      await conn.admin.createTopics(
        specs.map((t) => ({ topic: t.topic, partitions: o.partitions, ...(o.replicationFactor === undefined ? {} : { replicationFactor: o.replicationFactor }) })),
      ),
    );
    for (const t of specs) o.out(`${created.has(t.topic) ? 'created' : 'exists '}  ${t.direction.padEnd(6)}  ${t.topic}`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`creating the topics of ${sel.name} on ${o.bootstrapServers} failed: ${(e as Error).message}`);
  } finally {
    await conn.close();
  }
}
