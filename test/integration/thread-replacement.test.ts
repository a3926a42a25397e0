/**
 * A stream thread that meets a passing client failure while it starts is replaced, and `start()` waits for
 * the replacement instead of failing (as Java's threads keep polling through a broker restart): here the
 * first thread's partition reader cannot be created. The next thread's restoration then fails (not
 * retriable) after its task has opened its LevelDB store, and the uncaught exception handler answers
 * REPLACE_THREAD: the task must release its store and state directory, or the thread after it could not
 * create the task. The counts then go on from the restored state, exactly as the driver counts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Consumed, KafkaStreams, KafkaStreamsState, Materialized, Produced, Serdes, StreamThreadExceptionResponse, StreamsBuilder, type Topology } from '../../src/index.js';
import { KafkaClientError } from '../../src/kafka/errors.js';
import { createKafkaJsClient, type KafkaClient } from '../../src/kafka/index.js';
import { TopologyTestDriver } from '../../test-driver/index.js';
import { bootstrapServers, kafkaClient, uniqueName } from './kafka.js';
import { createTopics, tempStateDir, waitUntil } from './streams-harness.js';

const S = Serdes.String();
const L = Serdes.Long();
const KEYS = 20;

function counting(input: string, output: string): Topology {
  const b = new StreamsBuilder();
  b.stream<string, string>(input, Consumed.with(S, S))
    .groupByKey()
    .count(Materialized.as('counts'))
    .toStream()
    .to(output, Produced.with(S, L));
  return b.build();
}

const records = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ key: `k${(from + i) % KEYS}`, value: `v${from + i}` }));

/** A client whose first partition reader fails to be created (retriable), and whose first changelog read fails (not). */
function flakyClient(clientId: string, injected: string[]): KafkaClient {
  const client = createKafkaJsClient({ bootstrapServers: bootstrapServers(), clientId });
  const partitionReader = client.partitionReader.bind(client);
  client.partitionReader = async (config) => {
    if (!injected.includes('reader')) {
      injected.push('reader');
      throw new KafkaClientError('Connection error: creating a partition reader (injected)', { retriable: true });
    }
    const reader = await partitionReader(config);
    const readToEnd = reader.readToEnd.bind(reader);
    reader.readToEnd = async (start, onBatch, options) => {
      if (start.some((s) => s.topic.endsWith('-changelog')) && !injected.includes('restore')) {
        injected.push('restore');
        throw new KafkaClientError('Corrupt record in a changelog (injected)');
      }
      return readToEnd(start, onBatch, options);
    };
    return reader;
  };
  return client;
}

async function produce(topic: string, messages: ReadonlyArray<{ key: string; value: string }>): Promise<void> {
  const producer = kafkaClient(uniqueName('producer')).producer();
  await producer.connect();
  await producer.send({ topic, messages: [...messages] });
  await producer.disconnect();
}

async function latestCounts(topic: string, expected: Map<string, number>): Promise<Map<string, number>> {
  const consumer = kafkaClient(uniqueName('check')).consumer({ groupId: uniqueName('check'), readUncommitted: false });
  const latest = new Map<string, number>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      latest.set(message.key!.toString(), Number(message.value!.readBigInt64BE(0)));
    },
  });
  try {
    await waitUntil(`the counts in ${topic}`, () => [...expected].every(([k, n]) => latest.get(k) === n), 60_000);
  } finally {
    await consumer.disconnect();
  }
  return latest;
}

describe('stream threads failing while they start (real broker)', () => {
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });

  it('replaces them; start() resolves RUNNING; the task restored after a failed restoration counts on', async () => {
    const input = uniqueName('flaky-in');
    const output = uniqueName('flaky-out');
    await createTopics([
      { topic: input, partitions: 1 },
      { topic: output, partitions: 1 },
    ]);
    const appId = uniqueName('flaky-app');
    const config = (stateDir: string) => ({
      'application.id': appId,
      'bootstrap.servers': bootstrapServers(),
      'processing.guarantee': 'exactly_once_v2',
      'state.dir': stateDir,
      'commit.interval.ms': 100,
    });
    // a first instance fills the changelog
    const first = new KafkaStreams(counting(input, output), config(tempStateDir()));
    running.push(first);
    await first.start();
    await produce(input, records(0, 100));
    const driver = new TopologyTestDriver(counting('in', 'out'), { 'application.id': 'oracle' });
    const pipe = driver.createInputTopic('in', S, S);
    for (const r of records(0, 100)) await pipe.pipeInput(r.key, r.value);
    await latestCounts(output, driver.createOutputTopic('out', S, L).readKeyValuesToMap());
    await first.close();
    running.splice(0);

    // the next one, on an empty state directory, must restore the counts; its client fails twice
    const injected: string[] = [];
    const states: string[] = [];
    const second = new KafkaStreams(counting(input, output), config(tempStateDir()), { clientSupplier: () => flakyClient(uniqueName('flaky'), injected) });
    second.setStateListener((s) => states.push(s));
    const handled: string[] = [];
    second.setUncaughtExceptionHandler((e) => {
      handled.push(e.message);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    running.push(second);
    await second.start();
    expect(injected).toEqual(['reader', 'restore']);
    expect(handled).toEqual([expect.stringContaining('Corrupt record in a changelog (injected)')]);
    expect(second.state()).toBe(KafkaStreamsState.RUNNING);
    expect(states).not.toContain(KafkaStreamsState.ERROR);

    await produce(input, records(100, 250));
    for (const r of records(100, 250)) await pipe.pipeInput(r.key, r.value);
    const expected = driver.createOutputTopic('out', S, L).readKeyValuesToMap();
    await driver.close();
    expect(expected.get('k0')).toBe(13);
    expect(await latestCounts(output, expected)).toEqual(expected);
  });
});
