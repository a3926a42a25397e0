import type { AssignmentContext, MemberAssignment, PartitionAssignor } from '../kafka/client-port.js';
import type { TaskSpec } from './topology-metadata.js';

/** What a member tells the leader when it joins (Java's `SubscriptionInfo`, as JSON). */
export interface SubscriptionInfo {
  readonly processId: string;
  /** Tasks the member ran until this rebalance: keeping them there avoids restoring state. */
  readonly previousTasks: readonly string[];
  /** Tasks whose state this member's process has on disk (persistent stores with a checkpoint). */
  readonly tasksWithState: readonly string[];
  /** `application.server` (host:port) for interactive queries, or null. */
  readonly applicationServer: string | null;
  /** An instance's uncaught exception handler chose SHUTDOWN_APPLICATION (Java's AssignorError.SHUTDOWN_REQUESTED). */
  readonly shutdownRequested?: boolean;
}

/** What the leader tells each member (Java's `AssignmentInfo`, as JSON). */
export interface AssignmentInfo {
  readonly activeTasks: readonly string[];
  /** application.server -> the source partitions whose tasks it hosts (for key routing). */
  readonly partitionsByHost: Readonly<Record<string, ReadonlyArray<{ topic: string; partition: number }>>>;
  /** Set when every instance must shut down (then no tasks are given). */
  readonly error?: 'SHUTDOWN_REQUESTED';
}

export const encodeJson = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
export function decodeJson<T>(bytes: Buffer | null): T | null {
  if (bytes === null || bytes.length === 0) return null;
  return JSON.parse(bytes.toString('utf8')) as T;
}

/**
 * Java's `StreamsPartitionAssignor` (simplified): turns partitions into tasks and gives every member whole
 * tasks, so co-partitioned partitions (the same partition of a task's topics) always go together. Balanced
 * (task counts differ by at most one) and sticky: a task stays with its previous owner, or goes to a member
 * whose process has its state on disk, before the rest are spread over the least loaded members.
 */
export class StreamsPartitionAssignor implements PartitionAssignor {
  readonly name = 'kstreams-ts';
  readonly version = 1;

  constructor(
    private readonly tasksFor: (partitionsPerTopic: ReadonlyMap<string, number>) => TaskSpec[],
    private readonly subscription: () => SubscriptionInfo,
  ) {}

  subscriptionUserData(): Buffer {
    return encodeJson(this.subscription());
  }

  assign(context: AssignmentContext): ReadonlyMap<string, MemberAssignment> {
    const tasks = this.tasksFor(context.partitionsPerTopic);
    const members = [...context.members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
    const infos = new Map(members.map((m) => [m.memberId, decodeJson<SubscriptionInfo>(m.userData)]));
    if ([...infos.values()].some((i) => i?.shutdownRequested === true)) {
      const shutdown = encodeJson({ activeTasks: [], partitionsByHost: {}, error: 'SHUTDOWN_REQUESTED' } satisfies AssignmentInfo);
      return new Map(members.map((m) => [m.memberId, { topicPartitions: [], userData: shutdown }]));
    }
    const owned = new Map<string, string[]>(members.map((m) => [m.memberId, []]));
    const capacity = Math.ceil(tasks.length / Math.max(1, members.length));
    const unassigned = new Set(tasks.map((t) => t.id));
    const give = (memberId: string, taskId: string): void => {
      owned.get(memberId)!.push(taskId);
      unassigned.delete(taskId);
    };
    const preferring = (pick: (info: SubscriptionInfo) => readonly string[]): void => {
      for (const taskId of [...unassigned]) {
        const m = members.find((x) => {
          const info = infos.get(x.memberId);
          return info !== null && info !== undefined && pick(info).includes(taskId) && owned.get(x.memberId)!.length < capacity;
        });
        if (m !== undefined) give(m.memberId, taskId);
      }
    };
    preferring((info) => info.previousTasks);
    preferring((info) => info.tasksWithState);
    for (const taskId of unassigned) {
      const least = members.reduce((a, b) => (owned.get(b.memberId)!.length < owned.get(a.memberId)!.length ? b : a));
      give(least.memberId, taskId);
    }
    const byId = new Map(tasks.map((t) => [t.id, t]));
    const partitionsByHost: Record<string, Array<{ topic: string; partition: number }>> = {};
    for (const m of members) {
      const host = infos.get(m.memberId)?.applicationServer;
      if (host) (partitionsByHost[host] ??= []).push(...owned.get(m.memberId)!.flatMap((t) => byId.get(t)!.partitions));
    }
    const result = new Map<string, MemberAssignment>();
    for (const m of members) {
      const activeTasks = owned.get(m.memberId)!.sort();
      result.set(m.memberId, {
        topicPartitions: activeTasks.flatMap((t) => byId.get(t)!.partitions),
        userData: encodeJson({ activeTasks, partitionsByHost } satisfies AssignmentInfo),
      });
    }
    return result;
  }
}
