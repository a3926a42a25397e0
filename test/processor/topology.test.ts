import { afterEach, describe, expect, it } from 'vitest';
import { Serdes, Stores, Topology, TopologyError, type Processor, type ProcessorContext } from '../../src/index.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import type { Seen } from './helpers.js';

// Topology (the Processor API) validation, with Java's TopologyException messages.

const S = Serdes.String();
const noop = (): Processor => ({ process: () => undefined });
const kv = (name: string) => Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), S, S);

function base(): Topology {
  return new Topology().addSource('src', S.deserializer(), S.deserializer(), 'input').addProcessor('p', noop, 'src');
}

function invalid(build: () => unknown, message: string): void {
  expect(build).toThrow(TopologyError);
  expect(build).toThrow(`Invalid topology: ${message}`);
}

let driver: TopologyTestDriver | null = null;
afterEach(async () => {
  await driver?.close();
  driver = null;
});

describe('Topology validation', () => {
  it('rejects duplicate node names, whatever the kind of node', () => {
    invalid(() => base().addSource('src', S.deserializer(), S.deserializer(), 'other'), 'Processor src is already added.');
    invalid(() => base().addProcessor('p', noop, 'src'), 'Processor p is already added.');
    invalid(() => base().addSink('p', 'out', 'src'), 'Processor p is already added.');
    invalid(
      () => base().addGlobalStore(kv('g').withLoggingDisabled(), 'p', S.deserializer(), S.deserializer(), 'g-topic', 'g-proc', noop),
      'Processor p is already added.',
    );
  });

  it('rejects unknown, missing and self parents', () => {
    invalid(() => base().addProcessor('q', noop, 'nope'), 'Predecessor processor nope is not added yet for q');
    invalid(() => base().addProcessor('q', noop), 'Processor q must have at least one parent');
    invalid(() => base().addProcessor('q', noop, 'q'), 'Processor q cannot be a predecessor of itself.');
    invalid(() => base().addSink('s', 'out', 'nope'), 'Predecessor processor nope is not added yet.');
    invalid(() => base().addSink('s', 'out'), 'Sink s must have at least one parent');
    invalid(() => base().addSink('s', 'out', 's'), 'Processor s cannot be a predecessor of itself.');
  });

  it('rejects a sink as a parent: addSink at once, addProcessor (as in Java) when the task is built', () => {
    invalid(() => base().addSink('s', 'out', 'p').addSink('s2', 'out2', 's'), 'Sink s cannot be used a parent.');
    const topology = base().addSink('s', 'out', 'p').addProcessor('q', noop, 's');
    expect(() => new TopologyTestDriver(topology, {}, 0)).toThrow('sink node does not allow addChild');
  });

  it('rejects a topic read by two sources, and a source without topics', () => {
    invalid(() => base().addSource('src2', S.deserializer(), S.deserializer(), 'input'), 'Topic input has already been registered by another source.');
    invalid(() => base().addSource('src2', 'a', 'input'), 'Topic input has already been registered by another source.');
    invalid(() => new Topology().addSource('src'), 'You must provide at least one topic');
    invalid(
      () => base().addGlobalStore(kv('g').withLoggingDisabled(), 'g-src', S.deserializer(), S.deserializer(), 'input', 'g-proc', noop),
      'Topic input has already been registered by another source.',
    );
  });

  it('rejects a topic and a pattern that overlap', () => {
    invalid(() => base().addSource('src2', /in.*/), 'Pattern in.* will match a topic that has already been registered by another source.');
    invalid(
      () => new Topology().addSource('src', /topic-\d+/).addSource('src2', 'topic-1'),
      'Topic topic-1 matches a Pattern already registered by another source.',
    );
    // Java matches the whole name: "topic-\d+" does not cover "my-topic-1"
    expect(() => new Topology().addSource('src', /topic-\d+/).addSource('src2', 'my-topic-1')).not.toThrow();
  });

  it('rejects a second, different store of the same name; the same builder twice is fine', () => {
    const builder = kv('s');
    expect(() => base().addStateStore(builder, 'p').addStateStore(builder, 'p')).not.toThrow();
    invalid(() => base().addStateStore(kv('s'), 'p').addStateStore(kv('s')), 'A different StateStore has already been added with the name s');
    invalid(
      () =>
        base()
          .addGlobalStore(kv('g').withLoggingDisabled(), 'g-src', S.deserializer(), S.deserializer(), 'g-topic', 'g-proc', noop)
          .addStateStore(kv('g')),
      'A different GlobalStateStore has already been added with the name g',
    );
    invalid(
      () =>
        base()
          .addStateStore(kv('g'))
          .addGlobalStore(kv('g').withLoggingDisabled(), 'g-src', S.deserializer(), S.deserializer(), 'g-topic', 'g-proc', noop),
      'A different StateStore has already been added with the name g',
    );
  });

  it('validates store connections', () => {
    invalid(() => base().addStateStore(kv('s'), 'nope'), 'Processor nope is not added yet.');
    invalid(() => base().addStateStore(kv('s'), 'src'), 'cannot connect a state store s to a source node or a sink node.');
    invalid(() => base().connectProcessorAndStateStores('p', 'nope'), 'StateStore nope is not added yet.');
    invalid(() => base().connectProcessorAndStateStores('p'), 'Must provide at least one state store name.');
    invalid(
      () =>
        base()
          .addGlobalStore(kv('g').withLoggingDisabled(), 'g-src', S.deserializer(), S.deserializer(), 'g-topic', 'g-proc', noop)
          .connectProcessorAndStateStores('p', 'g'),
      'Global StateStore g can be used by a Processor without being specified; it should not be explicitly passed.',
    );
  });

  it('validates global stores', () => {
    invalid(
      () => base().addGlobalStore(kv('g'), 'g-src', S.deserializer(), S.deserializer(), 'g-topic', 'g-proc', noop),
      'StateStore g for global table must not have logging enabled.',
    );
    invalid(
      () => base().addGlobalStore(kv('g').withLoggingDisabled(), 'same', S.deserializer(), S.deserializer(), 'g-topic', 'same', noop),
      'sourceName and processorName must be different.',
    );
  });

  it('a store connected with connectProcessorAndStateStores is reachable; an unconnected one fails at init naming both', async () => {
    const using = (): Processor => ({
      init(c: ProcessorContext) {
        c.getStateStore('s');
      },
      process: () => undefined,
    });
    const connected = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor('user', using, 'src')
      .addStateStore(kv('s'))
      .connectProcessorAndStateStores('user', 's');
    driver = new TopologyTestDriver(connected, {}, 0);
    await driver.createInputTopic('input', S, S, 0).pipeInput('k', 'v');
    await driver.close();

    const unconnected = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor('user', using, 'src')
      .addProcessor('owner', noop, 'src')
      .addStateStore(kv('s'), 'owner');
    driver = new TopologyTestDriver(unconnected, {}, 0);
    const error = (await driver
      .createInputTopic('input', S, S, 0)
      .pipeInput('k', 'v')
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(`failed to initialize processor user: ${(error.cause as Error).message}`);
    expect((error.cause as Error).message).toMatch(/^Processor user has no access to StateStore s as the store is not connected to the processor\./);
  });

  it('a pattern source reads every topic whose whole name matches', async () => {
    const seen: Seen[] = [];
    const t = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), /topic-\d+/)
      .addProcessor('p', () => ({ process: (r) => void seen.push({ key: r.key, value: r.value } as Seen) }), 'src');
    driver = new TopologyTestDriver(t, {}, 0);
    await driver.createInputTopic('topic-1', S, S, 0).pipeInput('a', '1');
    await driver.createInputTopic('topic-22', S, S, 0).pipeInput('b', '2');
    await expect(driver.createInputTopic('my-topic-3', S, S, 0).pipeInput('c', '3')).rejects.toThrow('Unknown topic: my-topic-3');
    await expect(driver.createInputTopic('topic-4x', S, S, 0).pipeInput('d', '4')).rejects.toThrow('Unknown topic: topic-4x');
    expect(seen.map((s) => s.key)).toEqual(['a', 'b']);
  });
});
