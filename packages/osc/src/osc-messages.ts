import { GencasterError, logLevels, type InstructionState, type LogLevel } from '@gencaster/domain';
import { z } from 'zod';
import type { OscValue } from './osc-values.ts';

/** Which stream points a remote action is for; busy points are included. */
export type RemoteActionTarget =
  { kind: 'all' } | { kind: 'room'; room: number } | { kind: 'name'; name: string };

/** The protocol version of `/remote/action` (and of our SuperCollider class). */
export const OSC_PROTOCOL_VERSION = '0.1';

const intLike = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d{1,10}$/)
    .transform(Number),
]);
const port = intLike.pipe(z.number().int().min(0).max(65_535));
const optionalInt = intLike.pipe(z.number().int().min(0).max(2_147_483_647)).optional();
const boolLike = z.union([
  z.boolean(),
  z.literal(0).transform(() => false),
  z.literal(1).transform(() => true),
  z.enum(['0', 'false', 'False']).transform(() => false),
  z.enum(['1', 'true', 'True']).transform(() => true),
]);
const text = (max: number) => z.string().max(max);

const beaconSchema = z.object({
  name: text(128).optional(),
  synth_port: port.optional(),
  lang_port: port.pipe(z.number().min(1)),
  janus_out_port: optionalInt,
  janus_in_port: optionalInt,
  janus_out_room: optionalInt,
  janus_in_room: optionalInt,
  janus_public_ip: text(128).optional(),
  /** Not in the original protocol: where this point's Janus HTTP API is (several sound hosts). */
  janus_http_url: text(255)
    .regex(/^https?:\/\/[^\s]+$/)
    .optional(),
  use_input: boolLike.optional(),
  osc_backend_host: text(255).optional(),
  osc_backend_port: port.optional(),
  /** Not in the original protocol: a random id per sclang start (GencasterServer). */
  boot_id: text(64)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
  /** BEACON (original; ready) or BOOTING (ours: sclang up, scsynth not yet). */
  status: text(32).optional(),
});

/** A parsed `/beacon`: the original's keys in camelCase; absent optional keys are null. */
export interface Beacon {
  name: string | null;
  synthPort: number | null;
  langPort: number;
  janusOutPort: number | null;
  janusInPort: number | null;
  janusOutRoom: number | null;
  janusInRoom: number | null;
  janusPublicIp: string | null;
  /** HTTP API URL of the point's Janus (our extension of protocol 0.1); null when absent. */
  janusHttpUrl: string | null;
  useInput: boolean;
  oscBackendHost: string | null;
  oscBackendPort: number | null;
  /**
   * Random id of this sclang start (our extension; null from original clients). When it changes,
   * the point's open instructions are lost with the old interpreter and fail at once.
   */
  bootId: string | null;
  /** False for a `status BOOTING` beacon (sclang restarted, scsynth not booted): not assignable. */
  ready: boolean;
}

/** A parsed `/acknowledge`. */
export interface Acknowledgement {
  uuid: string;
  state: InstructionState;
  returnValue: string;
}

/** A parsed `/remote/action` before authentication. */
export interface RemoteActionRequest {
  action: 'code' | 'speak';
  password: string | null;
  cmd: string;
  target: RemoteActionTarget;
}

/** A parsed `/log` line. */
export interface LogRequest {
  level: LogLevel;
  message: string;
  name: string | null;
}

function parse<T>(schema: z.ZodType<T>, record: Record<string, OscValue>, what: string): T {
  const result = schema.safeParse({ ...record });
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new GencasterError('INVALID_INPUT', `invalid ${what}: ${issues.join('; ')}`, {
      details: { issues },
    });
  }
  return result.data;
}

/** Validates a beacon's key/value record; missing optional Janus keys are accepted. */
export function parseBeacon(record: Record<string, OscValue>): Beacon {
  const b = parse(beaconSchema, record, 'beacon');
  return {
    name: b.name ?? null,
    synthPort: b.synth_port ?? null,
    langPort: b.lang_port,
    janusOutPort: b.janus_out_port ?? null,
    janusInPort: b.janus_in_port ?? null,
    janusOutRoom: b.janus_out_room ?? null,
    janusInRoom: b.janus_in_room ?? null,
    janusPublicIp: b.janus_public_ip ?? null,
    janusHttpUrl: b.janus_http_url ?? null,
    useInput: b.use_input ?? false,
    oscBackendHost: b.osc_backend_host ?? null,
    oscBackendPort: b.osc_backend_port ?? null,
    bootId: b.boot_id ?? null,
    ready: b.status?.toUpperCase() !== 'BOOTING',
  };
}

