/**
 * Bad input and the uncaught exception handler on a real broker:
 *  - a poison record goes to the dead-letter topic (raw, with its headers and the KIP-1034 error headers)
 *    and processing continues (exactly-once: the dead letter is part of the task's transaction);
 *  - with LogAndFail (the default) the instance stops with an error naming topic, partition and offset and
 *    ends in ERROR (SHUTDOWN_CLIENT, the default response);
 *  - REPLACE_THREAD replaces the failed thread (which meets the poison record again);
 *  - SHUTDOWN_APPLICATION shuts down every instance of the application;
 *  - a record the broker refuses (too large) fails the instance by default (production exception handler),
 *    or is dropped, alone, when the handler says CONTINUE.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  Consumed,
  DeadLetterQueueHeaders,
  ProductionExceptionHandlerResponse,
  Produced,
  Serdes,
  StreamsBuilder,
  type ProductionExceptionHandler,
  type Topology,
} from '../../src/index.js';
import { KafkaStreams, KafkaStreamsState, StreamThreadExceptionResponse } from '../../src/runtime/kafka-streams.js';
import { bootstrapServers, kafkaClient, uniqueName } from './kafka.js';
import { createTopics, readTopic, tempStateDir, waitUntil } from './streams-harness.js';

const S = Serdes.String();
const L = Serdes.Long();

function doubling(input: string, output: string): Topology {
  const b = new StreamsBuilder();
  b.stream<string, number>(input, Consumed.with(S, L))
    .mapValues((v) => v * 2)
    .to(output, Produced.with(S, L));
  return b.build();
}

const long = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
};

/** 30 records on partition 0 of `input`; those at offsets 10 and 20 are not longs (3 bytes). */
async function produceWithPoison(input: string): Promise<void> {
  const producer = kafkaClient('poison-producer').producer();
  await producer.connect();
  await producer.send({
    topic: input,
    messages: Array.from({ length: 30 }, (_, i) => ({
      partition: 0,
      key: `k${i}`,
      value: i === 10 || i === 20 ? Buffer.from([1, 2, 3]) : long(i),
      headers: { origin: `record-${i}` },
    })),
  });
  await producer.disconnect();
}

