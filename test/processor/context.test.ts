import { afterEach, describe, expect, it } from 'vitest';
import {
  Headers,
  IllegalArgumentError,
  ProcessingError,
  PunctuationType,
  Record,
  Serdes,
  Stores,
  Topology,
  type Cancellable,
  type KeyValueStore,
  type Processor,
  type ProcessorContext,
} from '../../src/index.js';
import { TestRecord, TopologyTestDriver } from '../../test-driver/index.js';
import { hdrs } from './helpers.js';

const S = Serdes.String();
const L = Serdes.Long();

let driver: TopologyTestDriver | null = null;
afterEach(async () => {
  await driver?.close();
  driver = null;
});

/** A processor defined by its init and process functions, with the context at hand. */
function proc<KIn, VIn, KOut = KIn, VOut = VIn>(
  process: (ctx: ProcessorContext<KOut, VOut>, r: Record<KIn, VIn>) => unknown,
  init?: (ctx: ProcessorContext<KOut, VOut>) => void,
): () => Processor<KIn, VIn, KOut, VOut> {
  return () => {
    let ctx: ProcessorContext<KOut, VOut>;
    return {
      init(c) {
        ctx = c;
        init?.(c);
      },
      process(r) {
        return process(ctx, r) as void;
      },
    };
  };
}

describe('ProcessorContext.forward', () => {
  /** src -> Route -> {A -> sink-a, B -> sink-b}. */
  function routed(route: (ctx: ProcessorContext<string, number>, r: Record<string, number>) => unknown): Topology {
    return new Topology()
      .addSource('src', S.deserializer(), L.deserializer(), 'input')
      .addProcessor('Route', proc(route), 'src')
      .addProcessor('A', proc<string, number>((c, r) => c.forward(r.withValue(r.value * 10))), 'Route')
      .addProcessor('B', proc<string, number>((c, r) => c.forward(r.withValue(r.value * 100))), 'Route')
      .addSink('sink-a', 'out-a', S.serializer(), L.serializer(), 'A')
      .addSink('sink-b', 'out-b', S.serializer(), L.serializer(), 'B')
      .addSink('sink-all', 'out-all', S.serializer(), L.serializer(), 'A', 'B');
  }

  it('forward(record) goes to every child in the order they were added; forward(record, name) to that child only', async () => {
    driver = new TopologyTestDriver(
      routed((c, r) => {
        if (r.key === 'all') return c.forward(r);
        return c.forward(r, r.value % 2 === 0 ? 'A' : 'B');
      }),
      {},
      0,
    );
    const input = driver.createInputTopic('input', S, L, 0);
    await input.pipeInput('x', 2);
    await input.pipeInput('x', 3);
    await input.pipeInput('all', 4);
    expect(driver.createOutputTopic('out-a', S, L).readValuesToList()).toEqual([20, 40]);
    expect(driver.createOutputTopic('out-b', S, L).readValuesToList()).toEqual([300, 400]);
    expect(driver.createOutputTopic('out-all', S, L).readValuesToList()).toEqual([20, 300, 40, 400]);
  });

  it('forward to a node that is not a child fails, naming it', async () => {
    driver = new TopologyTestDriver(
      routed((c, r) => c.forward(r, r.key)),
      {},
      0,
    );
    const input = driver.createInputTopic('input', S, L, 0);
    for (const name of ['nope', 'sink-a']) {
      const error = (await input.pipeInput(name, 1).catch((e: unknown) => e)) as ProcessingError;
      expect(error).toBeInstanceOf(ProcessingError);
      expect(error.message).toContain('processor=Route');
      expect((error.cause as Error).message).toBe(
        `Unknown downstream node: ${name} either does not exist or is not connected to this processor.`,
      );
    }
  });
});

describe('ProcessorContext.recordMetadata', () => {
  it('gives topic, partition 0 and per-topic offsets while processing, and null during punctuation', async () => {
    const log: unknown[] = [];
    const topology = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'in-a', 'in-b')
      .addProcessor(
        'P',
        proc<string, string>(
          (c, r) => {
            const md = c.recordMetadata()!;
            log.push([r.value, md.topic(), md.partition(), md.offset()]);
            c.forward(r);
          },
          (c) => {
            c.schedule(100, PunctuationType.STREAM_TIME, (t) => {
              log.push(['stream-punctuation', t, c.recordMetadata()]);
              c.forward(new Record('p', `punct@${t}`, t));
            });
            c.schedule(1000, PunctuationType.WALL_CLOCK_TIME, (t) => void log.push(['wall-punctuation', t, c.recordMetadata()]));
          },
        ),
        'src',
      )
      .addProcessor(
        'Child',
        proc<string, string>((c, r) => {
          const md = c.recordMetadata();
          log.push(['child', r.value, md === null ? null : [md.topic(), md.offset()]]);
        }),
        'P',
      );
    driver = new TopologyTestDriver(topology, {}, 0);
    const a = driver.createInputTopic('in-a', S, S, 0);
    const b = driver.createInputTopic('in-b', S, S, 0);
    await a.pipeInput('k', 'a0', 50);
    await a.pipeInput('k', 'a1', 60);
    await b.pipeInput('k', 'b0', 100);
    await driver.advanceWallClockTime(1000);
    expect(log).toEqual([
      ['a0', 'in-a', 0, 0],
      ['child', 'a0', ['in-a', 0]],
      ['stream-punctuation', 50, null],
      ['child', 'punct@50', null],
      ['a1', 'in-a', 0, 1],
      ['child', 'a1', ['in-a', 1]],
      ['b0', 'in-b', 0, 0],
      ['child', 'b0', ['in-b', 0]],
      ['stream-punctuation', 100, null],
      ['child', 'punct@100', null],
      ['wall-punctuation', 1000, null],
    ]);
  });
});

