import type { StreamsConfig } from '../config/streams-config.js';
import { TopologyError } from '../errors/topology-error.js';
import type { Admin, NewTopic } from '../kafka/client-port.js';
import { enforceCopartitioning } from '../topology/copartition.js';
import type { TopologyMetadata } from './topology-metadata.js';

/** The partition counts of every topic the application reads or writes internally, once set up. */
export interface TopicSetup {
  readonly partitionCounts: ReadonlyMap<string, number>;
  /** Topics matched by pattern sources, per sub-topology. */
  readonly patternTopics: ReadonlyMap<number, readonly string[]>;
  readonly sourceTopics: readonly string[];
}

/**
 * Java's `InternalTopicManager` (with the assignor's partition-count rules): checks that the user's source
 * topics exist, then creates the repartition topics (as wide as the widest topic feeding them, or as the
 * user set) and the changelog topics (one partition per task, compacted) that do not exist yet.
 */
export async function setUpTopics(admin: Admin, metadata: TopologyMetadata, config: StreamsConfig): Promise<TopicSetup> {
  const repartition = new Set(metadata.repartitionTopics().map((r) => r.topic));
  const existing = await admin.listTopics();
  const patternTopics = new Map<number, string[]>();
  for (const s of metadata.subtopologies) {
    const matched = existing.filter((t) => s.sourcePatterns.some((p) => new RegExp(`^(?:${p.source})$`, p.flags).test(t)));
    if (matched.length > 0) patternTopics.set(s.id, matched);
  }
  const userSources = [
    ...new Set([...metadata.subtopologies.flatMap((s) => s.sourceTopics).filter((t) => !repartition.has(t)), ...[...patternTopics.values()].flat()]),
  ];
  const missing = userSources.filter((t) => !existing.includes(t));
  if (missing.length > 0) {
    throw new TopologyError(`source topic(s) ${missing.join(', ')} do not exist: create them before starting the application (e.g. kstreams topics --create)`);
  }
  const described = userSources.length === 0 ? [] : await admin.describeTopics(userSources);
  const counts = metadata.repartitionPartitionCounts(new Map(described.map((d) => [d.topic, d.partitions])));
  // joined topics must be co-partitioned: checked (and repartition topics sized) before anything is created
  const fixed = new Map(metadata.repartitionTopics().map((r) => [r.topic, r.numberOfPartitions]));
  enforceCopartitioning(metadata.builder.copartitionGroupTopics().map((g) => g.map((t) => metadata.builder.decorateTopic(t))), counts, fixed);
  const replicationFactor = config.getNumber('replication.factor');
  const rf = replicationFactor > 0 ? { replicationFactor } : {};
  const toCreate: NewTopic[] = [];
  for (const topic of repartition) {
    toCreate.push({ topic, partitions: counts.get(topic)!, ...rf, configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1' } });
  }
  const tasks = metadata.tasks(counts, patternTopics);
  for (const s of metadata.subtopologies) {
    const width = tasks.filter((t) => t.subtopology === s.id).length;
    for (const c of s.changelogTopics) {
      toCreate.push({ topic: c.topic, partitions: width, ...rf, configs: c.configs });
      counts.set(c.topic, width);
    }
  }
  await admin.createTopics(toCreate);
  // a topic created earlier with another width cannot be used: tasks and partitions would not line up
  const check = await admin.describeTopics(toCreate.map((t) => t.topic));
  for (const d of check) {
    const want = toCreate.find((t) => t.topic === d.topic)!.partitions;
    if (d.partitions !== want) throw new TopologyError(`internal topic ${d.topic} has ${d.partitions} partitions but needs ${want}; reset the application (delete its internal topics)`);
  }
  const sourceTopics = metadata.allSourceTopics([...patternTopics.values()].flat());
  return { partitionCounts: counts, patternTopics, sourceTopics };
}
