import { it } from 'vitest';
import { uniqueName } from './kafka.js';
import { ChildApp, OutputFollower, createTopics, produceInput, sleep, tempStateDir } from './streams-harness.js';

it('timeline', async () => {
  const input = uniqueName('tl-in'), output = uniqueName('tl-out');
  await createTopics([{ topic: input, partitions: 4 }, { topic: output, partitions: 4 }]);
  const config = { applicationId: uniqueName('tl-app'), input, output, guarantee: process.env.G ?? 'exactly_once_v2', stateDir: tempStateDir(), props: { 'commit.interval.ms': 100 } };
  const f = new OutputFollower(output, uniqueName('tl-f')); await f.start();
  const producing = produceInput(input, 0, 40000, 500, { chunk: 500, everyMs: 200 });
  const t0 = Date.now();
  const timer = setInterval(() => console.log(`t=${Date.now() - t0} ids=${f.ids.size}`), 500);
  for (let i = 0; i < 3; i++) {
    const app = new ChildApp(`run${i}`, config, { KSTREAMS_LOG_LEVEL: process.env.LL ?? 'warn' });
    await app.waitFor('RUNNING', (a) => a.state() === 'RUNNING', 60000);
    await sleep(4000);
    await app.kill();
    for (const e of app.events) console.log(`run${i} t=${(e as any).t - t0}`, JSON.stringify(e));
    console.log(app.stderr.slice(-3000));
  }
  clearInterval(timer);
  await producing; await f.stop();
}, 300000);
