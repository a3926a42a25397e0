import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query, type QueryOptions } from '../../src/cli/query.js';
import { kstreams } from '../cli/helpers.js';
import { partitionOf, startTwoInstances, type ServedInstance } from './fixtures.js';

const KEYS = Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, '0')}`);

describe('kstreams query (the query service client)', () => {
  let a: ServedInstance;
  let b: ServedInstance;
  beforeAll(async () => {
    [a, b] = await startTwoInstances(KEYS);
  });
  afterAll(async () => {
    await a.service.close();
    await b.service.close();
  });

  async function run(o: Partial<QueryOptions>): Promise<{ out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    await query({ server: a.endpoint, pageSize: 100, all: false, out: (l) => void out.push(l), err: (t) => void err.push(t), ...o });
    return { out, err };
  }

  it('prints a key\'s value, wherever it lives', async () => {
    const remote = KEYS.find((k) => partitionOf(k) === 2)!;
    expect((await run({ store: 'kv', key: remote })).out).toEqual([JSON.stringify(`v-${remote}`)]);
    expect((await run({ store: 'win', key: 'w', from: '0', to: '50' })).out).toEqual([JSON.stringify({ start: 10, value: 'w@10' })]);
  });

  it('scans one page and tells how to continue; --all prints every row once', async () => {
    const first = await run({ store: 'kv', pageSize: 10 });
    expect(first.out).toHaveLength(10);
    expect(first.err).toHaveLength(1);
    const token = /--token (\S+)/.exec(first.err[0]!)![1]!;
    const second = await run({ store: 'kv', pageSize: 10, token });
    expect(second.out).toHaveLength(10);
    const all = await run({ store: 'kv', pageSize: 4, all: true });
    const rows = all.out.map((l) => JSON.parse(l) as { key: string; value: string });
    expect(rows.map((r) => r.key).sort()).toEqual(KEYS);
    expect(rows.every((r) => r.value === `v-${r.key}`)).toBe(true);
    expect(all.err).toEqual([]);
    expect(rows.slice(0, 20)).toEqual([...first.out, ...second.out].map((l) => JSON.parse(l) as unknown));
  });

  it('lists stores and instances', async () => {
    const { out } = await run({});
    expect(out).toEqual([
      'stores:',
      `  kv (keyValue) on ${[a.endpoint, b.endpoint].sort().join(', ')}`,
      `  win (window) on ${[a.endpoint, b.endpoint].sort().join(', ')}`,
      'instances:',
      ...[`  ${a.endpoint}  stores: kv, win  partitions: t-0, t-1`, `  ${b.endpoint}  stores: kv, win  partitions: t-2`].sort(),
    ]);
  });

  it('errors name the problem and the fix, with usage (2) or failure (1) exit codes', async () => {
    await expect(run({ store: 'nope', key: 'x' })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('UNKNOWN_STATE_STORE: no store named nope; the stores are: kv, win') as string });
    await expect(run({ store: 'kv', key: 'absent' })).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('KEY_NOT_FOUND') as string });
    await expect(run({ store: 'kv', key: 'k01', all: true })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('leave the key out') as string });
    await expect(run({ server: 'localhost' })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--server must be host:port') as string });
    b.instance.local.clientState = 'REBALANCING';
    const remote = KEYS.find((k) => partitionOf(k) === 2)!;
    await expect(run({ store: 'kv', key: remote })).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/^STREAMS_REBALANCING: .*\(temporary: retry in a moment\)$/) as string });
    b.instance.local.clientState = 'RUNNING';
  });

  it('the real command: prints the value, exits 1 with a hint when nothing listens, 2 on a bad run option', async () => {
    const [hit, down, badRun] = await Promise.all([
      kstreams(['query', 'kv', 'k03', '--server', b.endpoint]),
      kstreams(['query', 'kv', 'k03', '--server', '127.0.0.1:1']),
      kstreams(['run', 'order-fill', '--bootstrap-servers', '127.0.0.1:1', '--application-server', 'h:1']),
    ]);
    expect(badRun.code).toBe(2);
    expect(badRun.stderr).toContain('kstreams: --application-server needs --query-port <port>: the port this instance serves queries on');
    expect({ code: hit.code, stdout: hit.stdout }).toEqual({ code: 0, stdout: `"v-k03"\n` });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/kstreams: the query service at 127\.0\.0\.1:1 could not be reached .*is `kstreams run <topology> --bootstrap-servers … --query-port <port>` running there\?/);
  });
});
