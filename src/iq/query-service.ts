import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IllegalArgumentError } from '../errors/streams-error.js';
import type { Topology } from '../topology/topology.js';
import { HttpError, toHttpError } from './http-error.js';
import { KeyCodecs, type KeyCodec } from './key-codec.js';
import { readLocalKey, readLocalPartition, type QueryableStreams } from './local-reads.js';
import { HostInfo } from './metadata.js';
import { decodePageToken, type ScanPosition } from './page-token.js';
import { FORWARDED_HEADER, getJson, type JsonResponse } from './query-client.js';
import { scanPage, type PartitionChunk } from './range-scan.js';
import { storeCatalog, type StoreKind } from './store-kind.js';

export interface QueryServiceOptions {
  /** This instance's `application.server` (host:port), as configured on its KafkaStreams. */
  readonly applicationServer: string;
  /** Port to listen on; default: application.server's. 0 picks a free port (then `start()` tells it). */
  readonly port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  readonly listenHost?: string;
  /** How each store's keys are written in URLs and serialized for routing; default: strings. */
  readonly keyCodecs?: Readonly<Record<string, KeyCodec<unknown>>>;
  readonly defaultPageSize?: number;
  readonly maxPageSize?: number;
}

const USAGE = [
  'GET /v1/instances',
  'GET /v1/stores',
  'GET /v1/stores/{store}/keys/{key}            (window stores: ?from=&to= window start times)',
  'GET /v1/stores/{store}/range?from=&to=&limit=  (then ?token=<next>&limit= for the next page)',
];

/**
 * The interactive-query HTTP service of one instance: JSON over node:http. Any instance answers any
 * question: a key another instance hosts is forwarded to it (server-side, once: the owner answers from
 * its own stores), and a scan reads each partition from its owner, page by page with a continuation
 * token. Errors are `{ "error": { "code", "message" } }` (see `toHttpError` for the statuses).
 */
export class QueryService {
  private server: Server | null = null;
  private readonly self: HostInfo;
  private readonly kinds: ReadonlyMap<string, StoreKind>;

  constructor(
    private readonly streams: QueryableStreams,
    topology: Topology,
    private readonly options: QueryServiceOptions,
  ) {
    this.self = HostInfo.buildFromEndpoint(options.applicationServer);
    this.kinds = storeCatalog(topology.internalTopologyBuilder);
  }

  /** Listens; resolves with the port. */
  async start(): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? this.self.port, this.options.listenHost ?? '127.0.0.1', () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let answer: JsonResponse;
    try {
      if (req.method !== 'GET') throw new HttpError(405, 'METHOD_NOT_ALLOWED', `only GET is supported; endpoints: ${USAGE.join('; ')}`);
      answer = await this.route(new URL(req.url ?? '/', 'http://localhost'), req.headers[FORWARDED_HEADER] !== undefined);
    } catch (e) {
      const error = toHttpError(e);
      answer = { status: error.status, body: error.body() };
    }
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async route(url: URL, forwarded: boolean): Promise<JsonResponse> {
    const parts = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
    if (parts[0] === 'v1' && parts.length === 2 && parts[1] === 'instances') return ok(this.instances());
    if (parts[0] === 'v1' && parts.length === 2 && parts[1] === 'stores') return ok(this.stores());
    if (parts[0] === 'v1' && parts[1] === 'stores' && parts.length >= 4) {
      const store = parts[2]!;
      const kind = this.kindOf(store);
      if (parts[3] === 'keys' && parts.length === 5) return this.key(url, store, kind, parts[4]!, forwarded);
      if (parts[3] === 'range' && parts.length === 4) return ok(await this.range(url, store, kind));
      if (parts[3] === 'partitions' && parts[5] === 'range' && parts.length === 6) return ok(await this.partitionRange(url, store, integer(parts[4]!, 'partition', 0)));
    }
    throw new HttpError(404, 'NOT_FOUND', `no such endpoint: ${url.pathname}; endpoints: ${USAGE.join('; ')}`);
  }

  private instances(): unknown {
    return {
      self: this.self.toString(),
      instances: this.streams.metadataForAllStreamsClients().map((m) => ({
        host: m.hostInfo.host,
        port: m.hostInfo.port,
        stores: m.stateStoreNames,
        partitions: m.topicPartitions.map((tp) => ({ topic: tp.topic, partition: tp.partition })),
      })),
    };
  }

  private stores(): unknown {
    return {
      stores: [...this.kinds].map(([name, kind]) => ({ name, kind, hosts: this.streams.streamsMetadataForStore(name).map((m) => m.hostInfo.toString()) })),
    };
  }

