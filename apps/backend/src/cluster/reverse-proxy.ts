import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
} from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** Options of {@link startReverseProxy}. */
export interface ReverseProxyOptions {
  /** Backends as `host:port`, tried round-robin. */
  upstreams: string[];
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Largest request body buffered for a retry on another backend (default 64 MiB). */
  maxBodyBytes?: number;
}

/** A running proxy; `close()` stops it and cuts every proxied connection. */
export interface ReverseProxy {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

function parseUpstream(upstream: string): { host: string; port: number } {
  const at = upstream.lastIndexOf(':');
  return { host: upstream.slice(0, at), port: Number(upstream.slice(at + 1)) };
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('request body too large for the proxy'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

/**
 * A small HTTP + WebSocket reverse proxy for a local cluster (what nginx does in a deployment):
 * requests and WebSocket upgrades go round-robin to the backends; a backend that refuses the
 * connection (stopped, crashed or draining) is skipped and the next one is tried, so a listener
 * that reconnects to the same URL lands on a live backend.
 */
export async function startReverseProxy(options: ReverseProxyOptions): Promise<ReverseProxy> {
  const upstreams = options.upstreams.map(parseUpstream);
  if (upstreams.length === 0) throw new Error('the proxy needs at least one upstream');
  const maxBody = options.maxBodyBytes ?? 64 * 1024 * 1024;
  let next = 0;
  const order = () => {
    const start = next++ % upstreams.length;
    return upstreams.map((_, i) => upstreams[(start + i) % upstreams.length]!);
  };
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request, maxBody);
      for (const target of order()) {
        const headers: OutgoingHttpHeaders = { ...request.headers };
        const answered = await new Promise<boolean>((resolve) => {
          const upstream = httpRequest(
            { ...target, method: request.method, path: request.url, headers },
            (reply) => {
              response.writeHead(reply.statusCode ?? 502, reply.headers);
              reply.pipe(response);
              resolve(true);
            },
          );
          upstream.once('error', (error: NodeJS.ErrnoException) => {
            if (response.headersSent) response.destroy();
            resolve(response.headersSent || error.code !== 'ECONNREFUSED' ? true : false);
            if (!response.headersSent && error.code !== 'ECONNREFUSED') {
              response.writeHead(502).end(`upstream error: ${error.message}`);
            }
          });
          upstream.end(body);
        });
        if (answered) return;
      }
      response.writeHead(502, { 'content-type': 'text/plain' }).end('no backend is reachable');
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502);
      response.end(String(error));
    });
  });
  server.on('connection', track);

  server.on('upgrade', (request: IncomingMessage, client: Duplex, head: Buffer) => {
    const head0 = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/1.1`];
    for (let i = 0; i < request.rawHeaders.length; i += 2)
      head0.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
    const rawHead = `${head0.join('\r\n')}\r\n\r\n`;
    const candidates = order();
    const attempt = (index: number) => {
      const target = candidates[index];
      if (!target) {
        client.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\n\r\n');
        return;
      }
      const upstream: Socket = connect(target);
      upstream.once('error', () => {
        upstream.destroy();
        if (!upstream.bytesRead && !upstream.bytesWritten) attempt(index + 1);
        else client.destroy();
      });
      upstream.once('connect', () => {
        track(upstream);
        upstream.write(rawHead);
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
        client.once('error', () => upstream.destroy());
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
      });
    };
    attempt(0);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
