import { Agent, request } from 'node:http';
import { StreamsError } from '../errors/streams-error.js';

/** Kept-alive connections: forwarding and paging talk to the same few instances again and again. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Header on forwarded requests: the receiving instance answers from its own stores, never forwards again. */
export const FORWARDED_HEADER = 'x-kstreams-forwarded';

/** GETs `path` from a query service at `endpoint` (`host:port`) and parses its JSON answer. */
export function getJson(endpoint: string, path: string, headers: Record<string, string> = {}, timeoutMs = 10_000, retried = false): Promise<JsonResponse> {
  const colon = endpoint.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const req = request({ host: endpoint.slice(0, colon), port: Number(endpoint.slice(colon + 1)), path, agent, headers: { accept: 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown });
        } catch {
          reject(new StreamsError(`${endpoint} answered ${path} with something other than JSON (HTTP ${res.statusCode}): ${text.slice(0, 200)}`, { code: 'QUERY_SERVER_BAD_RESPONSE' }));
        }
      });
      res.on('error', (e) => reject(unreachable(endpoint, e)));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => {
      // a kept-alive socket the server closed as it was reused: the GET is idempotent, so it is sent again
      // on a new connection (Node's documented remedy for this race)
      if (req.reusedSocket && e.code === 'ECONNRESET' && !retried) resolve(getJson(endpoint, path, headers, timeoutMs, true));
      else reject(unreachable(endpoint, e));
    });
    req.end();
  });
}

function unreachable(endpoint: string, cause: Error): StreamsError {
  return new StreamsError(`the query service at ${endpoint} could not be reached (${cause.message})`, { code: 'QUERY_SERVER_UNREACHABLE', cause });
}
