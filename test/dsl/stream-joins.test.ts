import { describe, expect, it } from 'vitest';
import { Consumed, JoinWindows, Serdes, Stores, StreamJoined, StreamsBuilder, TopologyError } from '../../src/index.js';
import { enforceCopartitioning } from '../../src/topology/copartition.js';
import { TopologyTestDriver } from '../../test-driver/index.js';

const S = Serdes.String();

describe('JoinWindows', () => {
  it('ofTimeDifference* set before = after and the grace; before/after change one side', () => {
    const w = JoinWindows.ofTimeDifferenceAndGrace(10, 5);
    expect([w.beforeMs, w.afterMs, w.gracePeriodMs(), w.size()]).toEqual([10, 10, 5, 20]);
    const a = w.before(2).after(7);
    expect([a.beforeMs, a.afterMs, a.gracePeriodMs(), a.size()]).toEqual([2, 7, 5, 9]);
    expect(JoinWindows.ofTimeDifferenceWithNoGrace(3).gracePeriodMs()).toBe(0);
    expect(String(a)).toBe('JoinWindows{beforeMs=2, afterMs=7, graceMs=5}');
  });

  it('rejects negative differences and grace, empty windows, and grace() on the new factories', () => {
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(-1)).toThrow(/must not be negative/);
    expect(() => JoinWindows.ofTimeDifferenceAndGrace(1, -1)).toThrow(/Grace period must not be negative/);
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(5).before(-6)).toThrow(/cannot be smaller/);
    expect(JoinWindows.ofTimeDifferenceWithNoGrace(5).before(-5).size()).toBe(0);
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(5).grace(1)).toThrow(/Cannot call grace\(\)/);
    expect(() => JoinWindows.ofTimeDifferenceWithNoGrace(5).windowsFor(1)).toThrow();
  });

  it('deprecated of(): a day of grace minus the window, eager results', () => {
    const w = JoinWindows.of(1000);
    expect(w.gracePeriodMs()).toBe(86_400_000 - 2000);
    expect(w.spuriousResultFixEnabled).toBe(false);
    expect(w.grace(7).gracePeriodMs()).toBe(7);
  });
});

