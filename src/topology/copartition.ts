import { TopologyError } from '../errors/topology-error.js';

/**
 * Java's `CopartitionedTopicsEnforcer`: the topics a join reads (a co-partition group) must have equal
 * partition counts, or records with the same key would land in different tasks and never meet. User topics
 * that differ are an error naming them all; repartition topics whose count the user did not fix are widened
 * (or narrowed) to the group's count, in `counts`; a fixed count that differs is an error too.
 *
 * `groups` hold (decorated) topic names; `fixedRepartitionCounts` maps every repartition topic to the count
 * the user fixed (`Repartitioned.numberOfPartitions`) or null.
 */
export function enforceCopartitioning(
  groups: ReadonlyArray<readonly string[]>,
  counts: Map<string, number>,
  fixedRepartitionCounts: ReadonlyMap<string, number | null>,
): void {
  for (const group of groups) {
    const userTopics = group.filter((t) => !fixedRepartitionCounts.has(t) && counts.has(t));
    const userCounts = new Set(userTopics.map((t) => counts.get(t)!));
    if (userCounts.size > 1) {
      const list = [...userTopics].sort().map((t) => `${t} (${counts.get(t)} partitions)`);
      throw new TopologyError(
        `Topics not co-partitioned: ${list.join(', ')}. Joined topics must have the same number of partitions; repartition one of them (e.g. KStream.repartition(Repartitioned.numberOfPartitions(n))).`,
      );
    }
    const repartition = group.filter((t) => fixedRepartitionCounts.has(t));
    const fixed = repartition.filter((t) => fixedRepartitionCounts.get(t) !== null);
    let target: number | undefined = userCounts.size === 1 ? [...userCounts][0] : undefined;
    for (const t of fixed) {
      const n = fixedRepartitionCounts.get(t)!;
      if (target === undefined) target = n;
      else if (n !== target) {
        throw new TopologyError(
          `Number of partitions [${n}] of repartition topic [${t}] doesn't match number of partitions [${target}] of the topics it is joined with (${group.filter((x) => x !== t).join(', ')}).`,
        );
      }
    }
    if (target === undefined) {
      const known = repartition.map((t) => counts.get(t)).filter((n): n is number => n !== undefined);
      if (known.length === 0) continue;
      target = Math.max(...known);
    }
    for (const t of repartition) if (fixedRepartitionCounts.get(t) === null) counts.set(t, target);
  }
}
