import { afterEach, describe, expect, it } from 'vitest';
import { Headers, NoSuchElementError, Serdes, StreamsError, Topology } from '../../src/index.js';
import { TestRecord, TopologyTestDriver, type TestInputTopic, type TestOutputTopic } from '../../test-driver/index.js';
import { hdrs } from '../processor/helpers.js';

// Java's TestOutputTopic: reads (and removes) what the topology produced to a topic, in order.

let driver: TopologyTestDriver | null = null;
afterEach(async () => {
  await driver?.close();
  driver = null;
});

/** `input` -> `output`, String keys and Long values, unchanged. */
function setup(): { input: TestInputTopic<string | null, number | null>; output: TestOutputTopic<string | null, number | null> } {
  const topology = new Topology()
    .addSource('src', Serdes.String().deserializer(), Serdes.Long().deserializer(), 'input')
    .addSink('sink', 'output', Serdes.String().serializer(), Serdes.Long().serializer(), 'src');
  driver = new TopologyTestDriver(topology, {}, 0);
  return {
    input: driver.createInputTopic<string | null, number | null>('input', Serdes.String(), Serdes.Long(), 0, 1),
    output: driver.createOutputTopic<string | null, number | null>('output', Serdes.String(), Serdes.Long()),
  };
}

describe('TestOutputTopic', () => {
  it('readValue / readKeyValue / readRecord read one record each, in order', async () => {
    const { input, output } = setup();
    await input.pipeInput('a', 1, 100);
    await input.pipeInput('b', 2, 200);
    await input.pipeInput(new TestRecord<string | null, number | null>('c', 3, new Headers().add('h', 'v'), 300));
    expect(output.getQueueSize()).toBe(3);
    expect(output.readValue()).toBe(1);
    expect(output.readKeyValue()).toEqual({ key: 'b', value: 2 });
    const r = output.readRecord();
    expect(r).toBeInstanceOf(TestRecord);
    expect(r.key).toBe('c');
    expect(r.value).toBe(3);
    expect(r.timestamp).toBe(300);
    expect(r.getRecordTime()).toBe(300);
    expect(hdrs(r.headers)).toEqual([['h', 'v']]);
    expect(output.isEmpty()).toBe(true);
  });

  it('readValuesToList / readKeyValuesToList / readRecordsToList drain the topic', async () => {
    const { input, output } = setup();
    await input.pipeKeyValueList([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    expect(output.readValuesToList()).toEqual([1, 2]);
    expect(output.readValuesToList()).toEqual([]);
    await input.pipeKeyValueList([
      { key: 'c', value: 3 },
      { key: null, value: null },
    ]);
    expect(output.readKeyValuesToList()).toEqual([
      { key: 'c', value: 3 },
      { key: null, value: null },
    ]);
    await input.pipeKeyValueList(
      [
        { key: 'd', value: 4 },
        { key: 'e', value: 5 },
      ],
      1000,
      10,
    );
    const records = output.readRecordsToList();
    expect(records.map((r) => [r.key, r.value, r.timestamp, hdrs(r.headers)])).toEqual([
      ['d', 4, 1000, []],
      ['e', 5, 1010, []],
    ]);
    expect(output.isEmpty()).toBe(true);
  });

  it('readKeyValuesToMap keeps the last value per key and a tombstone as null', async () => {
    const { input, output } = setup();
    await input.pipeKeyValueList([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
      { key: 'a', value: 3 },
      { key: 'b', value: null },
      { key: 'c', value: 5 },
    ]);
    const map = output.readKeyValuesToMap();
    expect(map).toEqual(
      new Map<string, number | null>([
        ['a', 3],
        ['b', null],
        ['c', 5],
      ]),
    );
    expect(map.has('b')).toBe(true);
    expect(output.isEmpty()).toBe(true);
  });

  it('readKeyValuesToMap fails on a null key (Java: IllegalStateException), leaving later records unread', async () => {
    const { input, output } = setup();
    await input.pipeInput('a', 1);
    await input.pipeInput(2);
    await input.pipeInput('c', 3);
    expect(() => output.readKeyValuesToMap()).toThrow(StreamsError);
    expect(output.getQueueSize()).toBe(1);
    await input.pipeInput(null, 4);
    expect(() => output.readKeyValuesToMap()).toThrow('Null keys not allowed with readKeyValuesToMap method');
    expect(output.isEmpty()).toBe(true);
  });

  it('isEmpty and getQueueSize follow reads; a topic never produced to is empty', async () => {
    const { input, output } = setup();
    const never = driver!.createOutputTopic('never', Serdes.String(), Serdes.Long());
    expect(output.isEmpty()).toBe(true);
    expect(output.getQueueSize()).toBe(0);
    expect(never.isEmpty()).toBe(true);
    expect(never.getQueueSize()).toBe(0);
    await input.pipeInput('a', 1);
    await input.pipeInput('b', 2);
    expect(output.isEmpty()).toBe(false);
    expect(output.getQueueSize()).toBe(2);
    output.readValue();
    expect(output.getQueueSize()).toBe(1);
    output.readValue();
    expect(output.isEmpty()).toBe(true);
  });

  it('reading an exhausted topic throws "Empty topic: <name>"; one never produced to "Uninitialized topic: <name>"', async () => {
    const { input, output } = setup();
    await input.pipeInput('a', 1);
    output.readValue();
    expect(() => output.readValue()).toThrow(NoSuchElementError);
    expect(() => output.readValue()).toThrow('Empty topic: output');
    expect(() => output.readRecord()).toThrow('Empty topic: output');
    expect(() => output.readKeyValue()).toThrow('Empty topic: output');
    const never = driver!.createOutputTopic('never', Serdes.String(), Serdes.Long());
    expect(() => never.readValue()).toThrow(NoSuchElementError);
    expect(() => never.readValue()).toThrow('Uninitialized topic: never');
  });

  it('two output topics on the same name share one queue (as in Java)', async () => {
    const { input, output } = setup();
    const again = driver!.createOutputTopic('output', Serdes.String(), Serdes.Long());
    await input.pipeKeyValueList([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    expect(output.readValue()).toBe(1);
    expect(again.readValue()).toBe(2);
    expect(output.isEmpty()).toBe(true);
  });

  it('reading with other serdes sees the bytes the sink wrote', async () => {
    const { input } = setup();
    const raw = driver!.createOutputTopic('output', Serdes.ByteArray(), Serdes.ByteArray());
    await input.pipeInput('k', 258);
    const r = raw.readRecord();
    expect(r.key).toEqual(Buffer.from('k'));
    expect(r.value).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 1, 2]));
  });
});