const ackSchema = z.object({
  uuid: z.union([text(100), z.number().transform(String)]).pipe(z.string().min(1)),
  status: text(32),
  return_value: z.union([text(60_000), z.number().transform(String)]).optional(),
});

const ackStates = [
  'RECEIVED',
  'FINISHED',
  'FAILURE',
  'SUCCESS',
  'READY',
] as const satisfies InstructionState[];

/**
 * Validates an `/acknowledge`. The status is matched case-insensitively; an unknown status becomes
 * FAILURE, as in the original (`from_sc_string`).
 */
export function parseAcknowledgement(record: Record<string, OscValue>): Acknowledgement {
  const a = parse(ackSchema, record, 'acknowledge');
  const status = a.status.toUpperCase();
  const state = (ackStates as readonly string[]).includes(status)
    ? (status as InstructionState)
    : 'FAILURE';
  const returnValue =
    state === 'FAILURE' && state !== status
      ? `unknown status '${a.status}'`
      : (a.return_value ?? '');
  return { uuid: a.uuid, state, returnValue };
}

const remoteActionSchema = z.object({
  protocol_version: z.union([z.string(), z.number().transform(String)]),
  action: z.enum(['code', 'speak']),
  password: text(256).optional(),
  cmd: text(60_000),
  target: z.union([text(128), z.number().int()]).optional(),
});

/** Parses a target: none, "" or "all" = all points; an integer = Janus room; other text = point name. */
export function parseRemoteTarget(target: string | number | undefined): RemoteActionTarget {
  if (target === undefined || target === '' || target === 'all' || target === '*')
    return { kind: 'all' };
  if (typeof target === 'number') return { kind: 'room', room: target };
  return /^\d{1,9}$/.test(target)
    ? { kind: 'room', room: Number(target) }
    : { kind: 'name', name: target };
}

/** Validates a `/remote/action`; a protocol version other than "0.1" is INVALID_INPUT. */
export function parseRemoteAction(record: Record<string, OscValue>): RemoteActionRequest {
  const r = parse(remoteActionSchema, record, 'remote action');
  if (r.protocol_version !== OSC_PROTOCOL_VERSION) {
    throw new GencasterError(
      'INVALID_INPUT',
      `unsupported protocol version '${r.protocol_version}'`,
      {
        details: { expected: OSC_PROTOCOL_VERSION },
      },
    );
  }
  return {
    action: r.action,
    password: r.password ?? null,
    cmd: r.cmd,
    target: parseRemoteTarget(r.target),
  };
}

const levelByName: Record<string, LogLevel> = {
  critical: 50,
  error: 40,
  warning: 30,
  warn: 30,
  info: 20,
  debug: 10,
};
const logLevelValues = Object.values(logLevels) as number[];

const logSchema = z.object({
  level: z.union([z.number().int(), z.string()]).optional(),
  message: z.union([text(60_000), z.number().transform(String)]),
  name: text(128).optional(),
});

/** Validates a `/log` line; the level is a Python logging number or a name (info, warning, …). */
export function parseLog(record: Record<string, OscValue>): LogRequest {
  const l = parse(logSchema, record, 'log');
  let level: LogLevel = 20;
  if (typeof l.level === 'number') {
    if (!logLevelValues.includes(l.level))
      throw new GencasterError('INVALID_INPUT', `invalid log level ${l.level}`);
    level = l.level as LogLevel;
  } else if (typeof l.level === 'string') {
    const named = levelByName[l.level.toLowerCase()];
    if (named === undefined)
      throw new GencasterError('INVALID_INPUT', `invalid log level '${l.level}'`);
    level = named;
  }
  return { level, message: l.message, name: l.name ?? null };
}
