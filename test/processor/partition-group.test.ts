// max.task.idle.ms (KIP-695): when a task with several input partitions may process, as Java's
// PartitionGroup.readyToProcess decides.
import { describe, expect, it } from 'vitest';
import { StreamsConfig } from '../../src/config/streams-config.js';
import { ConfigError } from '../../src/errors/streams-error.js';
import { Serdes, Topology } from '../../src/index.js';
import { Headers } from '../../src/processor/headers.js';
import { PartitionGroup } from '../../src/processor/internals/partition-group.js';
import { StreamTask } from '../../src/processor/internals/stream-task.js';
import { StreamsMetrics } from '../../src/processor/internals/streams-metrics.js';
import { recording, type Seen } from './helpers.js';

const A = { topic: 'a', partition: 0 };
const B = { topic: 'b', partition: 0 };

function group(maxTaskIdleMs: number) {
  const enforced = new StreamsMetrics().counter('enforced-processing-total', 'stream-task-metrics', {});
  const g = new PartitionGroup(maxTaskIdleMs, [A, B], enforced);
  const buffered = new Set<string>();
  const ready = (now: number) => g.readyToProcess(now, (topic) => buffered.has(topic));
  return { g, buffered, ready, enforced };
}

describe('PartitionGroup.readyToProcess (max.task.idle.ms)', () => {
  it('is ready when every partition has buffered records, and never when none has', () => {
    for (const idle of [-1, 0, 1000]) {
      const { buffered, ready, enforced } = group(idle);
      expect(ready(0)).toBe(false);
      buffered.add('a').add('b');
      expect(ready(0)).toBe(true);
      expect(enforced.value()).toBe(0);
    }
  });

  it('0 (the default): waits for an empty partition until its lag is known to be 0, then processes at once (enforced)', () => {
    const { g, buffered, ready, enforced } = group(0);
    buffered.add('a');
    expect(ready(0)).toBe(false); // b's lag unknown: nothing fetched yet
    expect(g.awaited((t) => buffered.has(t))).toEqual([B]);
    g.updateLag('b', 0, 3);
    expect(ready(0)).toBe(false); // b has data on the broker, not here yet
    expect(g.awaited((t) => buffered.has(t))).toEqual([B]);
    g.updateLag('b', 0, 0);
    expect(g.awaited((t) => buffered.has(t))).toEqual([]);
    expect(ready(0)).toBe(true);
    expect(enforced.value()).toBe(1);
  });

  it('a positive value waits that long (wall-clock) for a partition known to be empty, from when it was first seen so', () => {
    const { g, buffered, ready, enforced } = group(500);
    buffered.add('a');
    g.updateLag('b', 0, 0);
    expect(ready(1000)).toBe(false); // deadline 1500
    expect(ready(1499)).toBe(false);
    expect(ready(1500)).toBe(true);
    expect(ready(1600)).toBe(true);
    expect(enforced.value()).toBe(2);
    // b delivers: the deadline is gone; once b is empty again the wait starts over
    buffered.add('b');
    expect(ready(1700)).toBe(true);
    buffered.delete('b');
    expect(ready(1800)).toBe(false);
    expect(ready(2300)).toBe(true);
  });

  it('a positive lag resets the wait: data is coming', () => {
    const { g, buffered, ready } = group(500);
    buffered.add('a');
    g.updateLag('b', 0, 0);
    expect(ready(0)).toBe(false);
    g.updateLag('b', 0, 2);
    expect(ready(600)).toBe(false);
    g.updateLag('b', 0, 0);
    expect(ready(700)).toBe(false); // a new wait from 700
    expect(ready(1200)).toBe(true);
  });

  it('-1: never waits, whatever the lags', () => {
    const { g, buffered, ready, enforced } = group(-1);
    buffered.add('a');
    expect(ready(0)).toBe(true);
    expect(g.awaited((t) => buffered.has(t))).toEqual([]);
    expect(enforced.value()).toBe(0);
  });

  it('refuses a value below -1, naming the key', () => {
    expect(() => group(-2)).toThrow(ConfigError);
    expect(() => group(-2)).toThrow(/max\.task\.idle\.ms/);
  });
});

describe('StreamTask.isProcessable', () => {
  async function task(inputPartitions?: Array<{ topic: string; partition: number }>): Promise<{ task: StreamTask; seen: Seen[] }> {
    const seen: Seen[] = [];
    const builder = new Topology()
      .addSource('src', Serdes.String().deserializer(), Serdes.String().deserializer(), 'a', 'b')
      .addProcessor('rec', recording(seen), 'src')
      .internalTopologyBuilder.setApplicationId('app');
    const collector = { send: () => undefined, partitionsFor: () => 1, flush: () => undefined };
    const config = new StreamsConfig({ 'application.id': 'app', 'max.task.idle.ms': 100 });
    const t = new StreamTask({ id: '0_0', plan: builder.buildTopology(), builder, config, collector, clock: () => 0, ...(inputPartitions ? { inputPartitions } : {}) });
    await t.initialize();
    return { task: t, seen };
  }
  const add = (t: StreamTask, topic: string, offset: number, timestamp: number) =>
    t.addRecord({ topic, partition: 0, offset, timestamp, key: null, value: Buffer.from(`${topic}${offset}`), headers: new Headers() });

  it('with its input partitions (the Kafka runtime): waits for the empty one, then processes by timestamp', async () => {
    const { task: t, seen } = await task([A, B]);
    add(t, 'a', 0, 20);
    expect(t.isProcessable(0)).toBe(false);
    expect(t.partitionsAwaitingLag()).toEqual([B]);
    t.updateLag('b', 0, 0);
    expect(t.isProcessable(0)).toBe(false); // waits max.task.idle.ms for b
    add(t, 'b', 0, 10); // b's older record arrives in time
    while (t.isProcessable(50)) await t.process();
    expect(seen.map((r) => r.value)).toEqual(['b0']); // a0 waits again: b is empty (idle from 50)
    expect(t.isProcessable(150)).toBe(true);
    await t.process();
    expect(seen.map((r) => r.value)).toEqual(['b0', 'a0']);
    expect(t.metrics().metrics().find((m) => m.name === 'enforced-processing-total')?.value).toBe(1);
  });

  it('drops buffered records (and what it knew of lags) when cleared', async () => {
    const { task: t } = await task([A, B]);
    add(t, 'a', 0, 1);
    t.updateLag('b', 0, 0);
    t.clearBufferedRecords();
    expect(t.hasRecordsQueued()).toBe(false);
    add(t, 'a', 0, 1);
    expect(t.partitionsAwaitingLag()).toEqual([B]);
  });

  it('without them (the test driver): whatever is buffered is processable', async () => {
    const { task: t } = await task();
    expect(t.isProcessable(0)).toBe(false);
    add(t, 'a', 0, 20);
    expect(t.isProcessable(0)).toBe(true);
  });
});
