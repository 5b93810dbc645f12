// The GraphQL fuzz suite, run short by `npm test` and long by `npm run test:load`.
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Database } from '@gencaster/db';
import { openTestDatabase } from '@gencaster/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEditor, gql, startTestServer, type TestServer } from '../../testing/test-server.ts';
import { hostileRequest, seededRandom, type HostileRequest } from './hostile-requests.ts';

/** Options of {@link defineGraphqlFuzzSuite}. */
export interface GraphqlFuzzOptions {
  requests: number;
  seed: number;
  /** Allowed heap growth (after GC) between warm-up and the end, bytes. */
  maxHeapGrowthBytes: number;
  timeoutMs: number;
}

const limits = { maxBodyBytes: 512 * 1024, maxUploadBytes: 64 * 1024 };

function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

type WireError = { message?: unknown; extensions?: { code?: unknown } };

/** Why a response breaks the contract (a non-2xx or an error without a typed code), or undefined. */
function contractProblem(status: number, text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return status >= 300
      ? `status ${status} with a non-JSON body: ${text.slice(0, 120)}`
      : undefined;
  }
  const results = (Array.isArray(body) ? body : [body]) as { errors?: WireError[] }[];
  const errors = results.flatMap((result) => result?.errors ?? []);
  if (status >= 300 && errors.length === 0)
    return `status ${status} without errors: ${text.slice(0, 120)}`;
  const untyped = errors.find((error) => typeof error.extensions?.code !== 'string');
  if (untyped)
    return `status ${status}, error without a code: ${JSON.stringify(untyped).slice(0, 200)}`;
  if (status >= 500) return `status ${status}: ${text.slice(0, 200)}`;
  return undefined;
}

/**
 * Declares the fuzz test: `requests` hostile requests against the real HTTP API on a real
 * database. Every answer must be 2xx or carry errors with a typed `extensions.code` (never a bare
 * 500), the server must still answer afterwards and its heap must stay within the bound.
 */
export function defineGraphqlFuzzSuite(options: GraphqlFuzzOptions): void {
  let database: Database;
  let server: TestServer;
  let editorHeaders: Record<string, string>;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    server = await startTestServer({ database, options: limits });
    editorHeaders = (await createEditor(database)).bearer;
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it(
    `answers ${options.requests} hostile requests with typed errors and keeps serving`,
    { timeout: options.timeoutMs },
    async () => {
      const rand = seededRandom(options.seed);
      const byKind: Record<string, Record<number, number>> = {};
      const problems: string[] = [];
      const send = async (request: HostileRequest) => {
        const headers = { ...request.headers, ...(rand() < 0.3 ? editorHeaders : {}) };
        const response = await fetch(`${server.url}${request.search ?? ''}`, {
          method: request.method,
          headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
        });
        const text = await response.text();
        const perKind = (byKind[request.kind] ??= {});
        perKind[response.status] = (perKind[response.status] ?? 0) + 1;
        const problem = contractProblem(response.status, text);
        if (problem && problems.length < 20) problems.push(`${request.kind}: ${problem}`);
      };
      const concurrency = 4;
      const warmUp = Math.min(200, Math.floor(options.requests / 5));
      let heapBefore = 0;
      const started = performance.now();
      for (let done = 0; done < options.requests;) {
        if (heapBefore === 0 && done >= warmUp) {
          collectGarbage();
          heapBefore = process.memoryUsage().heapUsed;
        }
        const count = Math.min(concurrency, options.requests - done);
        await Promise.all(Array.from({ length: count }, () => send(hostileRequest(rand, limits))));
        done += count;
      }
      const seconds = (performance.now() - started) / 1000;
      collectGarbage();
      const heapAfter = process.memoryUsage().heapUsed;
      console.info(
        `[graphql fuzz] ${options.requests} requests in ${seconds.toFixed(1)} s (${Math.round(options.requests / seconds)}/s); ` +
          `heap ${(heapBefore / 2 ** 20).toFixed(1)} → ${(heapAfter / 2 ** 20).toFixed(1)} MiB; statuses by kind ${JSON.stringify(byKind)}`,
      );
      if (problems.length > 0) console.info(`[graphql fuzz] problems:\n${problems.join('\n')}`);
      expect(problems).toEqual([]);
      expect(heapAfter - heapBefore).toBeLessThan(options.maxHeapGrowthBytes);
      const after = await gql(server.url, '{ __typename }');
      expect(after.data).toEqual({ __typename: 'Query' });
    },
  );
}