describe('headers', () => {
  it('pass through to the output, and a processor can add and remove headers', async () => {
    const topology = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor(
        'Tag',
        proc<string, string>((c, r) => {
          r.headers.add('seen-by', 'Tag');
          c.forward(r);
          c.forward(r.withValue('copy').withHeaders(new Headers(r.headers).remove('trace').add('copy', '1')));
        }),
        'src',
      )
      .addSink('sink', 'output', S.serializer(), S.serializer(), 'Tag');
    driver = new TopologyTestDriver(topology, {}, 0);
    const input = driver.createInputTopic('input', S, S, 0);
    const output = driver.createOutputTopic('output', S, S);
    await input.pipeInput(new TestRecord('k', 'v', new Headers().add('trace', 't1'), 5));
    await input.pipeInput('k2', 'v2', 6);
    expect(output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp, hdrs(r.headers)])).toEqual([
      ['k', 'v', 5, [['trace', 't1'], ['seen-by', 'Tag']]],
      ['k', 'copy', 5, [['seen-by', 'Tag'], ['copy', '1']]],
      ['k2', 'v2', 6, [['seen-by', 'Tag']]],
      ['k2', 'copy', 6, [['seen-by', 'Tag'], ['copy', '1']]],
    ]);
  });

  it('a produced record keeps the headers it had when it was sent (Java copies them into the producer record)', async () => {
    const topology = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor(
        'Twice',
        proc<string, string>((c, r) => {
          c.forward(r);
          r.headers.add('after', 'first-send');
          c.forward(r);
        }),
        'src',
      )
      .addSink('sink', 'output', S.serializer(), S.serializer(), 'Twice');
    driver = new TopologyTestDriver(topology, {}, 0);
    await driver.createInputTopic('input', S, S, 0).pipeInput('k', 'v');
    const output = driver.createOutputTopic('output', S, S);
    expect(hdrs(output.readRecord().headers)).toEqual([]);
    expect(hdrs(output.readRecord().headers)).toEqual([['after', 'first-send']]);
  });
});

