/**
 * The load side of the end-to-end latency benchmark (bench/kafka-e2e.ts), in its own process so that
 * producing and measuring never compete with the application for the event loop: produces at a steady rate
 * (each record's timestamp = the time it is handed to the producer) and consumes the output topic
 * (read_committed), recording for every output record `now - record timestamp`. Prints one JSON line with
 * the latencies (after the warm-up) on stdout when done.
 *
 *   node dist/bench/kafka-e2e-load.js '<json config>'
 */
import { Kafka, logLevel } from 'kafkajs';

interface LoadConfig {
  readonly bootstrapServers: string;
  readonly input: string;
  readonly output: string;
  readonly ratePerSecond: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly keys: number;
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
const kafka = new Kafka({ clientId: 'bench-load', brokers: [cfg.bootstrapServers], logLevel: logLevel.NOTHING });
const latencies: number[] = [];
let outputs = 0;
const startedAt = Date.now();
const measureFrom = startedAt + cfg.warmupSeconds * 1000;
const produceUntil = measureFrom + cfg.seconds * 1000;

const consumer = kafka.consumer({ groupId: `bench-load-${Date.now()}`, readUncommitted: false, maxWaitTimeInMs: 20, minBytes: 1 });
await consumer.connect();
await consumer.subscribe({ topic: cfg.output, fromBeginning: true });
await consumer.run({
  eachBatch: async ({ batch }) => {
    const now = Date.now();
    for (const m of batch.messages) {
      outputs++;
      const ts = Number(m.timestamp);
      if (ts >= measureFrom && ts < produceUntil) latencies.push(now - ts);
    }
  },
});

const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const value = Buffer.alloc(8);
value.writeBigInt64BE(1n);
const tickMs = 10;
let sent = 0;
let seq = 0;
// a steady rate: every tick, send what is due since the start
while (Date.now() < produceUntil) {
  const due = Math.floor(((Date.now() - startedAt) / 1000) * cfg.ratePerSecond);
  if (due > sent) {
    const now = Date.now();
    const messages = [];
    for (; sent < due; sent++) messages.push({ key: `key-${seq++ % cfg.keys}`, value, timestamp: String(now) });
    await producer.send({ topic: cfg.input, acks: -1, messages });
  }
  await new Promise((r) => setTimeout(r, tickMs));
}
// let the last records come through
await new Promise((r) => setTimeout(r, 3000));
await producer.disconnect();
await consumer.disconnect();
// (exit only once the line is written: stdout to a pipe is asynchronous)
process.stdout.write(JSON.stringify({ sent, outputs, latencies }) + '\n', () => process.exit(0));