  private async key(url: URL, store: string, kind: StoreKind, text: string, forwarded: boolean): Promise<JsonResponse> {
    const codec = this.codec(store);
    const key = codec.parse(text);
    const meta = this.streams.queryMetadataForKey(store, key, codec.serializer);
    if (meta === null) throw new HttpError(404, 'UNKNOWN_STATE_STORE', `store ${store} is not in the topology`);
    if (meta.activeHost.port === -1) throw meta.partition === -1 ? metadataNotAvailable(store) : ownerUnknown(store, meta.partition);
    // a global store (partition -1) is whole on every instance
    const global = meta.partition === -1;
    if (!forwarded && !global && !meta.activeHost.equals(this.self)) {
      return getJson(meta.activeHost.toString(), url.pathname + url.search, { [FORWARDED_HEADER]: this.self.toString() });
    }
    const time = { from: optionalInteger(url, 'from') ?? 0, to: optionalInteger(url, 'to') ?? Number.MAX_SAFE_INTEGER };
    const answer = await readLocalKey(this.streams, store, kind, key, global ? null : meta.partition, time);
    if (answer === null) throw new HttpError(404, 'KEY_NOT_FOUND', `store ${store} has no value for key "${text}"`);
    return ok({ store, key: text, partition: meta.partition, host: this.self.toString(), ...answer });
  }

  /** One page of a scan of the whole store, each partition read from its owner. */
  private async range(url: URL, store: string, kind: StoreKind): Promise<unknown> {
    if (kind !== 'keyValue' && kind !== 'timestampedKeyValue' && kind !== 'custom') {
      throw new HttpError(400, 'UNSUPPORTED_STORE_KIND', `range scans are for key-value stores; ${store} is a ${kind} store: look keys up with /v1/stores/${store}/keys/{key}`);
    }
    const limit = this.pageSize(url);
    const token = url.searchParams.get('token');
    const position: ScanPosition =
      token === null
        ? { store, from: url.searchParams.get('from'), to: url.searchParams.get('to'), partition: 0, after: null }
        : decodePageToken(token, store);
    const owners = this.streams.partitionsOfStore(store);
    if (owners.length === 0) throw metadataNotAvailable(store);
    const read = async (partition: number, after: string | null, n: number): Promise<PartitionChunk> => {
      const owner = owners[partition]!.activeHost;
      if (owner.port === -1) throw ownerUnknown(store, partition);
      if (owner.equals(this.self)) return readLocalPartition(this.streams, store, this.codec(store), partition, position, after, n);
      const query = new URLSearchParams({ limit: String(n) });
      if (position.from !== null) query.set('from', position.from);
      if (position.to !== null) query.set('to', position.to);
      if (after !== null) query.set('after', after);
      const answer = await getJson(owner.toString(), `/v1/stores/${encodeURIComponent(store)}/partitions/${partition}/range?${query}`, { [FORWARDED_HEADER]: this.self.toString() });
      if (answer.status !== 200) throw relayed(answer);
      return answer.body as PartitionChunk;
    };
    const page = await scanPage(position, limit, owners.length, read);
    return { store, rows: page.rows, next: page.next };
  }

  /** Internal (a scan's coordinator asks the owner): one local partition's rows after `after`. */
  private partitionRange(url: URL, store: string, partition: number): Promise<PartitionChunk> {
    const bounds = { from: url.searchParams.get('from'), to: url.searchParams.get('to') };
    return readLocalPartition(this.streams, store, this.codec(store), partition, bounds, url.searchParams.get('after'), this.pageSize(url));
  }

  private kindOf(store: string): StoreKind {
    const kind = this.kinds.get(store);
    if (kind === undefined) throw new HttpError(404, 'UNKNOWN_STATE_STORE', `no store named ${store}; the stores are: ${[...this.kinds.keys()].join(', ')}`);
    return kind;
  }

  private codec(store: string): KeyCodec<unknown> {
    return this.options.keyCodecs?.[store] ?? (KeyCodecs.string() as KeyCodec<unknown>);
  }

  private pageSize(url: URL): number {
    const max = this.options.maxPageSize ?? 10_000;
    const limit = optionalInteger(url, 'limit') ?? this.options.defaultPageSize ?? 100;
    if (limit < 1 || limit > max) throw new IllegalArgumentError(`limit must be between 1 and ${max} (got ${limit})`);
    return limit;
  }
}

const ok = (body: unknown): JsonResponse => ({ status: 200, body });

function metadataNotAvailable(store: string): HttpError {
  return new HttpError(503, 'METADATA_NOT_AVAILABLE', `which instance hosts which partition of ${store} is not known yet (the application is starting or rebalancing); retry shortly`);
}

function ownerUnknown(store: string, partition: number): HttpError {
  return new HttpError(503, 'PARTITION_OWNER_UNKNOWN', `no instance hosts partition ${partition} of store ${store} now (the application is rebalancing); retry shortly`);
}

/** An error answer of another instance, passed on as it is. */
function relayed(answer: JsonResponse): HttpError {
  const error = (answer.body as { error?: { code?: string; message?: string } }).error;
  return new HttpError(answer.status, error?.code ?? 'INTERNAL_ERROR', error?.message ?? `HTTP ${answer.status}`);
}

function integer(text: string, what: string, min: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new IllegalArgumentError(`${what} must be an integer of at least ${min} (got "${text}")`);
  return n;
}

function optionalInteger(url: URL, name: string): number | null {
  const text = url.searchParams.get(name);
  return text === null ? null : integer(text, name, 0);
}
