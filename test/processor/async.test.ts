import { afterEach, describe, expect, it } from 'vitest';
import {
  PunctuationType,
  Record,
  Serdes,
  Stores,
  Topology,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
} from '../../src/index.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import { sleep } from './helpers.js';

// A processor's `process` (and a punctuator) may return a Promise: the task awaits it, and every forward it
// started, before the next record. Whatever mix of sync and async processors, the output order must be the
// order a fully synchronous run gives.

const S = Serdes.String();

let driver: TopologyTestDriver | null = null;
afterEach(async () => {
  await driver?.close();
  driver = null;
});

type Mode = 'sync' | 'async' | 'async-await-forward';

/** Delays that vary from call to call, so that a later call often finishes before an earlier one would. */
function delays(): () => number {
  const pattern = [3, 0, 2, 1];
  let i = 0;
  return () => pattern[i++ % pattern.length]!;
}

/**
 * Runs `body` synchronously, or after a varying setTimeout. With 'async' the forwards `body` makes are not
 * awaited by the processor; with 'async-await-forward' they are.
 */
function step<R>(mode: Mode, delay: () => number, body: (forward: (f: () => unknown) => unknown) => R): void | Promise<void> {
  if (mode === 'sync') {
    body((f) => f());
    return;
  }
  return (async () => {
    await sleep(delay());
    const pending: unknown[] = [];
    body((f) => pending.push(f()));
    if (mode === 'async-await-forward') for (const p of pending) await p;
  })();
}

/**
 * src -> Split -> {Upper, Count} -> out. Split forwards one record per word and, every 10 ms of stream
 * time, a tick (STREAM_TIME punctuation); Count numbers what it sees, so any reordering shows.
 */
function topology(split: Mode, upper: Mode, count: Mode): Topology {
  const splitP = (): Processor<string, string, string, string> => {
    let ctx: ProcessorContext<string, string>;
    const delay = delays();
    return {
      init(c) {
        ctx = c;
        c.schedule(10, PunctuationType.STREAM_TIME, (t) => step(split, delay, (fwd) => fwd(() => ctx.forward(new Record('tick', `tick@${t}`, t)))));
      },
      process(r) {
        return step(split, delay, (fwd) => {
          for (const w of r.value.split(' ')) fwd(() => ctx.forward(new Record(w, `${r.key}:${w}`, r.timestamp)));
        });
      },
    };
  };
  const upperP = (): Processor<string, string, string, string> => {
    let ctx: ProcessorContext<string, string>;
    const delay = delays();
    return {
      init: (c) => void (ctx = c),
      process: (r) => step(upper, delay, (fwd) => fwd(() => ctx.forward(r.withValue(r.value.toUpperCase())))),
    };
  };
  const countP = (): Processor<string, string, string, string> => {
    let ctx: ProcessorContext<string, string>;
    const delay = delays();
    let n = 0;
    return {
      init: (c) => void (ctx = c),
      process: (r) => step(count, delay, (fwd) => fwd(() => ctx.forward(r.withValue(`${r.value}#${++n}`)))),
    };
  };
  return new Topology()
    .addSource('src', S.deserializer(), S.deserializer(), 'input')
    .addProcessor('Split', splitP, 'src')
    .addProcessor('Upper', upperP, 'Split')
    .addProcessor('Count', countP, 'Split')
    .addSink('out-upper', 'out', S.serializer(), S.serializer(), 'Upper')
    .addSink('out-count', 'out', S.serializer(), S.serializer(), 'Count');
}

const EXPECTED = [
  'K1:A', 'k1:a#1', 'K1:B', 'k1:b#2', 'TICK@0', 'tick@0#3',
  'K2:C', 'k2:c#4',
  'K3:D', 'k3:d#5', 'K3:E', 'k3:e#6', 'K3:F', 'k3:f#7', 'TICK@12', 'tick@12#8',
];

async function run(split: Mode, upper: Mode, count: Mode): Promise<Array<[string, string, number]>> {
  driver = new TopologyTestDriver(topology(split, upper, count), {}, 0);
  const input = driver.createInputTopic('input', S, S, 0);
  await input.pipeInput('k1', 'a b', 0);
  await input.pipeInput('k2', 'c', 5);
  await input.pipeInput('k3', 'd e f', 12);
  const out = driver.createOutputTopic('out', S, S).readRecordsToList().map((r): [string, string, number] => [r.key, r.value, r.timestamp!]);
  await driver.close();
  driver = null;
  return out;
}

