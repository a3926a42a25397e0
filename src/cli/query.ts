/** `kstreams query [store] [key] --server host:port`: the command-line client of a running query service. */
import { getJson, type JsonResponse } from '../iq/query-client.js';
import { CliError, ExitCode } from './errors.js';

export interface QueryOptions {
  readonly server: string;
  readonly store?: string;
  readonly key?: string;
  readonly from?: string;
  readonly to?: string;
  readonly pageSize: number;
  readonly all: boolean;
  readonly token?: string;
  readonly out: (line: string) => void | Promise<void>;
  readonly err: (text: string) => void;
}

interface StoresBody {
  stores: Array<{ name: string; kind: string; hosts: string[] }>;
}
interface InstancesBody {
  self: string;
  instances: Array<{ host: string; port: number; stores: string[]; partitions: Array<{ topic: string; partition: number }> }>;
}
interface PageBody {
  rows: Array<{ key: string; value: unknown }>;
  next: string | null;
}

export async function query(o: QueryOptions): Promise<void> {
  if (!/^[^:]+:\d+$/.test(o.server)) throw new CliError(`--server must be host:port (got "${o.server}"), e.g. --server 127.0.0.1:7070`, ExitCode.USAGE);
  if (o.store === undefined) return list(o);
  const store = encodeURIComponent(o.store);
  if (o.key !== undefined) {
    if (o.all || o.token !== undefined) throw new CliError('--all and --token are for range scans: leave the key out to scan the store', ExitCode.USAGE);
    const params = new URLSearchParams();
    if (o.from !== undefined) params.set('from', o.from);
    if (o.to !== undefined) params.set('to', o.to);
    const body = (await get(o, `/v1/stores/${store}/keys/${encodeURIComponent(o.key)}${params.size > 0 ? `?${params}` : ''}`)) as { value?: unknown; windows?: unknown[] };
    if (body.windows !== undefined) for (const w of body.windows) await o.out(JSON.stringify(w));
    else await o.out(JSON.stringify(body.value));
    return;
  }
  let path = scanPath(store, o);
  for (;;) {
    const page = (await get(o, path)) as PageBody;
    for (const row of page.rows) await o.out(JSON.stringify(row));
    if (page.next === null) return;
    if (!o.all) {
      o.err(`kstreams: more rows: add --token ${page.next} for the next page (or --all for every page)`);
      return;
    }
    path = `/v1/stores/${store}/range?limit=${o.pageSize}&token=${page.next}`;
  }
}

function scanPath(store: string, o: QueryOptions): string {
  const params = new URLSearchParams({ limit: String(o.pageSize) });
  if (o.token !== undefined) {
    if (o.from !== undefined || o.to !== undefined) throw new CliError('--token continues a scan with its own bounds: leave --from and --to out', ExitCode.USAGE);
    params.set('token', o.token);
  }
  if (o.from !== undefined) params.set('from', o.from);
  if (o.to !== undefined) params.set('to', o.to);
  return `/v1/stores/${store}/range?${params}`;
}

async function list(o: QueryOptions): Promise<void> {
  const { stores } = (await get(o, '/v1/stores')) as StoresBody;
  const { instances } = (await get(o, '/v1/instances')) as InstancesBody;
  await o.out('stores:');
  for (const s of stores) await o.out(`  ${s.name} (${s.kind}) on ${s.hosts.join(', ') || 'no instance yet'}`);
  await o.out('instances:');
  for (const i of instances) {
    await o.out(`  ${i.host}:${i.port}  stores: ${i.stores.join(', ') || '-'}  partitions: ${i.partitions.map((p) => `${p.topic}-${p.partition}`).join(', ') || '-'}`);
  }
}

/** The body of a 200 answer; any other answer becomes a CliError naming the service's error code and what to do. */
async function get(o: QueryOptions, path: string): Promise<unknown> {
  let answer: JsonResponse;
  try {
    answer = await getJson(o.server, path);
  } catch (e) {
    throw new CliError(`${(e as Error).message}; is \`kstreams run <topology> --bootstrap-servers … --query-port <port>\` running there?`);
  }
  if (answer.status === 200) return answer.body;
  const error = (answer.body as { error?: { code?: string; message?: string } }).error ?? {};
  const what = `${error.code ?? `HTTP ${answer.status}`}: ${error.message ?? 'no details'}`;
  if (answer.status === 503) throw new CliError(`${what} (temporary: retry in a moment)`);
  if (answer.status === 400 || error.code === 'UNKNOWN_STATE_STORE') throw new CliError(what, ExitCode.USAGE);
  throw new CliError(what);
}