describe('punctuation', () => {
  /** A processor scheduling one punctuation whose calls are logged as [kind, time, streamTime]. */
  function scheduling(type: PunctuationType, interval: number, log: unknown[], onPunctuate?: (c: ProcessorContext, cancellable: Cancellable) => void) {
    return new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor(
        'P',
        proc<string, string>(
          (c, r) => void log.push(['record', r.timestamp, c.currentStreamTimeMs()]),
          (c) => {
            const cancellable: Cancellable = c.schedule(interval, type, (t) => {
              log.push(['punctuate', t, c.currentStreamTimeMs()]);
              onPunctuate?.(c, cancellable);
            });
          },
        ),
        'src',
      );
  }

  it('STREAM_TIME fires with the current stream time once it reaches each interval, skipping missed ones', async () => {
    const log: unknown[] = [];
    driver = new TopologyTestDriver(scheduling(PunctuationType.STREAM_TIME, 10, log), {}, 0);
    const input = driver.createInputTopic('input', S, S, 0);
    await driver.advanceWallClockTime(10_000); // wall-clock time does not drive STREAM_TIME punctuation
    expect(log).toEqual([]);
    for (const ts of [3, 5, 10, 19, 35, 39, 20, 40, 41]) await input.pipeInput('k', 'v', ts);
    expect(log).toEqual([
      ['record', 3, 3],
      ['punctuate', 3, 3], // the schedule starts at 0 (aligned to 0), so the first record fires it
      ['record', 5, 5],
      ['record', 10, 10],
      ['punctuate', 10, 10],
      ['record', 19, 19],
      ['record', 35, 35],
      ['punctuate', 35, 35], // 20 and 30 were missed: one call, next due at 40
      ['record', 39, 39],
      ['record', 20, 39], // out of order: stream time does not go back
      ['record', 40, 40],
      ['punctuate', 40, 40],
      ['record', 41, 41],
    ]);
  });

  it('WALL_CLOCK_TIME fires when advanceWallClockTime reaches it, with the wall-clock time, skipping missed intervals', async () => {
    const log: unknown[] = [];
    driver = new TopologyTestDriver(scheduling(PunctuationType.WALL_CLOCK_TIME, 100, log), {}, 1000);
    const input = driver.createInputTopic('input', S, S, 0);
    await input.pipeInput('k', 'v', 5); // records do not drive WALL_CLOCK_TIME punctuation
    await driver.advanceWallClockTime(99);
    expect(log).toEqual([['record', 5, 5]]);
    await driver.advanceWallClockTime(1);
    await driver.advanceWallClockTime(250);
    await driver.advanceWallClockTime(49);
    await driver.advanceWallClockTime(1);
    expect(log).toEqual([
      ['record', 5, 5],
      ['punctuate', 1100, 5],
      ['punctuate', 1350, 5], // 1200 and 1300 were missed: one call, next due at 1400
      ['punctuate', 1400, 5],
    ]);
  });

  it('cancel() stops a schedule, also from inside its own punctuator', async () => {
    const log: unknown[] = [];
    let calls = 0;
    driver = new TopologyTestDriver(
      scheduling(PunctuationType.STREAM_TIME, 10, log, (_c, cancellable) => {
        if (++calls === 2) cancellable.cancel();
      }),
      {},
      0,
    );
    const input = driver.createInputTopic('input', S, S, 0);
    for (const ts of [0, 10, 20, 30]) await input.pipeInput('k', 'v', ts);
    expect(log.filter((l) => (l as unknown[])[0] === 'punctuate')).toEqual([
      ['punctuate', 0, 0],
      ['punctuate', 10, 10],
    ]);

    const cancelled: unknown[] = [];
    const topology = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor(
        'P',
        proc<string, string>(
          () => undefined,
          (c) => {
            const s = c.schedule(5, PunctuationType.WALL_CLOCK_TIME, (t) => void cancelled.push(t));
            s.cancel();
          },
        ),
        'src',
      );
    await driver.close();
    driver = new TopologyTestDriver(topology, {}, 0);
    await driver.advanceWallClockTime(100);
    expect(cancelled).toEqual([]);
  });

  it('an interval below 1 ms is rejected', async () => {
    for (const interval of [0, -5, 0.5]) {
      const topology = new Topology()
        .addSource('src', S.deserializer(), S.deserializer(), 'input')
        .addProcessor('P', proc<string, string>(() => undefined, (c) => void c.schedule(interval, PunctuationType.STREAM_TIME, () => undefined)), 'src');
      const d = new TopologyTestDriver(topology, {}, 0);
      const error = (await d.advanceWallClockTime(1).catch((e: unknown) => e)) as Error;
      await d.close();
      expect(error.message).toBe(`failed to initialize processor P: The minimum supported scheduling interval is 1 millisecond.`);
      expect(error.cause).toBeInstanceOf(IllegalArgumentError);
    }
  });
});

describe('time', () => {
  it('currentStreamTimeMs is -1 before any record, then the highest record timestamp; currentSystemTimeMs is the mock clock', async () => {
    const log: unknown[] = [];
    const topology = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor(
        'P',
        proc<string, string>(
          (c, r) => void log.push([r.value, c.currentStreamTimeMs(), c.currentSystemTimeMs()]),
          (c) => void log.push(['init', c.currentStreamTimeMs(), c.currentSystemTimeMs()]),
        ),
        'src',
      );
    driver = new TopologyTestDriver(topology, {}, 7000);
    const input = driver.createInputTopic('input', S, S, 0);
    await input.pipeInput('k', 'a', 50);
    await input.pipeInput('k', 'b', 20);
    await driver.advanceWallClockTime(5);
    await input.pipeInput('k', 'c', 60);
    expect(log).toEqual([
      ['init', -1, 7000],
      ['a', 50, 7000],
      ['b', 50, 7000],
      ['c', 60, 7005],
    ]);
  });

  it('applicationId, taskId and appConfigs', async () => {
    let seen: unknown[] = [];
    const topology = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor('P', proc<string, string>(() => undefined, (c) => void (seen = [c.applicationId(), c.taskId(), c.appConfigs()['custom.key']])), 'src');
    driver = new TopologyTestDriver(topology, { 'application.id': 'app-1', 'custom.key': 42 }, 0);
    await driver.advanceWallClockTime(0);
    expect(seen).toEqual(['app-1', '0_0', 42]);
  });
});

describe('changelog timestamps follow the forwarded record (Java updates the record context on forward)', () => {
  it('a plain logged store written by a child logs the timestamp of the record the child received', async () => {
    const topology = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor('Shift', proc<string, string>((c, r) => c.forward(r.withTimestamp(r.timestamp + 1000))), 'src')
      .addProcessor(
        'Store',
        () => {
          let store: KeyValueStore<string, string>;
          return {
            init: (c: ProcessorContext) => void (store = c.getStateStore('s')),
            process: (r: Record<string, string>) => store.put(r.key, r.value),
          };
        },
        'Shift',
      )
      .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('s'), S, S), 'Store');
    driver = new TopologyTestDriver(topology, { 'application.id': 'app' }, 0);
    await driver.createInputTopic('input', S, S, 0).pipeInput('k', 'v', 5);
    const r = driver.createOutputTopic('app-s-changelog', S, S).readRecord();
    expect([r.key, r.value, r.timestamp]).toEqual(['k', 'v', 1005]);
  });
});
