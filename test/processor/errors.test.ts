import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  Headers,
  LogAndContinueExceptionHandler,
  ProcessingError,
  PunctuationType,
  Record,
  Serdes,
  StreamsError,
  Topology,
  type Processor,
  type ProcessorContext,
} from '../../src/index.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import { sleep } from './helpers.js';

const S = Serdes.String();
const L = Serdes.Long();

let driver: TopologyTestDriver | null = null;
afterEach(async () => {
  await driver?.close();
  driver = null;
  vi.restoreAllMocks();
});

/** src -> Pass -> Boom (throws on value 'boom', sync or async) -> sink. */
function failing(async: boolean): Topology {
  const pass = (): Processor<string, string, string, string> => {
    let ctx: ProcessorContext<string, string>;
    return { init: (c) => void (ctx = c), process: (r) => ctx.forward(r) };
  };
  const boom = (): Processor<string, string, string, string> => {
    let ctx: ProcessorContext<string, string>;
    const check = (r: Record<string, string>): void => {
      if (r.value === 'boom') throw new TypeError(`cannot handle ${r.key}`);
      ctx.forward(r);
    };
    return {
      init: (c) => void (ctx = c),
      process: async
        ? async (r) => {
            await sleep(1);
            check(r);
          }
        : check,
    };
  };
  return new Topology()
    .addSource('src', S.deserializer(), S.deserializer(), 'input', 'other')
    .addProcessor('Pass', pass, 'src')
    .addProcessor('Boom', boom, 'Pass')
    .addSink('sink', 'output', S.serializer(), S.serializer(), 'Boom');
}

describe('processing errors', () => {
  for (const async of [false, true]) {
    it(`a ${async ? 'n async' : ' sync'} processor throwing fails with a ProcessingError naming task, processor, topic, partition and offset`, async () => {
      driver = new TopologyTestDriver(failing(async), {}, 0);
      const input = driver.createInputTopic('input', S, S, 0);
      const other = driver.createInputTopic('other', S, S, 0);
      await input.pipeInput('a', 'ok');
      await other.pipeInput('b', 'ok');
      await input.pipeInput('c', 'ok');
      const error = (await input.pipeInput('k', 'boom').catch((e: unknown) => e)) as ProcessingError;
      expect(error).toBeInstanceOf(ProcessingError);
      expect(error).toBeInstanceOf(StreamsError);
      expect(error.code).toBe('PROCESSING_ERROR');
      expect(error.message).toBe(
        'Exception caught in process. taskId=0_0, processor=Boom, topic=input, partition=0, offset=2: cannot handle k',
      );
      expect(error.cause).toBeInstanceOf(TypeError);
      expect((error.cause as Error).message).toBe('cannot handle k');
      expect(driver.createOutputTopic('output', S, S).readValuesToList()).toEqual(['ok', 'ok', 'ok']);
    });
  }

  it('an error in a child reached by a forward the parent did not await still fails the record (no unhandled rejection)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const topology = new Topology()
        .addSource('src', S.deserializer(), S.deserializer(), 'input')
        .addProcessor(
          'Parent',
          (): Processor<string, string, string, string> => {
            let ctx: ProcessorContext<string, string>;
            return {
              init: (c) => void (ctx = c),
              async process(r) {
                void ctx.forward(r); // not awaited
                await sleep(5); // the child fails meanwhile
              },
            };
          },
          'src',
        )
        .addProcessor(
          'Child',
          (): Processor<string, string, void, void> => ({
            async process(r) {
              await sleep(1);
              throw new Error(`child failed on ${r.value}`);
            },
          }),
          'Parent',
        );
      driver = new TopologyTestDriver(topology, {}, 0);
      const error = (await driver
        .createInputTopic('input', S, S, 0)
        .pipeInput('k', 'v')
        .catch((e: unknown) => e)) as ProcessingError;
      await sleep(10);
      expect(error).toBeInstanceOf(ProcessingError);
      expect(error.message).toBe('Exception caught in process. taskId=0_0, processor=Child, topic=input, partition=0, offset=0: child failed on v');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a punctuator throwing fails naming the punctuating processor, keeping the cause', async () => {
    const topology = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor(
        'Ticker',
        (): Processor<string, string, void, void> => ({
          init(c) {
            c.schedule(10, PunctuationType.WALL_CLOCK_TIME, () => {
              throw new RangeError('tick failed');
            });
          },
          process: () => undefined,
        }),
        'src',
      );
    driver = new TopologyTestDriver(topology, {}, 0);
    const error = (await driver.advanceWallClockTime(10).catch((e: unknown) => e)) as ProcessingError;
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.message).toBe("Exception caught while punctuating processor 'Ticker': tick failed");
    expect(error.cause).toBeInstanceOf(RangeError);
  });

  it('an error thrown in init fails with "failed to initialize processor <name>"', async () => {
    const topology = new Topology()
      .addSource('src', S.deserializer(), S.deserializer(), 'input')
      .addProcessor(
        'Bad',
        (): Processor => ({
          init() {
            throw new Error('no config');
          },
          process: () => undefined,
        }),
        'src',
      );
    driver = new TopologyTestDriver(topology, {}, 0);
    const error = (await driver.createInputTopic('input', S, S, 0).pipeInput('k', 'v').catch((e: unknown) => e)) as StreamsError;
    expect(error).toBeInstanceOf(StreamsError);
    expect(error.message).toBe('failed to initialize processor Bad: no config');
    expect((error.cause as Error).message).toBe('no config');
  });
});

