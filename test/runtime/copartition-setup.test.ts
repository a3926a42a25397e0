import { describe, expect, it } from 'vitest';
import { Consumed, JoinWindows, Serdes, StreamsBuilder, StreamsConfig, TopologyError } from '../../src/index.js';
import type { Admin, NewTopic } from '../../src/kafka/client-port.js';
import { setUpTopics } from '../../src/runtime/internal-topic-manager.js';
import { TopologyMetadata } from '../../src/runtime/topology-metadata.js';

const S = Serdes.String();

/** An Admin over a map of existing topics and their partition counts; records what it was asked to create. */
function fakeAdmin(existing: Record<string, number>): Admin & { created: NewTopic[] } {
  const topics = new Map(Object.entries(existing));
  const created: NewTopic[] = [];
  return {
    created,
    async createTopics(list) {
      for (const t of list) {
        if (!topics.has(t.topic)) {
          topics.set(t.topic, t.partitions);
          created.push(t);
        }
      }
      return list.map((t) => t.topic);
    },
    async describeTopics(names) {
      return names.map((topic) => ({ topic, partitions: topics.get(topic)!, replicationFactor: 1 }));
    },
    async listTopics() {
      return [...topics.keys()];
    },
    async deleteTopics() {},
    async endOffsets() {
      return [];
    },
    async committedOffsets() {
      return [];
    },
    async deleteGroups() {},
    async close() {},
  };
}

function joinTopology(rekeyRight: boolean) {
  const b = new StreamsBuilder();
  const left = b.stream<string, string>('left', Consumed.with(S, S));
  let right = b.stream<string, string>('right', Consumed.with(S, S));
  if (rekeyRight) right = right.selectKey((_k, v) => v);
  left.join(right, (l, r) => l + r, JoinWindows.ofTimeDifferenceWithNoGrace(10)).to('out');
  return b.build().internalTopologyBuilder;
}

describe('co-partitioning at start-up (KafkaStreams topic setup)', () => {
  const config = new StreamsConfig({ 'application.id': 'app', 'bootstrap.servers': 'x:1' });

  it('joined topics with different partition counts: start fails naming both, before creating anything', async () => {
    const admin = fakeAdmin({ left: 2, right: 3 });
    const setup = setUpTopics(admin, new TopologyMetadata(joinTopology(false), 'app'), config);
    await expect(setup).rejects.toThrow(TopologyError);
    await expect(setUpTopics(admin, new TopologyMetadata(joinTopology(false), 'app'), config)).rejects.toThrow(/left \(2 partitions\), right \(3 partitions\)/);
    expect(admin.created).toEqual([]);
  });

  it('a repartitioned side gets the partition count of the topic it is joined with', async () => {
    const admin = fakeAdmin({ left: 4, right: 1 });
    const setup = await setUpTopics(admin, new TopologyMetadata(joinTopology(true), 'app'), config);
    expect(setup.partitionCounts.get('app-KSTREAM-KEY-SELECT-0000000002-repartition')).toBe(4);
    expect(admin.created.find((t) => t.topic === 'app-KSTREAM-KEY-SELECT-0000000002-repartition')?.partitions).toBe(4);
    // the join's stores are as wide as the join's tasks
    expect(admin.created.filter((t) => t.topic.endsWith('-changelog')).map((t) => t.partitions)).toEqual([4, 4]);
  });
});
