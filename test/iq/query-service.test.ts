import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getJson } from '../../src/iq/query-client.js';
import { partitionOf, startTwoInstances, type ServedInstance } from './fixtures.js';

const KEYS = Array.from({ length: 30 }, (_, i) => `k${String(i).padStart(2, '0')}`);

describe('QueryService (two instances, in process)', () => {
  let a: ServedInstance;
  let b: ServedInstance;

  beforeEach(async () => {
    [a, b] = await startTwoInstances(KEYS);
  });

  afterEach(async () => {
    await a.service.close();
    await b.service.close();
  });

  it('answers every key from any instance, forwarding to the owner', async () => {
    for (const key of KEYS) {
      const owner = partitionOf(key) === 2 ? b.endpoint : a.endpoint;
      for (const via of [a, b]) {
        const answer = await getJson(via.endpoint, `/v1/stores/kv/keys/${key}`);
        expect(answer).toEqual({ status: 200, body: { store: 'kv', key, partition: partitionOf(key), host: owner, value: `v-${key}` } });
      }
    }
  });

  it('reports a missing key, an unknown store, a bad request and an unknown endpoint', async () => {
    const missing = await getJson(a.endpoint, '/v1/stores/kv/keys/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'KEY_NOT_FOUND' } });
    expect(await getJson(a.endpoint, '/v1/stores/zz/keys/k01')).toMatchObject({ status: 404, body: { error: { code: 'UNKNOWN_STATE_STORE', message: 'no store named zz; the stores are: kv, win' } } });
    expect(await getJson(a.endpoint, '/v1/stores/kv/range?limit=0')).toMatchObject({ status: 400, body: { error: { code: 'ILLEGAL_ARGUMENT' } } });
    expect(await getJson(a.endpoint, '/v1/stores/kv/range?token=garbage')).toMatchObject({ status: 400, body: { error: { code: 'ILLEGAL_ARGUMENT' } } });
    expect(await getJson(a.endpoint, '/v1/stores/win/range')).toMatchObject({ status: 400, body: { error: { code: 'UNSUPPORTED_STORE_KIND' } } });
    expect(await getJson(a.endpoint, '/v2/x')).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('pages a scan of the whole store: every row once, from both owners', async () => {
    const seen: string[] = [];
    let path = '/v1/stores/kv/range?limit=7';
    let pages = 0;
    for (;;) {
      const answer = await getJson(b.endpoint, path);
      expect(answer.status).toBe(200);
      const body = answer.body as { rows: Array<{ key: string; value: string }>; next: string | null };
      for (const row of body.rows) expect(row.value).toBe(`v-${row.key}`);
      seen.push(...body.rows.map((r) => r.key));
      pages++;
      if (body.next === null) break;
      path = `/v1/stores/kv/range?limit=7&token=${body.next}`;
    }
    expect(pages).toBe(5);
    expect(seen).toEqual([0, 1, 2].flatMap((p) => KEYS.filter((k) => partitionOf(k) === p)));
  });

  it('a bounded scan returns the keys in [from, to]', async () => {
    const answer = await getJson(a.endpoint, '/v1/stores/kv/range?from=k10&to=k14&limit=100');
    const keys = (answer.body as { rows: Array<{ key: string }> }).rows.map((r) => r.key).sort();
    expect(keys).toEqual(['k10', 'k11', 'k12', 'k13', 'k14']);
  });

  it('an owner that is rebalancing answers 503 with its reason, relayed by the instance asked', async () => {
    b.instance.local.clientState = 'REBALANCING';
    const key = KEYS.find((k) => partitionOf(k) === 2)!;
    const answer = await getJson(a.endpoint, `/v1/stores/kv/keys/${key}`);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: { code: 'STREAMS_REBALANCING' } });
    expect(await getJson(a.endpoint, '/v1/stores/kv/range?limit=100')).toMatchObject({ status: 503, body: { error: { code: 'STREAMS_REBALANCING' } } });
  });

  it('an owner that cannot be reached is a 502', async () => {
    await b.service.close();
    const key = KEYS.find((k) => partitionOf(k) === 2)!;
    expect(await getJson(a.endpoint, `/v1/stores/kv/keys/${key}`)).toMatchObject({ status: 502, body: { error: { code: 'QUERY_SERVER_UNREACHABLE' } } });
  });

  it('window stores: a key\'s windows; stores and instances are listed', async () => {
    expect(await getJson(b.endpoint, '/v1/stores/win/keys/w?from=0&to=100')).toEqual({
      status: 200,
      body: { store: 'win', key: 'w', partition: partitionOf('w'), host: partitionOf('w') === 2 ? b.endpoint : a.endpoint, windows: [{ start: 10, value: 'w@10' }] },
    });
    expect((await getJson(a.endpoint, '/v1/stores')).body).toEqual({
      stores: [
        { name: 'kv', kind: 'keyValue', hosts: [a.endpoint, b.endpoint].sort() },
        { name: 'win', kind: 'window', hosts: [a.endpoint, b.endpoint].sort() },
      ],
    });
    const instances = (await getJson(b.endpoint, '/v1/instances')).body as { self: string; instances: Array<{ host: string; port: number; partitions: unknown[] }> };
    expect(instances.self).toBe(b.endpoint);
    expect(instances.instances.map((i) => `${i.host}:${i.port}/${i.partitions.length}`).sort()).toEqual([`${a.endpoint}/2`, `${b.endpoint}/1`].sort());
  });
});