describe('KafkaStreams error handling on a real broker', () => {
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close({ timeout: 20_000 })));
  });

  async function setUp(extra: Record<string, unknown> | ((topics: { dlq: string }) => Record<string, unknown>), instances = 1) {
    const input = uniqueName('poison-in');
    const output = uniqueName('poison-out');
    const dlq = uniqueName('poison-dlq');
    await createTopics([
      { topic: input, partitions: 1 },
      { topic: output, partitions: 1 },
      { topic: dlq, partitions: 1 },
    ]);
    const applicationId = uniqueName('poison-app');
    const clients = Array.from({ length: instances }, () => {
      const streams = new KafkaStreams(doubling(input, output), {
        'application.id': applicationId,
        'bootstrap.servers': bootstrapServers(),
        'state.dir': tempStateDir(),
        'commit.interval.ms': 200,
        ...(typeof extra === 'function' ? extra({ dlq }) : extra),
      });
      running.push(streams);
      return streams;
    });
    return { input, output, dlq, clients };
  }

  it('a poison record goes to the dead-letter topic with its headers, and processing continues (exactly-once)', async () => {
    const { input, output, dlq, clients } = await setUp(({ dlq }) => ({
      'processing.guarantee': 'exactly_once_v2',
      'deserialization.exception.handler': 'LogAndContinueExceptionHandler',
      'errors.dead.letter.queue.topic.name': dlq,
    }));
    const streams = clients[0]!;
    await produceWithPoison(input);
    await streams.start();
    let out: Awaited<ReturnType<typeof readTopic>> = [];
    const deadline = Date.now() + 60_000;
    while (out.length < 28 && Date.now() < deadline) {
      out = await readTopic(output, 1);
      if (out.length < 28) await new Promise((r) => setTimeout(r, 200));
    }
    expect(out.map((r) => r.key!.toString())).toEqual(Array.from({ length: 30 }, (_, i) => `k${i}`).filter((k) => k !== 'k10' && k !== 'k20'));
    expect(out.map((r) => Number(r.value!.readBigInt64BE(0)))).toEqual(Array.from({ length: 30 }, (_, i) => i * 2).filter((v) => v !== 20 && v !== 40));
    expect(streams.state()).toBe(KafkaStreamsState.RUNNING);

    const letters = await readTopic(dlq, 1);
    expect(letters).toHaveLength(2);
    for (const [i, offset] of [10, 20].entries()) {
      const r = letters[i]!;
      const h = (key: string) => r.headers.filter((x) => x.key === key).pop()?.value?.toString('utf8');
      expect(r.key!.toString()).toBe(`k${offset}`);
      expect(r.value).toEqual(Buffer.from([1, 2, 3]));
      expect(h('origin')).toBe(`record-${offset}`);
      expect(h(DeadLetterQueueHeaders.EXCEPTION)).toBe('SerializationError');
      expect(h(DeadLetterQueueHeaders.MESSAGE)).toBe('Size of data received by LongDeserializer is not 8: got 3 bytes');
      expect(h(DeadLetterQueueHeaders.TOPIC)).toBe(input);
      expect(h(DeadLetterQueueHeaders.PARTITION)).toBe('0');
      expect(h(DeadLetterQueueHeaders.OFFSET)).toBe(String(offset));
    }
  });

  it('with LogAndFail the instance stops with an error naming topic, partition and offset, and ends in ERROR', async () => {
    const { input, output, clients } = await setUp({});
    const streams = clients[0]!;
    const errors: Error[] = [];
    const states: string[] = [];
    streams.setUncaughtExceptionHandler((e) => {
      errors.push(e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((s) => states.push(s));
    await produceWithPoison(input);
    await streams.start();
    await waitUntil('ERROR', () => streams.state() === KafkaStreamsState.ERROR, 60_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain(`topic=${input}, partition=0, offset=10`);
    expect(streams.error()).toBe(errors[0]);
    expect(states.slice(-2)).toEqual(['PENDING_ERROR', 'ERROR']);
    // nothing after the poison record was processed
    const out = await readTopic(output, 1);
    expect(out.some((r) => r.key!.toString() === 'k11')).toBe(false);
  });

  it('REPLACE_THREAD starts a new thread (which meets the poison record again)', async () => {
    const { input, clients } = await setUp({});
    const streams = clients[0]!;
    const responses = [StreamThreadExceptionResponse.REPLACE_THREAD, StreamThreadExceptionResponse.SHUTDOWN_CLIENT];
    const errors: Error[] = [];
    streams.setUncaughtExceptionHandler((e) => {
      errors.push(e);
      return responses[errors.length - 1]!;
    });
    await produceWithPoison(input);
    await streams.start();
    await waitUntil('ERROR', () => streams.state() === KafkaStreamsState.ERROR, 60_000);
    expect(errors).toHaveLength(2);
    for (const e of errors) expect(e.message).toContain(`topic=${input}, partition=0, offset=10`);
  });

  it('SHUTDOWN_APPLICATION shuts every instance of the application down', async () => {
    const { input, clients } = await setUp({ 'session.timeout.ms': 10_000 }, 2);
    for (const c of clients) c.setUncaughtExceptionHandler(() => StreamThreadExceptionResponse.SHUTDOWN_APPLICATION);
    await Promise.all(clients.map((c) => c.start()));
    await produceWithPoison(input);
    await waitUntil('both instances in ERROR', () => clients.every((c) => c.state() === KafkaStreamsState.ERROR), 60_000);
    const failed = clients.filter((c) => c.error()?.message.includes(`offset=10`));
    expect(failed).toHaveLength(1);
    expect(clients.find((c) => c !== failed[0])!.error()?.message).toContain('SHUTDOWN_APPLICATION');
  });

  describe('production exception handler', () => {
    /** Upper-cases values; 'big' becomes 1.1 MB, more than the broker accepts (message.max.bytes ~1 MB). */
    function upper(input: string, output: string): Topology {
      const b = new StreamsBuilder();
      b.stream<string, string>(input, Consumed.with(S, S))
        .mapValues((v) => (v === 'big' ? 'x'.repeat(1_100_000) : v.toUpperCase()))
        .to(output, Produced.with(S, S));
      return b.build();
    }

    async function run(handler: ProductionExceptionHandler | null) {
      const input = uniqueName('big-in');
      const output = uniqueName('big-out');
      await createTopics([
        { topic: input, partitions: 1 },
        { topic: output, partitions: 1 },
      ]);
      const producer = kafkaClient('big-producer').producer();
      await producer.connect();
      await producer.send({ topic: input, messages: ['a', 'b', 'big', 'c', 'd'].map((value, i) => ({ key: `k${i}`, value })) });
      await producer.disconnect();
      const streams = new KafkaStreams(upper(input, output), {
        'application.id': uniqueName('big-app'),
        'bootstrap.servers': bootstrapServers(),
        'state.dir': tempStateDir(),
        'commit.interval.ms': 200,
        ...(handler === null ? {} : { 'production.exception.handler': handler }),
      });
      running.push(streams);
      const errors: Error[] = [];
      streams.setUncaughtExceptionHandler((e) => {
        errors.push(e);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      });
      await streams.start();
      return { streams, errors, input, output };
    }

    it('by default a refused record fails the instance, naming the output topic and the input record', async () => {
      const { streams, errors, input, output } = await run(null);
      await waitUntil('ERROR', () => streams.state() === KafkaStreamsState.ERROR, 60_000);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toContain(`Error encountered sending record to topic ${output} (from topic=${input}, partition=0, offset=2)`);
    });

    it('with a handler that says CONTINUE only the refused record is dropped', async () => {
      const seen: Array<{ topic: string | null; offset: number; size: number }> = [];
      const { streams, output } = await run({
        handle(context, record) {
          seen.push({ topic: context.topic, offset: context.offset, size: record.value?.length ?? 0 });
          return ProductionExceptionHandlerResponse.CONTINUE;
        },
      });
      let out: Awaited<ReturnType<typeof readTopic>> = [];
      const deadline = Date.now() + 60_000;
      while (out.length < 4 && Date.now() < deadline) {
        out = await readTopic(output, 1);
        if (out.length < 4) await new Promise((r) => setTimeout(r, 200));
      }
      expect(out.map((r) => r.value!.toString())).toEqual(['A', 'B', 'C', 'D']);
      expect(seen).toEqual([{ topic: expect.stringContaining('big-in') as unknown as string, offset: 2, size: 1_100_000 }]);
      expect(streams.state()).toBe(KafkaStreamsState.RUNNING);
    });
  });
});
