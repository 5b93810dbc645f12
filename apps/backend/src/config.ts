import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_SENDER_PROFILE,
  SENDER_PROFILE_NAMES,
  type SenderProfileName,
} from '@gencaster/sound';

/** Everything the backend reads from the environment, checked once at start. */
export interface BackendConfig {
  host: string;
  port: number;
  dataDir: string;
  /** PostgreSQL server URL; absent ⇒ the embedded PGlite database under `dataDir`. */
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Scale-out: this backend's id in engine leases and the lease duration (several backends may share one database). */
  cluster: { backendId: string | undefined; engineLeaseMs: number; reconnectGraceMs: number };
  /** How long a listener on the end screen keeps its stream (`GENCASTER_END_SCREEN_GRACE_MS`). */
  endScreenGraceMs: number;
  /** A Python sandbox worker idle this long is ended to give its memory back (`GENCASTER_PYTHON_IDLE_MS`). */
  pythonIdleMs: number;
  /**
   * OSC server. `secret` is GENCASTER_OSC_SECRET; when unset the backend generates one in the data
   * dir (see resolveOscSecret) unless `insecure` (GENCASTER_OSC_INSECURE=1: unsigned OSC accepted,
   * also on a non-loopback address — only for original clients on a trusted network).
   */
  osc: {
    host: string;
    port: number;
    password: string | undefined;
    secret: string | undefined;
    insecure: boolean;
  };
  /**
   * `user`: the unprivileged system user the fleet runs as when started by root (`GENCASTER_SOUND_USER`);
   * `profile`: the sender profile (`GENCASTER_SOUND_PROFILE`); `realtime`: `auto` tries SCHED_FIFO
   * and falls back with a warning, `off` never asks (`GENCASTER_SOUND_REALTIME`).
   */
  sound: {
    points: number;
    input: boolean;
    user?: string | undefined;
    profile: SenderProfileName;
    realtime: 'auto' | 'off';
  };
  corsOrigins: string[];
  /** Limits and trust at the public edge (see the README's settings table). */
  edge: {
    /** Reverse proxies whose X-Forwarded-For/-Proto are believed (addresses or CIDR ranges). */
    trustedProxies: string[];
    /** Anonymous listener sessions per client address on one backend. */
    maxSessionsPerClient: number;
    /** Largest upload (audio file, graph archive) in bytes. */
    maxUploadBytes: number;
    /** Bearer token `/metrics` requires; absent ⇒ `/metrics` answers anyone. */
    metricsToken: string | undefined;
  };
  /** STUN/TURN servers handed to browsers (`/config.json`) for listeners outside the LAN. */
  iceServers: IceServer[];
  /**
   * Map tiles for the editor's place map and the listener's walk map (`/config.json`):
   * `GENCASTER_MAP_TILE_URL` (an http(s) template with `{z}`, `{x}`, `{y}`; unset ⇒ no tiles, the
   * maps draw places on a plain metric grid) and `GENCASTER_MAP_ATTRIBUTION` (shown on the map).
   */
  map: { tileUrl: string | undefined; attribution: string };
  /**
   * Janus HTTP API URLs of sound hosts the gateway may forward to although no signed beacon
   * vouches for them (`GENCASTER_JANUS_ALLOWED_URLS`, comma-separated, e.g. `http://10.0.0.21:8088/janus`).
   */
  janusAllowedUrls: string[];
  dev: boolean;
  /**
   * `GENCASTER_SANDBOX_UNCONFINED=1`: run script cells even where the sandbox's OS box
   * (bubblewrap, unprivileged user) cannot be set up. Off by default: scripts are refused then.
   */
  sandboxUnconfined: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** `GENCASTER_ADMIN_USER` / `_PASSWORD`: the first admin, created at start when no account exists. */
  firstAdmin?: { username: string; password: string } | undefined;
  /** Folders of the built web apps, served at `/` and `/editor/`. */
  web: { listenerDir: string; editorDir: string };
}

const portSchema = z.coerce.number().int().min(0).max(65_535);

const iceServerSchema = z.object({
  urls: z.union([
    z.string().regex(/^(stun|stuns|turn|turns):/),
    z.array(z.string().regex(/^(stun|stuns|turn|turns):/)).min(1),
  ]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
/** One entry of `GENCASTER_ICE_SERVERS` (the browser's RTCIceServer). */
export type IceServer = z.infer<typeof iceServerSchema>;
const iceServersSchema = z
  .string()
  .default('[]')
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: 'custom', message: 'must be a JSON array of RTCIceServer objects' });
      return z.NEVER;
    }
  })
  .pipe(z.array(iceServerSchema));
const flagSchema = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', ''])
  .transform((value) => value === '1' || value === 'true' || value === 'yes');

