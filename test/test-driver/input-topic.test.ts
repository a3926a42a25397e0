import { afterEach, describe, expect, it } from 'vitest';
import { Headers, IllegalArgumentError, Serdes, Topology, type ProcessorContext, type Record } from '../../src/index.js';
import { TestRecord, TopologyTestDriver } from '../../test-driver/index.js';
import { hdrs, passThrough, type Seen } from '../processor/helpers.js';

// Java's TestInputTopic: records piped without a timestamp get the topic's current time, which then
// advances by `autoAdvance`; an explicit timestamp is used as is and does not move the topic's time.

let driver: TopologyTestDriver | null = null;
afterEach(async () => {
  await driver?.close();
  driver = null;
});

function setup(startMs = 1000, autoAdvanceMs = 0) {
  const seen: Seen[] = [];
  driver = new TopologyTestDriver(passThrough(seen), {}, 0);
  const input = driver.createInputTopic('input', Serdes.String(), Serdes.String(), startMs, autoAdvanceMs);
  const output = driver.createOutputTopic('output', Serdes.String(), Serdes.String());
  const times = (): number[] => seen.map((s) => s.timestamp);
  return { seen, input, output, times };
}

describe('TestInputTopic', () => {
  it('pipeInput(key, value, timestampMs) uses the given timestamp', async () => {
    const { seen, output } = setup();
    const input = driver!.createInputTopic('input', Serdes.String(), Serdes.String());
    await input.pipeInput('k', 'v', 42);
    expect(seen).toEqual([{ key: 'k', value: 'v', timestamp: 42, headers: [], topic: 'input', partition: 0, offset: 0 }]);
    expect(output.readRecord()).toEqual(new TestRecord('k', 'v', new Headers(), 42));
  });

  it('pipeInput(key, value) and pipeInput(value) use the topic time; pipeInput(value) has a null key', async () => {
    const { seen, times } = setup(1000, 0);
    const input = driver!.createInputTopic('input', Serdes.String(), Serdes.String(), 1000);
    await input.pipeInput('k', 'v');
    await input.pipeInput('only-value');
    expect(seen.map((s) => [s.key, s.value])).toEqual([
      ['k', 'v'],
      [null, 'only-value'],
    ]);
    expect(times()).toEqual([1000, 1000]);
  });

  it('without a start timestamp the topic time starts at the current system time', async () => {
    const { times } = setup();
    const before = Date.now();
    const input = driver!.createInputTopic('input', Serdes.String(), Serdes.String());
    const after = Date.now();
    await input.pipeInput('k', 'v');
    expect(times()[0]).toBeGreaterThanOrEqual(before);
    expect(times()[0]).toBeLessThanOrEqual(after);
  });

  it('pipeInput(TestRecord) carries headers and its own timestamp; without one it takes the topic time', async () => {
    const { seen, input } = setup(500, 0);
    const headers = new Headers().add('trace', 'abc').add('trace', 'def').add('empty', null);
    await input.pipeInput(new TestRecord('k1', 'v1', headers, 7));
    await input.pipeInput(new TestRecord('k2', 'v2'));
    await input.pipeInput(new TestRecord<string, string>('v3'));
    expect(seen).toEqual([
      { key: 'k1', value: 'v1', timestamp: 7, headers: [['trace', 'abc'], ['trace', 'def'], ['empty', null]], topic: 'input', partition: 0, offset: 0 },
      { key: 'k2', value: 'v2', timestamp: 500, headers: [], topic: 'input', partition: 0, offset: 1 },
      { key: null, value: 'v3', timestamp: 500, headers: [], topic: 'input', partition: 0, offset: 2 },
    ]);
  });

  it('auto-advance: each record without a timestamp moves the topic time; explicit timestamps do not', async () => {
    const { input, times } = setup(1000, 10);
    await input.pipeInput('a', '1');
    await input.pipeInput('b', '2');
    await input.pipeInput('c', '3', 5);
    await input.pipeInput('d', '4');
    await input.pipeInput(new TestRecord('e', '5', null, 77));
    await input.pipeInput('6');
    expect(times()).toEqual([1000, 1010, 5, 1020, 77, 1030]);
  });

  it('advanceTime moves the topic time; negative advances are rejected as in Java', async () => {
    const { input, times } = setup(0, 0);
    await input.pipeInput('a', '1');
    input.advanceTime(100);
    await input.pipeInput('b', '2');
    input.advanceTime(0);
    await input.pipeInput('c', '3');
    expect(times()).toEqual([0, 100, 100]);
    expect(() => input.advanceTime(-1)).toThrow(IllegalArgumentError);
    expect(() => input.advanceTime(-1)).toThrow('advance must be positive');
    expect(() => driver!.createInputTopic('input', Serdes.String(), Serdes.String(), 0, -1)).toThrow('autoAdvance must be positive');
  });

  it('pipeKeyValueList without start/advance uses (and advances) the topic time', async () => {
    const { seen, input, times } = setup(500, 5);
    await input.pipeKeyValueList([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
      { key: 'c', value: '3' },
    ]);
    expect(seen.map((s) => [s.key, s.value])).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    expect(times()).toEqual([500, 505, 510]);
    await input.pipeInput('d', '4');
    expect(times()[3]).toBe(515);
  });

  it('pipeKeyValueList with start/advance stamps start, start+advance, ... and leaves the topic time alone', async () => {
    const { input, times } = setup(500, 5);
    await input.pipeKeyValueList(
      [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'c', value: '3' },
      ],
      2000,
      100,
    );
    await input.pipeInput('d', '4');
    expect(times()).toEqual([2000, 2100, 2200, 500]);
  });

  it('pipeValueList pipes null-keyed records, with or without start/advance', async () => {
    const { seen, input, times } = setup(10, 1);
    await input.pipeValueList(['x', 'y']);
    await input.pipeValueList(['z', 'w'], 300, 50);
    expect(seen.map((s) => [s.key, s.value])).toEqual([
      [null, 'x'],
      [null, 'y'],
      [null, 'z'],
      [null, 'w'],
    ]);
    expect(times()).toEqual([10, 11, 300, 350]);
  });

  it('pipeRecordList pipes each record in order, stamping those without a timestamp from the topic time', async () => {
    const { seen, input, times } = setup(100, 10);
    await input.pipeRecordList([
      new TestRecord('a', '1'),
      new TestRecord('b', '2', new Headers().add('h', 'x'), 3),
      new TestRecord('c', '3'),
    ]);
    expect(seen.map((s) => [s.key, s.value, s.headers])).toEqual([
      ['a', '1', []],
      ['b', '2', [['h', 'x']]],
      ['c', '3', []],
    ]);
    expect(times()).toEqual([100, 3, 110]);
  });

  it('offsets increase per topic, from 0, on partition 0', async () => {
    const seen: Seen[] = [];
    driver = new TopologyTestDriver(passThrough(seen, ['in-a', 'in-b']), {}, 0);
    const a = driver.createInputTopic('in-a', Serdes.String(), Serdes.String(), 0);
    const b = driver.createInputTopic('in-b', Serdes.String(), Serdes.String(), 0);
    await a.pipeInput('k', '1');
    await a.pipeInput('k', '2');
    await b.pipeInput('k', '3');
    await a.pipeInput('k', '4');
    await b.pipeInput('k', '5');
    expect(seen.map((s) => [s.topic, s.partition, s.offset])).toEqual([
      ['in-a', 0, 0],
      ['in-a', 0, 1],
      ['in-b', 0, 0],
      ['in-a', 0, 2],
      ['in-b', 0, 1],
    ]);
  });

  it('a TestRecord rejects a negative timestamp (Java: the long-millis constructor)', () => {
    expect(() => new TestRecord('k', 'v', null, -1)).toThrow(IllegalArgumentError);
    expect(() => new TestRecord('k', 'v', null, -1)).toThrow('Invalid timestamp: -1. Timestamp should always be non-negative or null.');
  });

  it('TestRecord keeps its own copy of the headers it was given (Java copies them)', () => {
    const headers = new Headers().add('a', '1');
    const r = new TestRecord('k', 'v', headers, 1);
    headers.add('b', '2');
    expect(hdrs(r.headers)).toEqual([['a', '1']]);
    expect(r.getRecordTime()).toBe(1);
    expect(new TestRecord('v').getRecordTime()).toBeNull();
  });

  it('piping to a topic the topology does not read fails naming the topic', async () => {
    const { input, seen } = setup();
    const unknown = driver!.createInputTopic('nope', Serdes.String(), Serdes.String());
    await expect(unknown.pipeInput('k', 'v')).rejects.toThrow(IllegalArgumentError);
    await expect(unknown.pipeInput('k', 'v')).rejects.toThrow('Unknown topic: nope');
    // the failed pipes do not disturb the real topic
    await input.pipeInput('k', 'v');
    expect(seen.map((s) => s.offset)).toEqual([0]);
  });

  it('a processor changing the headers of its record does not change the piped TestRecord', async () => {
    const topology = new Topology()
      .addSource('src', Serdes.String().deserializer(), Serdes.String().deserializer(), 'input')
      .addProcessor('tag', () => ({ init(c: ProcessorContext) { ctx = c; }, process(r: Record<unknown, unknown>) { r.headers.add('added', 'x'); return ctx.forward(r); } }), 'src')
      .addSink('sink', 'output', Serdes.String().serializer(), Serdes.String().serializer(), 'tag');
    let ctx: ProcessorContext;
    driver = new TopologyTestDriver(topology, {}, 0);
    const input = driver.createInputTopic('input', Serdes.String(), Serdes.String(), 0);
    const output = driver.createOutputTopic('output', Serdes.String(), Serdes.String());
    const record = new TestRecord('k', 'v', new Headers().add('a', '1'), 1);
    await input.pipeInput(record);
    expect(hdrs(record.headers)).toEqual([['a', '1']]);
    expect(hdrs(output.readRecord().headers)).toEqual([['a', '1'], ['added', 'x']]);
  });
});