describe('deserialization errors', () => {
  function longs(): Topology {
    return new Topology()
      .addSource('src', S.deserializer(), L.deserializer(), 'input')
      .addSink('sink', 'output', S.serializer(), L.serializer(), 'src');
  }

  it('by default fail, naming topic, partition and offset', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    driver = new TopologyTestDriver(longs(), {}, 0);
    const good = driver.createInputTopic('input', S, L, 0);
    const bad = driver.createInputTopic('input', S, Serdes.ByteArray(), 0);
    await good.pipeInput('a', 1);
    const error = (await bad.pipeInput('b', Buffer.from([1, 2, 3])).catch((e: unknown) => e)) as StreamsError;
    expect(error).toBeInstanceOf(StreamsError);
    expect(error.message).toContain('topic=input, partition=0, offset=1');
    expect(error.message).toContain('Size of data received by LongDeserializer is not 8: got 3 bytes');
    expect((error.cause as Error).message).toBe('Size of data received by LongDeserializer is not 8: got 3 bytes');
  });

  it('with LogAndContinueExceptionHandler the bad record is skipped and later records flow', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    driver = new TopologyTestDriver(longs(), { 'default.deserialization.exception.handler': LogAndContinueExceptionHandler }, 0);
    const good = driver.createInputTopic('input', S, L, 0);
    const bad = driver.createInputTopic('input', S, Serdes.ByteArray(), 0);
    await good.pipeInput('a', 1);
    await bad.pipeInput('b', Buffer.from([1, 2, 3]));
    await good.pipeInput('c', 3);
    expect(driver.createOutputTopic('output', S, L).readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 },
      { key: 'c', value: 3 },
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain('topic: input, partition: 0, offset: 1');
  });

  it('a record with a negative timestamp fails with the default extractor, naming the record', async () => {
    driver = new TopologyTestDriver(longs(), {}, 0);
    const input = driver.createInputTopic('input', S, L, 0);
    await input.pipeInput('a', 1, 0);
    // TestRecord refuses negative timestamps (as Java's long-millis constructor does), so pipe the raw record
    // as a broker would hand it over: Kafka's "no timestamp" is -1.
    const error = (await driver
      .pipeRecord('input', Buffer.from('b'), L.serializer().serialize('input', 2), new Headers(), -1)
      .catch((e: unknown) => e)) as StreamsError;
    expect(error).toBeInstanceOf(StreamsError);
    expect(error.message).toMatch(/^Input record from topic input partition 0 offset 1 has invalid \(negative\) timestamp -1\./);
    await input.pipeInput('c', 3, 5);
    expect(driver.createOutputTopic('output', S, L).readValuesToList()).toEqual([1, 3]);
  });
});
