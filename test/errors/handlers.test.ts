/**
 * The exception handlers through the engine (TopologyTestDriver): dead-letter records of the built-in
 * deserialization handlers (KIP-1034 headers), the processing exception handler (KIP-1033), handler configs
 * given by name, and bad handler configs naming their key.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  DeadLetterQueueHeaders,
  LogAndContinueExceptionHandler,
  LogAndContinueProcessingExceptionHandler,
  ProcessingError,
  ProcessingHandlerResponse,
  Serdes,
  StreamsConfig,
  Topology,
  type ErrorHandlerContext,
  type Processor,
  type ProcessingExceptionHandler,
} from '../../src/index.js';
import { TopologyTestDriver } from '../../test-driver/index.js';

const S = Serdes.String();
const L = Serdes.Long();
const B = Serdes.ByteArray();

let driver: TopologyTestDriver | null = null;
afterEach(async () => {
  await driver?.close();
  driver = null;
  vi.restoreAllMocks();
});

function longs(): Topology {
  return new Topology().addSource('src', S.deserializer(), L.deserializer(), 'input').addSink('sink', 'output', S.serializer(), L.serializer(), 'src');
}

const header = (headers: Iterable<{ key: string; value: Buffer | null }>, key: string): string | undefined =>
  [...headers].reverse().find((h) => h.key === key)?.value?.toString('utf8');

describe('dead-letter queue (errors.dead.letter.queue.topic.name)', () => {
  it('LogAndContinue sends the raw record with error headers to the DLQ topic and goes on', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    driver = new TopologyTestDriver(longs(), { 'deserialization.exception.handler': 'LogAndContinueExceptionHandler', 'errors.dead.letter.queue.topic.name': 'dlq' }, 0);
    const good = driver.createInputTopic('input', S, L, 0);
    const bad = driver.createInputTopic('input', S, B, 0);
    await good.pipeInput('a', 1);
    await bad.pipeInput('b', Buffer.from([1, 2, 3]), 42);
    await good.pipeInput('c', 3);
    expect(driver.createOutputTopic('output', S, L).readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 },
      { key: 'c', value: 3 },
    ]);
    const dlq = driver.createOutputTopic('dlq', S, B).readRecordsToList();
    expect(dlq).toHaveLength(1);
    const r = dlq[0]!;
    expect(r.key).toBe('b');
    expect(r.value).toEqual(Buffer.from([1, 2, 3]));
    expect(r.timestamp).toBe(42);
    expect(header(r.headers, DeadLetterQueueHeaders.EXCEPTION)).toBe('SerializationError');
    expect(header(r.headers, DeadLetterQueueHeaders.MESSAGE)).toBe('Size of data received by LongDeserializer is not 8: got 3 bytes');
    expect(header(r.headers, DeadLetterQueueHeaders.TOPIC)).toBe('input');
    expect(header(r.headers, DeadLetterQueueHeaders.PARTITION)).toBe('0');
    expect(header(r.headers, DeadLetterQueueHeaders.OFFSET)).toBe('1');
    expect(header(r.headers, DeadLetterQueueHeaders.STACKTRACE)).toContain('SerializationError');
    expect(driver.metrics().find((m) => m.name === 'dropped-records-total')?.value).toBe(1);
  });

  it('LogAndFail (the default) still fails, naming topic, partition and offset', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    driver = new TopologyTestDriver(longs(), { 'errors.dead.letter.queue.topic.name': 'dlq' }, 0);
    const bad = driver.createInputTopic('input', S, B, 0);
    const error = (await bad.pipeInput('b', Buffer.from([1])).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('topic=input, partition=0, offset=0');
  });

  it('without a DLQ topic nothing is sent (as before)', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    driver = new TopologyTestDriver(longs(), { 'default.deserialization.exception.handler': LogAndContinueExceptionHandler }, 0);
    await driver.createInputTopic('input', S, B, 0).pipeInput('b', Buffer.from([1]));
    expect(driver.producedTopicNames()).not.toContain('dlq');
  });
});

/** src -> Boom (throws on 'boom') -> sink, and src -> sink2 (a sibling branch). */
function failing(): Topology {
  const boom = (): Processor<string, string, string, string> => {
    let ctx: { forward(r: unknown): unknown };
    return {
      init(c) {
        ctx = c as unknown as typeof ctx;
      },
      process(r) {
        if (r.value === 'boom') throw new Error('kaboom');
        ctx.forward(r);
      },
    };
  };
  return new Topology()
    .addSource('src', S.deserializer(), S.deserializer(), 'input')
    .addProcessor('Boom', boom, 'src')
    .addSink('sink', 'output', S.serializer(), S.serializer(), 'Boom')
    .addSink('sink2', 'all', S.serializer(), S.serializer(), 'src');
}

