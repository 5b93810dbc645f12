// Real HTTP and WebSocket clients for the public-edge tests: requests from a chosen loopback
// address (127.0.0.2 plays the trusted reverse proxy), streaming bodies, and /health timing.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openDatabase } from '@gencaster/db';
import { postgresSkipReason } from '@gencaster/db/testing';
import { inject } from 'vitest';

/** An answer of {@link send}. */
export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are checked by value
  json: () => any;
}

/** Options of {@link send}. */
export interface SendOptions {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Source address of the connection (default 127.0.0.1). */
  from?: string;
}

/** One HTTP request over a fresh connection from `from`. */
export function send(baseUrl: string, options: SendOptions): Promise<RawAnswer> {
  const url = new URL(options.path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        localAddress: options.from ?? '127.0.0.1',
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as unknown,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** POSTs a GraphQL operation as JSON from `from`. */
export function graphql(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { headers?: Record<string, string>; from?: string } = {},
): Promise<RawAnswer> {
  return send(baseUrl, {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ query, variables }),
    ...(options.from ? { from: options.from } : {}),
  });
}

/** What {@link streamBody} saw. */
export interface StreamedBody {
  status: number;
  text: string;
  /** Bytes the client had written when the answer's status line arrived. */
  bytesWrittenBeforeAnswer: number;
  /** Milliseconds from the first byte written to the answer. */
  answerMs: number;
}

/**
 * Streams up to `totalBytes` as a chunked request body (no Content-Length), 1 MiB at a time with
 * backpressure, and stops as soon as the server answers. The server is meant to refuse early.
 */
export function streamBody(
  baseUrl: string,
  options: { headers: Record<string, string>; totalBytes: number; prefix?: string },
): Promise<StreamedBody> {
  const url = new URL('/graphql', baseUrl);
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const started = Date.now();
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { ...options.headers, 'transfer-encoding': 'chunked' },
      agent: false,
    });
    req.on('response', (res) => {
      answered = true;
      const bytesWrittenBeforeAnswer = written;
      const answerMs = Date.now() - started;
      const chunks: Buffer[] = [];
      res.on('data', (data: Buffer) => chunks.push(data));
      const done = () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          bytesWrittenBeforeAnswer,
          answerMs,
        });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && written < options.totalBytes) {
        const piece = written === 0 && options.prefix ? Buffer.from(options.prefix) : chunk;
        written += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/**
 * Polls GET /health every `everyMs` from a child process (so the timings are the server's, not
 * this process's) until `stop()`; then reports the slowest answer in ms and any failure.
 */
export function watchHealth(baseUrl: string, everyMs = 20) {
  const probe = fork(fileURLToPath(new URL('./health-probe.mjs', import.meta.url)), [
    baseUrl,
    String(everyMs),
  ]);
  const result = new Promise<{ slowestMs: number; samples: number; failures: string[] }>(
    (resolve, reject) => {
      probe.once('message', (message) => resolve(message as never));
      probe.once('error', reject);
    },
  );
  return {
    async stop() {
      probe.send('stop');
      return result;
    },
  };
}

/** Engines the backend tests run on, with the reason one is skipped. */
export function backendEngines(): { engine: 'pglite' | 'postgres'; skip: string | undefined }[] {
  return [
    { engine: 'pglite', skip: undefined },
    { engine: 'postgres', skip: postgresSkipReason() },
  ];
}

/** A new empty database on the test PostgreSQL server; its URL and a function dropping it. */
export async function createPostgresDatabase(): Promise<{
  url: string;
  drop: () => Promise<void>;
}> {
  const server = inject('postgresUrl');
  if (!server) throw new Error(postgresSkipReason());
  const name = `gencaster_edge_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase({ url: server, poolSize: 1 });
  try {
    await sql.raw(`create database ${name}`).execute(admin.db);
  } finally {
    await admin.close();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = await openDatabase({ url: server, poolSize: 1 });
      try {
        await sql.raw(`drop database if exists ${name} with (force)`).execute(dropper.db);
      } finally {
        await dropper.close();
      }
    },
  };
}

/**
 * The /health budget during an attack: 100 ms on top of the slowest answer of three quiet seconds
 * measured just before (on a shared, loaded test machine a plain request can already take that
 * long; the attacks this guards against stalled the server for seconds).
 */
export async function healthBudgetMs(baseUrl: string): Promise<number> {
  const quiet = watchHealth(baseUrl);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const { slowestMs } = await quiet.stop();
  return 100 + slowestMs;
}
