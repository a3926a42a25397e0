/**
 * Scale-out: three KafkaStreams instances (in this process, each with its own state directory) share the
 * counting topology's 12 tasks (6 input partitions, 6 repartition partitions). Closing one moves its
 * tasks to the two others, which restore their state from the changelog; a fourth instance joining
 * later takes tasks; and the output, read_committed, is exactly-once with the oracle's final totals.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaStreams, KafkaStreamsState } from '../../src/runtime/kafka-streams.js';
import { countingTopology } from './fixtures/counting-topology.js';
import { bootstrapServers, uniqueName } from './kafka.js';
import { OutputFollower, createTopics, exactlyOnceProblems, produceInput, readTopic, tempStateDir, waitUntil } from './streams-harness.js';

const PARTITIONS = 6;
const KEYS = 300;
const FIRST = 30_000;
const ALL = 45_000;

interface Instance {
  readonly name: string;
  readonly streams: KafkaStreams;
  /** Changelog partitions restored, with the number of records restored. */
  readonly restored: Map<string, number>;
}

describe('KafkaStreams scale-out on a real broker', () => {
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close({ timeout: 30_000 })));
  });

  it('three instances share 6 partitions; a stopped one hands its tasks over (restored from the changelog); a new one takes tasks', async () => {
    const input = uniqueName('scale-in');
    const output = uniqueName('scale-out');
    const applicationId = uniqueName('scale-app');
    await createTopics([
      { topic: input, partitions: PARTITIONS },
      { topic: output, partitions: PARTITIONS },
    ]);
    const follower = new OutputFollower(output, uniqueName('scale-follow'));
    await follower.start();

    const start = async (name: string): Promise<Instance> => {
      const streams = new KafkaStreams(countingTopology(input, output), {
        'application.id': applicationId,
        'bootstrap.servers': bootstrapServers(),
        'processing.guarantee': 'exactly_once_v2',
        'state.dir': tempStateDir(),
        'session.timeout.ms': 10_000,
        'heartbeat.interval.ms': 1000,
      });
      const restored = new Map<string, number>();
      streams.setGlobalStateRestoreListener({
        onRestoreEnd: (tp, _store, total) => restored.set(`${tp.topic}-${tp.partition}`, (restored.get(`${tp.topic}-${tp.partition}`) ?? 0) + total),
      });
      running.push(streams);
      await streams.start();
      return { name, streams, restored };
    };
    const tasksOf = (i: Instance): string[] => [...i.streams.localTasks().keys()].sort();

    try {
      const a = await start('A');
      const b = await start('B');
      const c = await start('C');
      const trio = [a, b, c];
      await waitUntil('12 tasks spread over the three instances', () => {
        const counts = trio.map((i) => tasksOf(i).length);
        return counts.every((n) => n === 4) && trio.every((i) => i.streams.state() === KafkaStreamsState.RUNNING);
      });
      const all = trio.flatMap(tasksOf).sort();
      expect(new Set(all).size).toBe(12);
      // input arrives once the three share the work (so C's stores hold state that must move)
      await produceInput(input, 0, FIRST, KEYS);
      await waitUntil('the first half processed', () => follower.ids.size >= FIRST, 90_000);

      // C leaves: its tasks move to A and B, which restore C's stores from the changelog
      const moved = tasksOf(c);
      const movedStateful = moved.filter((t) => t.startsWith('1_'));
      expect(movedStateful.length).toBeGreaterThan(0);
      await c.streams.close();
      running.splice(running.indexOf(c.streams), 1);
      expect(c.streams.state()).toBe(KafkaStreamsState.NOT_RUNNING);
      await waitUntil('A and B own all 12 tasks', () => tasksOf(a).length + tasksOf(b).length === 12 && tasksOf(a).length === 6);
      for (const task of movedStateful) {
        const changelog = `${applicationId}-totals-changelog-${task.split('_')[1]}`;
        const restoredBy = [a, b].filter((i) => (i.restored.get(changelog) ?? 0) > 0);
        expect(restoredBy.length, `${changelog} restored by A or B`).toBe(1);
      }

      // more input, and a new instance joins and takes tasks
      await produceInput(input, FIRST, ALL, KEYS);
      const d = await start('D');
      await waitUntil('D owns tasks', () => tasksOf(d).length === 4 && tasksOf(a).length === 4 && tasksOf(b).length === 4);
      await waitUntil('every input record in the output', () => follower.ids.size >= ALL, 90_000);
    } finally {
      await follower.stop();
    }
    await Promise.all(running.splice(0).map((s) => s.close()));
    const records = await readTopic(output, PARTITIONS);
    expect(exactlyOnceProblems(records, ALL, KEYS)).toEqual([]);
    expect(records.length).toBe(ALL);
  }, 180_000);
});
