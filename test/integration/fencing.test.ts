/**
 * Zombie fencing under exactly_once_v2: two counting apps (child processes) share the work; one is paused
 * with SIGSTOP (mid-transaction: input keeps flowing) for longer than its session timeout, so the group
 * hands all its tasks to the other, whose new task producers fence the paused one's. Resumed with SIGCONT,
 * the zombie cannot commit (its producers are fenced, its transaction was aborted): it drops its tasks and
 * rejoins the group as a new member. The output stays exactly-once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { uniqueName } from './kafka.js';
import { ChildApp, OutputFollower, createTopics, exactlyOnceProblems, produceInput, readTopic, sleep, tempStateDir } from './streams-harness.js';

const PARTITIONS = 4;
const RECORDS = 40_000;
const KEYS = 300;

describe('KafkaStreams fencing of a paused instance (exactly_once_v2, child processes)', () => {
  const apps: ChildApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) {
      app.signal('SIGCONT');
      await app.kill();
    }
  });

  it('an instance paused past its session timeout cannot commit once resumed, and rejoins; output stays exactly-once', async () => {
    const input = uniqueName('fence-in');
    const output = uniqueName('fence-out');
    await createTopics([
      { topic: input, partitions: PARTITIONS },
      { topic: output, partitions: PARTITIONS },
    ]);
    const config = {
      applicationId: uniqueName('fence-app'),
      input,
      output,
      guarantee: 'exactly_once_v2',
      // long enough transactions that the pause surely catches one open, with records sent
      props: { 'commit.interval.ms': 1000 },
    };
    const follower = new OutputFollower(output, uniqueName('fence-follow'));
    await follower.start();
    const a = new ChildApp('A', { ...config, stateDir: tempStateDir() });
    const b = new ChildApp('B', { ...config, stateDir: tempStateDir() });
    apps.push(a, b);
    try {
      await a.waitFor('RUNNING', (x) => x.state() === 'RUNNING');
      await b.waitFor('RUNNING', (x) => x.state() === 'RUNNING');
      await a.waitFor('tasks shared', () => a.tasks().length === 4 && b.tasks().length === 4 && a.state() === 'RUNNING' && b.state() === 'RUNNING');
      const producing = produceInput(input, 0, RECORDS, KEYS, { chunk: 400, everyMs: 200 });
      await a.waitFor('results', () => follower.ids.size > 2_000);

      a.signal('SIGSTOP');
      const pausedAt = Date.now();
      await b.waitFor('all tasks, taken over from the paused A', () => b.tasks().length === 2 * PARTITIONS, 60_000);
      const progressBefore = follower.ids.size;
      await b.waitFor('progress on its own', () => follower.ids.size > progressBefore + 1_000, 60_000);
      const pausedMs = Date.now() - pausedAt;
      expect(pausedMs).toBeGreaterThan(6_000); // the session timeout
      a.signal('SIGCONT');

      // the zombie learns it was fenced, drops its tasks and rejoins; the two share the tasks again
      await a.waitFor('a fenced task', (x) => /fenced/.test(x.stderr), 60_000);
      await a.waitFor('tasks again after rejoining', (x) => x.tasks().length > 0 && b.tasks().length < 2 * PARTITIONS && x.state() === 'RUNNING', 60_000);
      await producing;
      await a.waitFor('every input record in the output', () => follower.ids.size >= RECORDS, 90_000);
      for (const app of [a, b]) app.signal('SIGTERM');
      for (const app of [a, b]) expect((await app.exited).code, `${app.name} stderr:\n${app.stderr.slice(-2000)}`).toBe(0);
    } finally {
      await follower.stop();
    }
    const records = await readTopic(output, PARTITIONS);
    const problems = exactlyOnceProblems(records, RECORDS, KEYS);
    if (problems.length > 0) {
      // where a duplicate came from: the repartition records carrying the input id, and the results naming it
      const dupId = Number(/id (\d+) counted twice/.exec(problems.join('\n'))?.[1] ?? -1);
      const repartition = await readTopic(`${config.applicationId}-by-key-repartition`, PARTITIONS);
      const inRepartition = repartition.filter((r) => r.value!.toString().startsWith(`${dupId},`)).map((r) => `p${r.partition}@${r.offset}`);
      const results = records.filter((r) => r.value!.toString().endsWith(`,${dupId}`)).map((r) => `p${r.partition}@${r.offset} ${r.value!.toString()}`);
      console.log(`[fencing] id ${dupId}: repartition ${inRepartition.join(' ')}; results ${results.join(' ')}`);
      for (const app of [a, b]) console.log(`[fencing] ${app.name}: ${JSON.stringify(app.events)}\n${app.stderr.slice(-3000)}`);
    }
    expect(problems).toEqual([]);
    expect(records.length).toBe(RECORDS);
  }, 180_000);
});