const envSchema = z.object({
  GENCASTER_HOST: z.string().min(1).default('127.0.0.1'),
  GENCASTER_PORT: portSchema.default(8081),
  GENCASTER_DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  GENCASTER_BACKEND_ID: z.string().min(1).max(200).optional(),
  GENCASTER_ENGINE_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(15_000),
  GENCASTER_RECONNECT_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  GENCASTER_END_SCREEN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  GENCASTER_PYTHON_IDLE_MS: z.coerce.number().int().min(1000).max(86_400_000).default(600_000),
  GENCASTER_OSC_HOST: z.string().min(1).default('127.0.0.1'),
  GENCASTER_OSC_PORT: portSchema.default(7000),
  GENCASTER_OSC_PASSWORD: z.string().min(1).optional(),
  GENCASTER_OSC_SECRET: z.string().min(16).optional(),
  GENCASTER_OSC_INSECURE: flagSchema.default(false),
  GENCASTER_SOUND_POINTS: z.coerce.number().int().min(0).max(64).default(2),
  GENCASTER_SOUND_INPUT: flagSchema.default(false),
  GENCASTER_SOUND_USER: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]*$/)
    .optional(),
  GENCASTER_SOUND_PROFILE: z.enum(SENDER_PROFILE_NAMES).default(DEFAULT_SENDER_PROFILE),
  GENCASTER_SOUND_REALTIME: z.enum(['auto', 'off']).default('auto'),
  GENCASTER_CORS_ORIGINS: z.string().default(''),
  GENCASTER_TRUSTED_PROXIES: z
    .string()
    .default('')
    .refine(
      (text) =>
        text
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean)
          .every((entry) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry)),
      'comma-separated IP addresses or CIDR ranges, e.g. 127.0.0.1,10.0.0.0/8',
    ),
  GENCASTER_MAX_SESSIONS_PER_CLIENT: z.coerce.number().int().min(1).max(100_000).default(256),
  GENCASTER_MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(4096).default(256),
  GENCASTER_METRICS_TOKEN: z.string().min(16).optional(),
  GENCASTER_ICE_SERVERS: iceServersSchema,
  GENCASTER_MAP_TILE_URL: z
    .url({ protocol: /^https?$/ })
    .refine(
      (url) => ['{z}', '{x}', '{y}'].every((part) => url.includes(part)),
      'a tile URL template with {z}, {x} and {y}, e.g. https://tile.example.org/{z}/{x}/{y}.png',
    )
    .optional(),
  GENCASTER_MAP_ATTRIBUTION: z.string().max(500).default(''),
  GENCASTER_JANUS_ALLOWED_URLS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ }))),
  GENCASTER_DEV: flagSchema.default(false),
  GENCASTER_SANDBOX_UNCONFINED: flagSchema.default(false),
  GENCASTER_ADMIN_USER: z.string().min(1).max(150).optional(),
  GENCASTER_ADMIN_PASSWORD: z.string().min(1).max(1024).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

/**
 * Reads and validates the backend configuration. Throws one error that lists every bad variable,
 * so a misconfigured deployment fails at start with a message that says what to fix.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  root = process.cwd(),
): BackendConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new Error(
      `invalid configuration, fix these environment variables:\n  ${problems.join('\n  ')}`,
    );
  }
  const e = parsed.data;
  if ((e.GENCASTER_ADMIN_USER === undefined) !== (e.GENCASTER_ADMIN_PASSWORD === undefined))
    throw new Error(
      'invalid configuration, fix these environment variables:\n  GENCASTER_ADMIN_USER and GENCASTER_ADMIN_PASSWORD go together: set both or neither',
    );
  const dataDir = isAbsolute(e.GENCASTER_DATA_DIR)
    ? e.GENCASTER_DATA_DIR
    : resolve(root, e.GENCASTER_DATA_DIR);
  return {
    host: e.GENCASTER_HOST,
    port: e.GENCASTER_PORT,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    cluster: {
      backendId: e.GENCASTER_BACKEND_ID,
      engineLeaseMs: e.GENCASTER_ENGINE_LEASE_MS,
      reconnectGraceMs: e.GENCASTER_RECONNECT_GRACE_MS,
    },
    endScreenGraceMs: e.GENCASTER_END_SCREEN_GRACE_MS,
    pythonIdleMs: e.GENCASTER_PYTHON_IDLE_MS,
    osc: {
      host: e.GENCASTER_OSC_HOST,
      port: e.GENCASTER_OSC_PORT,
      password: e.GENCASTER_OSC_PASSWORD,
      secret: e.GENCASTER_OSC_SECRET,
      insecure: e.GENCASTER_OSC_INSECURE,
    },
    sound: {
      points: e.GENCASTER_SOUND_POINTS,
      input: e.GENCASTER_SOUND_INPUT,
      user: e.GENCASTER_SOUND_USER,
      profile: e.GENCASTER_SOUND_PROFILE,
      realtime: e.GENCASTER_SOUND_REALTIME,
    },
    corsOrigins: e.GENCASTER_CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    edge: {
      trustedProxies: e.GENCASTER_TRUSTED_PROXIES.split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
      maxSessionsPerClient: e.GENCASTER_MAX_SESSIONS_PER_CLIENT,
      maxUploadBytes: e.GENCASTER_MAX_UPLOAD_MB * 1024 * 1024,
      metricsToken: e.GENCASTER_METRICS_TOKEN,
    },
    iceServers: e.GENCASTER_ICE_SERVERS,
    map: { tileUrl: e.GENCASTER_MAP_TILE_URL, attribution: e.GENCASTER_MAP_ATTRIBUTION },
    janusAllowedUrls: e.GENCASTER_JANUS_ALLOWED_URLS,
    dev: e.GENCASTER_DEV,
    sandboxUnconfined: e.GENCASTER_SANDBOX_UNCONFINED,
    logLevel: e.LOG_LEVEL,
    firstAdmin:
      e.GENCASTER_ADMIN_USER && e.GENCASTER_ADMIN_PASSWORD
        ? { username: e.GENCASTER_ADMIN_USER, password: e.GENCASTER_ADMIN_PASSWORD }
        : undefined,
    web: {
      listenerDir: resolve(root, 'apps/listener/dist'),
      editorDir: resolve(root, 'apps/editor/dist'),
    },
  };
}
