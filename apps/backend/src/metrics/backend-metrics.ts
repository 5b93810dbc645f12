// The backend's /metrics: listeners, streams, stream points, instructions, OSC drops, sandbox kills.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorResponse } from '@gencaster/api';
import {
  countActiveListeners,
  countActiveStreams,
  countStreamPointsByLiveness,
  type Database,
} from '@gencaster/db';
import { STREAM_POINT_LIVE_WINDOW_MS } from '@gencaster/domain';
import type { InstructionSender, OscServerStats } from '@gencaster/osc';
import type { ScriptSandbox } from '@gencaster/story';
import {
  createMetricsRegistry,
  PROMETHEUS_CONTENT_TYPE,
  type MetricsRegistry,
} from './metrics-registry.ts';
import { INSTRUCTION_LATENCY_BUCKETS, observeInstructions } from './observe-instructions.ts';
import { observeSandbox } from './observe-sandbox.ts';
import { registerComponentMemory } from './component-memory.ts';
import { registerProcessMetrics } from './process-metrics.ts';

/** Options of {@link createBackendMetrics}. */
export interface BackendMetricsOptions {
  database: Database;
  /** The OSC server's counters (read at scrape time). */
  oscStats: () => OscServerStats;
  /** A point is online when its last beacon is at most this old (default 60 s). */
  liveWindowMs?: number;
  /** `GENCASTER_METRICS_TOKEN`: when set, `/metrics` answers only `Authorization: Bearer <token>`. */
  token?: string;
}

/** Metrics of one backend and the wrappers that feed them. */
export interface BackendMetrics {
  registry: MetricsRegistry;
  /** Records each instruction's round trip (sent → FINISHED/FAILURE) in the latency histogram. */
  observeInstructions(sender: InstructionSender): InstructionSender;
  /** Counts sandbox runs killed by the time or memory limit. */
  observeSandbox(sandbox: ScriptSandbox): ScriptSandbox;
  /** An http-server route answering `GET /metrics`; passes on every other path. */
  route: (request: IncomingMessage, response: ServerResponse, pathname: string) => Promise<boolean>;
  /** Stops the event-loop monitor. */
  close(): void;
}

/**
 * Creates the backend's Prometheus metrics. Database-backed gauges (listeners, streams, points)
 * describe the shared database, so every backend of a cluster reports the same totals; counters
 * and histograms are per process.
 *
 * @example
 * const metrics = createBackendMetrics({ database, oscStats: () => osc.stats() });
 * const instructions = metrics.observeInstructions(createInstructionSender({ server: osc, ledger, ackBus }));
 * startHttpServer({ ..., routes: [metrics.route] });
 */
export function createBackendMetrics(options: BackendMetricsOptions): BackendMetrics {
  const { database } = options;
  const liveWindowMs = options.liveWindowMs ?? STREAM_POINT_LIVE_WINDOW_MS;
  const registry = createMetricsRegistry();
  const stopProcess = registerProcessMetrics(registry);
  registerComponentMemory(registry);

  registry.collect(
    'gencaster_listeners_connected',
    'Listeners on active streams (all backends)',
    'gauge',
    async () => [{ value: await countActiveListeners(database) }],
  );
  registry.collect(
    'gencaster_streams_active',
    'Active streams (all backends)',
    'gauge',
    async () => [{ value: await countActiveStreams(database) }],
  );
  registry.collect(
    'gencaster_stream_points',
    'Known stream points by liveness (beacon within the live window)',
    'gauge',
    async () => {
      const since = new Date(Date.now() - liveWindowMs);
      const { total, online } = await countStreamPointsByLiveness(database, since);
      return [
        { labels: { state: 'online' }, value: online },
        { labels: { state: 'offline' }, value: total - online },
      ];
    },
    ['state'],
  );
  registry.collect(
    'gencaster_osc_packets_received_total',
    'OSC packets received',
    'counter',
    () => [{ value: options.oscStats().packets }],
  );
  registry.collect(
    'gencaster_osc_packets_dropped_total',
    'OSC messages dropped (malformed, unauthenticated, unknown address, failed handler), by reason',
    'counter',
    () =>
      Object.entries(options.oscStats().dropped).map(([reason, value]) => ({
        labels: { reason },
        value,
      })),
    ['reason'],
  );
  const latency = registry.histogram(
    'gencaster_instruction_roundtrip_seconds',
    'Time from sending an instruction to its FINISHED/FAILURE acknowledgement (or timeout), by outcome',
    INSTRUCTION_LATENCY_BUCKETS,
    ['outcome'],
  );
  const kills = registry.counter(
    'gencaster_sandbox_kills_total',
    'Script runs killed by the sandbox, by reason (time, memory, crash) and language',
    ['reason', 'language'],
  );

  return {
    registry,
    observeInstructions: (sender) => observeInstructions(sender, latency),
    observeSandbox: (sandbox) => observeSandbox(sandbox, kills),
    async route(request, response, pathname) {
      if (pathname !== '/metrics') return false;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { allow: 'GET, HEAD' }).end();
        return true;
      }
      if (
        options.token !== undefined &&
        !bearerMatches(request.headers.authorization, options.token)
      ) {
        const refused = errorResponse(
          'UNAUTHENTICATED',
          '/metrics needs Authorization: Bearer <GENCASTER_METRICS_TOKEN>',
        );
        response.writeHead(refused.status, {
          'content-type': 'application/json; charset=utf-8',
          'www-authenticate': 'Bearer realm="metrics"',
        });
        response.end(JSON.stringify(refused.body));
        return true;
      }
      const body = await registry.render();
      response.writeHead(200, {
        'content-type': PROMETHEUS_CONTENT_TYPE,
        'cache-control': 'no-store',
      });
      response.end(request.method === 'HEAD' ? undefined : body);
      return true;
    },
    close: stopProcess,
  };
}

/** True when an Authorization header carries exactly `Bearer <token>` (compared in constant time). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '';
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}
