import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { inputRecord, parseTotal } from '../test/integration/fixtures/counting-topology.js';

const bootstrap = process.env.BS ?? '127.0.0.1:19092';
const N = Number(process.env.N ?? 100000);
const KEYS = 1000;
const guarantee = process.env.G ?? 'exactly_once_v2';
const suffix = Date.now();
const input = `in-${suffix}`, output = `out-${suffix}`;
const kafka = new Kafka({ brokers: [bootstrap], clientId: 'dev', logLevel: logLevel.NOTHING });
const admin = kafka.admin(); await admin.connect();
await admin.createTopics({ topics: [{ topic: input, numPartitions: 6 }, { topic: output, numPartitions: 6 }], waitForLeaders: true });
await admin.disconnect();
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 }); await producer.connect();
let t0 = Date.now();
for (let s = 0; s < N; s += 10000) {
  const msgs = []; for (let i = s; i < Math.min(N, s + 10000); i++) { const r = inputRecord(i, KEYS); msgs.push({ key: r.key, value: r.value }); }
  await producer.send({ topic: input, messages: msgs });
}
await producer.disconnect();
console.log(`produced ${N} in ${Date.now() - t0} ms`);
const app = spawn('node', ['--import', 'tsx', '/work/main/test/integration/fixtures/counting-app.ts'], {
  env: { ...process.env, KSTREAMS_LOG_LEVEL: process.env.LL ?? 'warn', KS_APP: JSON.stringify({ bootstrapServers: bootstrap, applicationId: `app-${suffix}`, input, output, guarantee, stateDir: mkdtempSync(join(tmpdir(), 'ks-dev-')), props: JSON.parse(process.env.PROPS ?? '{}') }) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let started = 0;
app.stdout.on('data', (d) => { const s = String(d); if (s.includes('"RUNNING"') && !started) started = Date.now(); process.stdout.write(s); });
t0 = Date.now();
const consumer = kafka.consumer({ groupId: `chk-${suffix}`, readUncommitted: false, maxBytesPerPartition: 10485760 });
await consumer.connect(); await consumer.subscribe({ topic: output, fromBeginning: true });
const seen = new Set<number>(); let outCount = 0;
await new Promise<void>((resolve) => {
  void consumer.run({ eachBatch: async ({ batch }) => { for (const m of batch.messages) { outCount++; seen.add(parseTotal(m.value!.toString()).lastId); } if (seen.size >= N) resolve(); } });
  setInterval(() => console.log(`t=${Date.now() - t0} seen=${seen.size} out=${outCount}`), 2000).unref();
});
console.log(`done: ${N} in ${Date.now() - t0} ms from spawn, ${Date.now() - started} ms from RUNNING; ${(N / ((Date.now() - started) / 1000)).toFixed(0)} rec/s; outputs ${outCount}`);
app.kill('SIGTERM');
await consumer.disconnect();
process.exit(0);
