import { TopologyError } from '../errors/topology-error.js';
import type { InternalTopologyBuilder, TopologyPlan } from '../topology/internal-topology-builder.js';

/** What the runtime needs to know of one (non-global) sub-topology. */
export interface Subtopology {
  readonly id: number;
  readonly plan: TopologyPlan;
  /** Decorated names of the topics it reads: user topics and repartition topics. */
  readonly sourceTopics: readonly string[];
  /** Pattern sources (resolved against existing topics at start-up). */
  readonly sourcePatterns: readonly RegExp[];
  /** Decorated names of the repartition topics it writes. */
  readonly repartitionSinkTopics: readonly string[];
  /** Changelog topics of its logged stores, with their topic configs. */
  readonly changelogTopics: ReadonlyArray<{ topic: string; store: string; configs: Record<string, string> }>;
}

/** A task: one partition of one sub-topology (Java's `TaskId`, printed `<subtopology>_<partition>`). */
export interface TaskSpec {
  readonly id: string;
  readonly subtopology: number;
  readonly partition: number;
  /** The source partitions the task reads. */
  readonly partitions: ReadonlyArray<{ topic: string; partition: number }>;
}

/**
 * Java's `InternalTopologyBuilder.topicGroups()` plus the partition-count logic of the assignor: which
 * topics each sub-topology reads and writes, how many partitions its repartition and changelog topics need,
 * and so which tasks exist.
 */
export class TopologyMetadata {
  readonly subtopologies: readonly Subtopology[];

  constructor(
    readonly builder: InternalTopologyBuilder,
    readonly applicationId: string,
    /** `windowstore.changelog.additional.retention.ms`: how much longer than its store a windowed changelog keeps records. */
    windowChangelogAdditionalRetentionMs = 24 * 60 * 60 * 1000,
  ) {
    builder.setApplicationId(applicationId);
    const subtopologies: Subtopology[] = [];
    for (const [id, names] of builder.nodeGroups()) {
      if (builder.isGlobalGroup(names)) continue;
      const plan = builder.buildTopology([id]);
      const sourceTopics: string[] = [];
      const sourcePatterns: RegExp[] = [];
      const repartitionSinkTopics: string[] = [];
      for (const node of plan.nodes) {
        if (node.kind === 'source') {
          if (node.topics !== null) sourceTopics.push(...node.topics.map((t) => builder.decorateTopic(t)));
          else if (node.pattern !== null) sourcePatterns.push(node.pattern);
        } else if (node.kind === 'sink' && node.topic !== null && builder.isInternalTopic(node.topic)) {
          repartitionSinkTopics.push(builder.decorateTopic(node.topic));
        }
      }
      const changelogTopics = plan.stores
        .filter((s) => s.builder.loggingEnabled())
        .map((s) => ({
          topic: `${applicationId}-${s.builder.name()}-changelog`,
          store: s.builder.name(),
          configs: { ...changelogConfigs(s.builder, windowChangelogAdditionalRetentionMs), ...s.builder.logConfig() },
        }));
      subtopologies.push({ id, plan, sourceTopics, sourcePatterns, repartitionSinkTopics, changelogTopics });
    }
    this.subtopologies = subtopologies;
  }

  /** Every topic read through the group consumer (decorated; patterns resolved by the caller). */
  allSourceTopics(resolvedPatternTopics: readonly string[] = []): string[] {
    return [...new Set([...this.subtopologies.flatMap((s) => s.sourceTopics), ...resolvedPatternTopics])].sort();
  }

  /** Decorated names of all repartition topics, with the partition count the user fixed (or null). */
  repartitionTopics(): Array<{ topic: string; numberOfPartitions: number | null }> {
    return this.builder.internalTopicSpecs().map((t) => ({ topic: this.builder.decorateTopic(t.name), numberOfPartitions: t.numberOfPartitions }));
  }

  /**
   * Partition counts of repartition topics, as Java computes them: a fixed count if the user gave one, else
   * the largest partition count among the topics read by the sub-topology that writes the repartition topic,
   * repeated until nothing changes (repartition topics may feed each other).
   */
  repartitionPartitionCounts(userTopicPartitions: ReadonlyMap<string, number>): Map<string, number> {
    const counts = new Map<string, number>(userTopicPartitions);
    const repartition = this.repartitionTopics();
    for (const r of repartition) if (r.numberOfPartitions !== null) counts.set(r.topic, r.numberOfPartitions);
    for (let changed = true; changed; ) {
      changed = false;
      for (const s of this.subtopologies) {
        const known = s.sourceTopics.map((t) => counts.get(t)).filter((n): n is number => n !== undefined);
        if (known.length === 0) continue;
        const max = Math.max(...known);
        for (const sink of s.repartitionSinkTopics) {
          if (repartition.find((r) => r.topic === sink)?.numberOfPartitions !== null) continue;
          if ((counts.get(sink) ?? 0) < max) {
            counts.set(sink, max);
            changed = true;
          }
        }
      }
    }
    for (const r of repartition) {
      if (!counts.has(r.topic)) throw new TopologyError(`could not determine the number of partitions of repartition topic ${r.topic}`);
    }
    return counts;
  }

  /** The tasks: for each sub-topology, one per partition of its widest source topic. */
  tasks(partitionCounts: ReadonlyMap<string, number>, patternTopics: ReadonlyMap<number, readonly string[]> = new Map()): TaskSpec[] {
    const tasks: TaskSpec[] = [];
    for (const s of this.subtopologies) {
      const topics = [...s.sourceTopics, ...(patternTopics.get(s.id) ?? [])];
      const counts = topics.map((t) => {
        const n = partitionCounts.get(t);
        if (n === undefined) throw new TopologyError(`source topic ${t} of sub-topology ${s.id} does not exist; create it before starting`);
        return n;
      });
      const n = counts.length === 0 ? 0 : Math.max(...counts);
      for (let p = 0; p < n; p++) {
        tasks.push({
          id: `${s.id}_${p}`,
          subtopology: s.id,
          partition: p,
          partitions: topics.filter((t) => p < partitionCounts.get(t)!).map((topic) => ({ topic, partition: p })),
        });
      }
    }
    return tasks;
  }

  subtopology(id: number): Subtopology {
    const s = this.subtopologies.find((x) => x.id === id);
    if (s === undefined) throw new TopologyError(`unknown sub-topology ${id}`);
    return s;
  }
}

/**
 * A changelog's topic configs before the user's: compacted; a window or session store's (its builder has a
 * retention period) also deletes what is older than the store keeps, plus a margin, as Java's
 * `WindowedChangelogTopicConfig` does.
 */
function changelogConfigs(builder: object, additionalRetentionMs: number): Record<string, string> {
  const retention = (builder as { retentionPeriod?: () => number }).retentionPeriod;
  if (typeof retention !== 'function') return { 'cleanup.policy': 'compact' };
  return { 'cleanup.policy': 'compact,delete', 'retention.ms': String(Math.min(Number.MAX_SAFE_INTEGER, retention.call(builder) + additionalRetentionMs)) };
}
