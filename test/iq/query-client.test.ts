/**
 * A kept-alive connection that the server drops just as the client reuses it (the keep-alive timeout race)
 * must not fail an interactive query: the GET is sent again on a new connection.
 */
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { getJson } from '../../src/iq/query-client.js';

const ANSWER = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: keep-alive\r\n\r\n{"ok":true}';

describe('getJson on a reused connection the server resets', () => {
  it('sends the request again on a new connection', async () => {
    let connections = 0;
    const sockets = new Set<Socket>();
    const server = createServer((socket: Socket) => {
      sockets.add(socket);
      const id = ++connections;
      let requests = 0;
      socket.on('data', () => {
        requests++;
        // the first connection answers its first request, then resets when it is reused
        if (id === 1 && requests === 2) socket.resetAndDestroy();
        else socket.write(ANSWER);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const endpoint = `127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect(await getJson(endpoint, '/first')).toEqual({ status: 200, body: { ok: true } });
      expect(await getJson(endpoint, '/second')).toEqual({ status: 200, body: { ok: true } });
      expect(connections).toBe(2);
    } finally {
      for (const socket of sockets) socket.destroy(); // the client keeps its connection alive
      await new Promise((r) => server.close(r));
    }
  });
});