describe('async processors keep the synchronous order', () => {
  it('the synchronous run', async () => {
    const out = await run('sync', 'sync', 'sync');
    expect(out.map((o) => o[1])).toEqual(EXPECTED);
    expect(out.map((o) => o[2])).toEqual([0, 0, 0, 0, 0, 0, 5, 5, 12, 12, 12, 12, 12, 12, 12, 12]);
    expect(out.map((o) => o[0])).toEqual(['a', 'a', 'b', 'b', 'tick', 'tick', 'c', 'c', 'd', 'd', 'e', 'e', 'f', 'f', 'tick', 'tick']);
  });

  const modes: Mode[] = ['sync', 'async', 'async-await-forward'];
  const combos: Array<[Mode, Mode, Mode]> = [];
  for (const a of modes) for (const b of modes) for (const c of modes) if (!(a === 'sync' && b === 'sync' && c === 'sync')) combos.push([a, b, c]);

  it.each(combos)('Split %s, Upper %s, Count %s (punctuator as Split)', async (split, upper, count) => {
    const expected = await run('sync', 'sync', 'sync');
    expect(await run(split, upper, count)).toEqual(expected);
  });

  it('a processor awaiting a setTimeout before forwarding still emits records in input order', async () => {
    const waits = [25, 1, 15, 0, 5, 0];
    const topology = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor(
        'Slow',
        (): Processor<string, string, string, string> => {
          let ctx: ProcessorContext<string, string>;
          let i = 0;
          return {
            init: (c) => void (ctx = c),
            async process(r) {
              await new Promise((resolve) => setTimeout(resolve, waits[i++]));
              ctx.forward(r.withValue(`${r.value}!`));
            },
          };
        },
        'src',
      )
      .addSink('sink', 'out', S.serializer(), S.serializer(), 'Slow');
    driver = new TopologyTestDriver(topology, {}, 0);
    const input = driver.createInputTopic('input', S, S, 0, 1);
    await input.pipeValueList(['1', '2', '3', '4', '5', '6']);
    expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(['1!', '2!', '3!', '4!', '5!', '6!']);
  });

  it('pipes that are not awaited one by one are still processed one at a time, in call order', async () => {
    let active = 0;
    let maxActive = 0;
    const topology = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor(
        'Slow',
        (): Processor<string, string, string, string> => {
          let ctx: ProcessorContext<string, string>;
          const delay = delays();
          return {
            init: (c) => void (ctx = c),
            async process(r) {
              maxActive = Math.max(maxActive, ++active);
              await sleep(delay());
              active--;
              // the record context is still this record's after the await
              ctx.forward(r.withValue(`${r.value}@${ctx.recordMetadata()!.offset()}/${ctx.currentStreamTimeMs()}`));
            },
          };
        },
        'src',
      )
      .addSink('sink', 'out', S.serializer(), S.serializer(), 'Slow');
    driver = new TopologyTestDriver(topology, {}, 0);
    const input = driver.createInputTopic('input', S, S, 0, 10);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((v) => input.pipeInput(v)));
    await driver.advanceWallClockTime(1);
    await Promise.all(['f', 'g'].map((v) => input.pipeInput(v)));
    expect(driver.createOutputTopic('out', S, S).readValuesToList()).toEqual(['a@0/0', 'b@1/10', 'c@2/20', 'd@3/30', 'e@4/40', 'f@5/50', 'g@6/60']);
    expect(maxActive).toBe(1);
  });

  it('an async read-modify-write on a store sees every earlier record', async () => {
    const topology = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor(
        'Count',
        (): Processor<string, string, string, number> => {
          let ctx: ProcessorContext<string, number>;
          let store: KeyValueStore<string, number>;
          const delay = delays();
          return {
            init(c) {
              ctx = c;
              store = c.getStateStore('counts');
            },
            async process(r) {
              const before = (await store.get(r.key)) ?? 0;
              await sleep(delay());
              await store.put(r.key, before + 1);
              ctx.forward(r.withValue(before + 1));
            },
          };
        },
        'src',
      )
      .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), S, Serdes.Long()), 'Count')
      .addSink('sink', 'out', S.serializer(), Serdes.Long().serializer(), 'Count');
    driver = new TopologyTestDriver(topology, {}, 0);
    const input = driver.createInputTopic('input', S, S, 0);
    await input.pipeKeyValueList(['a', 'b', 'a', 'a', 'b'].map((key) => ({ key, value: 'x' })));
    expect(driver.createOutputTopic('out', S, Serdes.Long()).readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 1 },
      { key: 'a', value: 2 },
      { key: 'a', value: 3 },
      { key: 'b', value: 2 },
    ]);
  });

  it('an async WALL_CLOCK_TIME punctuator is awaited before advanceWallClockTime returns', async () => {
    const topology = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor(
        'P',
        (): Processor<string, string, string, string> => ({
          init(c) {
            c.schedule(10, PunctuationType.WALL_CLOCK_TIME, async (t) => {
              await sleep(2);
              c.forward(new Record('w', `first@${t}`, t));
              await sleep(0);
              c.forward(new Record('w', `second@${t}`, t));
            });
          },
          process: () => undefined,
        }),
        'src',
      )
      .addSink('sink', 'out', S.serializer(), S.serializer(), 'P');
    driver = new TopologyTestDriver(topology, {}, 0);
    const out = driver.createOutputTopic('out', S, S);
    await driver.advanceWallClockTime(10);
    expect(out.readValuesToList()).toEqual(['first@10', 'second@10']);
    await driver.advanceWallClockTime(10);
    expect(out.readValuesToList()).toEqual(['first@20', 'second@20']);
  });
});
