import { describe, expect, it } from 'vitest';
import type { GroupMember } from '../../src/kafka/client-port.js';
import { StreamsPartitionAssignor, decodeJson, encodeJson, type AssignmentInfo, type SubscriptionInfo } from '../../src/runtime/task-assignor.js';
import type { TaskSpec } from '../../src/runtime/topology-metadata.js';

/** Two sub-topologies over 3 partitions: tasks 0_0..0_2 (topic a) and 1_0..1_2 (topics b and c, co-partitioned). */
const tasks = (): TaskSpec[] => [
  ...[0, 1, 2].map((p) => ({ id: `0_${p}`, subtopology: 0, partition: p, partitions: [{ topic: 'a', partition: p }] })),
  ...[0, 1, 2].map((p) => ({ id: `1_${p}`, subtopology: 1, partition: p, partitions: [{ topic: 'b', partition: p }, { topic: 'c', partition: p }] })),
];

const member = (memberId: string, info: Partial<SubscriptionInfo> = {}): GroupMember => ({
  memberId,
  topics: ['a', 'b', 'c'],
  userData: encodeJson({ processId: memberId, previousTasks: [], tasksWithState: [], applicationServer: null, ...info } satisfies SubscriptionInfo),
});

function assign(members: GroupMember[]): Map<string, AssignmentInfo & { partitions: string[] }> {
  const assignor = new StreamsPartitionAssignor(() => tasks(), () => ({ processId: 'x', previousTasks: [], tasksWithState: [], applicationServer: null }));
  const result = assignor.assign({ members, partitionsPerTopic: new Map([['a', 3], ['b', 3], ['c', 3]]) }) as Map<string, { topicPartitions: Array<{ topic: string; partition: number }>; userData?: Buffer }>;
  return new Map(
    [...result].map(([id, a]) => [id, { ...decodeJson<AssignmentInfo>(a.userData ?? null)!, partitions: a.topicPartitions.map((tp) => `${tp.topic}-${tp.partition}`) }]),
  );
}

describe('StreamsPartitionAssignor', () => {
  it('gives whole tasks (co-partitioned partitions together), balanced', () => {
    const out = assign([member('m1'), member('m2')]);
    const counts = [...out.values()].map((a) => a.activeTasks.length);
    expect(counts.sort()).toEqual([3, 3]);
    for (const a of out.values()) {
      for (const t of a.activeTasks.filter((id) => id.startsWith('1_'))) {
        const p = t.split('_')[1];
        expect(a.partitions).toEqual(expect.arrayContaining([`b-${p}`, `c-${p}`]));
      }
    }
    expect(new Set([...out.values()].flatMap((a) => a.activeTasks)).size).toBe(6);
  });

  it('is sticky: tasks stay with their previous owner, then go where their state is', () => {
    const out = assign([member('m1', { previousTasks: ['0_0', '1_1'] }), member('m2', { tasksWithState: ['0_2', '1_2'] }), member('m3')]);
    expect(out.get('m1')!.activeTasks).toEqual(['0_0', '1_1']);
    expect(out.get('m2')!.activeTasks).toEqual(['0_2', '1_2']);
    expect(out.get('m3')!.activeTasks).toEqual(['0_1', '1_0']);
  });

  it('a member asking for the application to shut down (SHUTDOWN_APPLICATION) makes every member shut down', () => {
    const out = assign([member('m1', { previousTasks: ['0_0'] }), member('m2', { shutdownRequested: true })]);
    for (const a of out.values()) {
      expect(a.error).toBe('SHUTDOWN_REQUESTED');
      expect(a.activeTasks).toEqual([]);
      expect(a.partitions).toEqual([]);
    }
  });
});