describe('processing exception handler (processing.exception.handler)', () => {
  it('default: the failure names the processor and the record', async () => {
    driver = new TopologyTestDriver(failing(), {}, 0);
    const input = driver.createInputTopic('input', S, S, 0);
    const error = (await input.pipeInput('k', 'boom').catch((e: unknown) => e)) as ProcessingError;
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.message).toContain('processor=Boom, topic=input, partition=0, offset=0: kaboom');
  });

  it('LogAndContinueProcessingExceptionHandler drops the record at the failing processor only; later records flow', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    driver = new TopologyTestDriver(failing(), { 'processing.exception.handler': LogAndContinueProcessingExceptionHandler, 'errors.dead.letter.queue.topic.name': 'dlq' }, 0);
    const input = driver.createInputTopic('input', S, S, 0);
    await input.pipeInput('a', 'ok');
    await input.pipeInput('b', 'boom');
    await input.pipeInput('c', 'fine');
    expect(driver.createOutputTopic('output', S, S).readValuesToList()).toEqual(['ok', 'fine']);
    expect(driver.createOutputTopic('all', S, S).readValuesToList()).toEqual(['ok', 'boom', 'fine']);
    const dlq = driver.createOutputTopic('dlq', S, S).readRecordsToList();
    expect(dlq.map((r) => [r.key, r.value])).toEqual([['b', 'boom']]);
    expect(header(dlq[0]!.headers, DeadLetterQueueHeaders.MESSAGE)).toBe('kaboom');
    expect(header(dlq[0]!.headers, DeadLetterQueueHeaders.OFFSET)).toBe('1');
  });

  it('a custom handler sees the processor, task and source position', async () => {
    const seen: ErrorHandlerContext[] = [];
    const handler: ProcessingExceptionHandler = {
      handle(context) {
        seen.push(context);
        return ProcessingHandlerResponse.CONTINUE;
      },
    };
    driver = new TopologyTestDriver(failing(), { 'processing.exception.handler': handler }, 0);
    await driver.createInputTopic('input', S, S, 0).pipeInput('k', 'boom', 7);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ processorNodeId: 'Boom', taskId: '0_0', topic: 'input', partition: 0, offset: 0, timestamp: 7 });
    expect(seen[0]!.sourceRawValue?.toString()).toBe('boom');
  });
});

describe('handler configs', () => {
  it('are made once and configured; a name that is no handler fails naming the key', () => {
    const config = new StreamsConfig({ 'application.id': 'a', 'production.exception.handler': 'NoSuchHandler' });
    expect(() => config.productionExceptionHandler()).toThrow(ConfigError);
    expect(() => config.productionExceptionHandler()).toThrow(/production\.exception\.handler/);
    const ok = new StreamsConfig({ 'application.id': 'a', 'default.deserialization.exception.handler': 'org.apache.kafka.streams.errors.LogAndContinueExceptionHandler' });
    expect(ok.deserializationExceptionHandler()).toBeInstanceOf(LogAndContinueExceptionHandler);
    expect(ok.deserializationExceptionHandler()).toBe(ok.deserializationExceptionHandler());
    const badDlq = new StreamsConfig({ 'application.id': 'a', 'errors.dead.letter.queue.topic.name': 5 });
    expect(() => badDlq.deserializationExceptionHandler()).toThrow(/errors\.dead\.letter\.queue\.topic\.name/);
  });
});
