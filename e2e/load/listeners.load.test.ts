// The load suite (`npm run test:load`): 1000 simulated listeners (one graphql-ws socket each) run
// full sessions for 5 minutes against 16 real stream points (2 sound hosts × 8, each host in its own
// network namespace) behind 2 backend processes on one PostgreSQL + Redis: join, answer dialogs with
// variable writes, leave or drop-and-resume, join again; most joins get NoStreamAvailable (16
// points, 1000 listeners) and must get it as a clean typed answer. Checks: no point ever has two
// active streams, no listener is counted twice, no client saw two listeners on one point, every
// acknowledged write is stored, listener counts exact at the end; reports p99 assignment latency
// and memory. GENCASTER_LOAD_MINUTES / GENCASTER_LOAD_LISTENERS change the size.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { missingSoundBinaries } from '@gencaster/sound';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDialogLoopGraph } from './support/load-graph.ts';
import { expectExactLoad } from './support/load-expectations.ts';
import { runListenerLoad } from './support/load-run.ts';
import { startLoadStack, type LoadStack } from './support/load-stack.ts';
import { soundHostNetworkUnavailable } from './support/sound-host-network.ts';

const minutes = Number(process.env.GENCASTER_LOAD_MINUTES ?? 5);
const listeners = Number(process.env.GENCASTER_LOAD_LISTENERS ?? 1000);
const reason =
  process.env.GENCASTER_LOAD_SUITE !== '1'
    ? 'load suites run with npm run test:load'
    : missingSoundBinaries().binaries.length > 0
      ? `missing ${missingSoundBinaries().binaries.join(', ')}`
      : !existsSync('/usr/bin/redis-server')
        ? 'redis-server is missing (Debian package redis-server)'
        : !inject('postgresUrl')
          ? 'no PostgreSQL server from the global setup'
          : soundHostNetworkUnavailable();
if (reason) console.warn(`[load] listeners.load skipped: ${reason}`);

describe.skipIf(reason)('1000 listeners on 16 real points behind 2 backends', () => {
  let stack: LoadStack;

  beforeAll(async () => {
    stack = await startLoadStack({
      postgresUrl: inject('postgresUrl')!,
      backends: 2,
      hosts: 2,
      pointsPerHost: 8,
      staggerHosts: true,
      pointsTimeoutMs: 420_000,
    });
  }, 600_000);

  afterAll(async () => {
    await stack?.close();
  }, 300_000);

  it(
    `keeps assignments, counts and writes exact for ${minutes} min`,
    { timeout: (minutes * 60 + 300) * 1000 },
    async () => {
      const graphUuid = await createDialogLoopGraph(stack.database, 'load-dialog-loop');
      const report = await runListenerLoad({
        backends: stack.backends.map((backend) => backend.url),
        graphUuid,
        listeners,
        durationMs: minutes * 60_000,
        rampMs: 60_000,
        database: stack.database,
        behaviour: {
          noStreamPause: [20_000, 60_000],
          sessionLength: [15_000, 45_000],
          rejoinPause: [1000, 5000],
          thinkTime: [300, 2000],
          dropShare: 0.25,
          answerTimeoutMs: 120_000,
        },
        backendRssMiB: () => stack.backends.map((backend) => backend.child.rssMiB()),
        onProgress: (line) => console.log(`[load] ${line}`),
      });
      const text = JSON.stringify(report, null, 2);
      console.log(`[load] report:\n${text}`);
      const dir = resolve(import.meta.dirname, '../../.data');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'load-report.json'), text);

      expectExactLoad(report);
      expect(report.listeners.assignments).toBeGreaterThan(16);
      // The lost-write check must cover real answers, not an empty set.
      expect(report.listeners.writes).toBeGreaterThan(100);
    },
  );
});