describe('StreamJoined and the join store settings', () => {
  it('a store supplier must retain duplicates and fit the windows; two suppliers need distinct names', () => {
    const join = (sj: StreamJoined<string, string, string>) => {
      const b = new StreamsBuilder();
      b.stream<string, string>('l', Consumed.with(S, S)).join(b.stream<string, string>('r', Consumed.with(S, S)), (x, y) => x + y, JoinWindows.ofTimeDifferenceAndGrace(5, 2), sj);
    };
    const ok = Stores.inMemoryWindowStore('a', 12, 10, true);
    expect(() => join(StreamJoined.with(Stores.inMemoryWindowStore('a', 12, 10, false), Stores.inMemoryWindowStore('b', 12, 10, true)))).toThrow(/retainDuplicates=true/);
    expect(() => join(StreamJoined.with(ok, Stores.inMemoryWindowStore('b', 12, 11, true)))).toThrow(/Window settings mismatch/);
    expect(() => join(StreamJoined.with(ok, Stores.inMemoryWindowStore('b', 11, 10, true)))).toThrow(/no smaller than its window size plus the grace/);
    expect(() => join(StreamJoined.with(ok, Stores.inMemoryWindowStore('a', 12, 10, true)))).toThrow(/same name/);
    expect(() => join(StreamJoined.with(ok, Stores.inMemoryWindowStore('b', 12, 10, true)))).not.toThrow();
  });

  it('withLoggingDisabled leaves the join without changelog topics; in-memory stores by config', async () => {
    const b = new StreamsBuilder();
    b.stream<string, string>('l', Consumed.with(S, S))
      .outerJoin(b.stream<string, string>('r', Consumed.with(S, S)), (x, y) => `${x}+${y}`, JoinWindows.ofTimeDifferenceWithNoGrace(5), StreamJoined.with(S, S, S).withLoggingDisabled())
      .to('out');
    // as in Java, the DSL picks store types from the config given to build()
    const d = new TopologyTestDriver(b.build({ 'default.dsl.store': 'in_memory' }), { 'application.id': 'x', 'default.key.serde': S, 'default.value.serde': S }, 0);
    try {
      const l = d.createInputTopic('l', S, S);
      const r = d.createInputTopic('r', S, S);
      await l.pipeInput('k', 'a', 1);
      await r.pipeInput('k', 'b', 2);
      await r.pipeInput('j', 'c', 20);
      expect(d.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([{ key: 'k', value: 'a+b' }]);
      expect([...d.producedTopicNames()]).toEqual(['out']);
      const stores = await d.getAllStateStores();
      expect([...stores.values()].every((s) => !s.persistent())).toBe(true);
    } finally {
      await d.close();
    }
  });
});

describe('join window stores', () => {
  it.each(['in_memory', 'rocksDB'])('a key that prefixes another does not match its records (%s)', async (store) => {
    const b = new StreamsBuilder();
    b.stream<string, string>('l', Consumed.with(S, S))
      .join(b.stream<string, string>('r', Consumed.with(S, S)), (x, y) => `${x}+${y}`, JoinWindows.ofTimeDifferenceWithNoGrace(10))
      .to('out');
    const d = new TopologyTestDriver(b.build({ 'default.dsl.store': store }), { 'application.id': 'x', 'default.key.serde': S, 'default.value.serde': S }, 0);
    try {
      const l = d.createInputTopic('l', S, S);
      const r = d.createInputTopic('r', S, S);
      await l.pipeInput('k1', 'a', 5);
      await l.pipeInput('k10', 'b', 5);
      await l.pipeInput('k1\u0000', 'c', 5);
      await r.pipeInput('k1', 'x', 6);
      await r.pipeInput('k10', 'y', 7);
      expect(d.createOutputTopic('out', S, S).readKeyValuesToList()).toEqual([
        { key: 'k1', value: 'a+x' },
        { key: 'k10', value: 'b+y' },
      ]);
      const ws = (await d.getWindowStore<string, string>('KSTREAM-JOINTHIS-0000000004-store'))!;
      const fetched: string[] = [];
      for await (const kv of await ws.fetch('k1', 0, 100)) fetched.push(kv.value);
      expect(fetched).toEqual(['a']);
    } finally {
      await d.close();
    }
  });
});

describe('co-partitioning of joined topics', () => {
  const topology = () => {
    const b = new StreamsBuilder();
    const l = b.stream<string, string>('left', Consumed.with(S, S));
    const r = b.stream<string, string>('right', Consumed.with(S, S)).selectKey((_k, v) => v);
    l.join(r, (x, y) => x + y, JoinWindows.ofTimeDifferenceWithNoGrace(5)).to('out');
    return b.build().internalTopologyBuilder;
  };

  it('a join records its upstream source topics as a co-partition group (through repartitioning)', () => {
    expect(topology().copartitionGroupTopics()).toEqual([['left', 'KSTREAM-KEY-SELECT-0000000002-repartition']]);
  });

  it('user topics with different partition counts are an error naming both', () => {
    const counts = new Map([['left', 2], ['right', 3]]);
    expect(() => enforceCopartitioning([['left', 'right']], counts, new Map())).toThrow(TopologyError);
    expect(() => enforceCopartitioning([['left', 'right']], counts, new Map())).toThrow(/left \(2 partitions\), right \(3 partitions\)/);
    expect(() => enforceCopartitioning([['left', 'right']], new Map([['left', 4], ['right', 4]]), new Map())).not.toThrow();
  });

  it('a repartition topic takes the count of the topic it is joined with; a fixed count must match', () => {
    const counts = new Map([['left', 4], ['rp', 1]]);
    enforceCopartitioning([['left', 'rp']], counts, new Map([['rp', null]]));
    expect(counts.get('rp')).toBe(4);
    expect(() => enforceCopartitioning([['left', 'rp']], new Map([['left', 4], ['rp', 2]]), new Map([['rp', 2]]))).toThrow(/repartition topic \[rp\]/);
  });
});
