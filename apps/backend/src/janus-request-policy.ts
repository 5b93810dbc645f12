import { GencasterError } from '@gencaster/domain';

/** What one caller may do on one stream point's Janus: its mountpoint and, with input, its room. */
export interface JanusGrant {
  /** Who is calling: `listener:<listener id>` or `editor:<user uuid>`; sessions are bound to it. */
  callerKey: string;
  /** The stream point whose Janus the request goes to. */
  pointUuid: string;
  /** Streaming mountpoint id the caller may watch, with the pin the gateway adds. */
  mountpoint: { id: number; pin: string } | null;
  /** Audiobridge room the caller may join, with the pin the gateway adds. */
  room: { id: number; pin: string } | null;
  /**
   * A listener whose stream has ended (Stop, dead end, grace over) may still tear down its own
   * sessions — destroy, detach, hangup, `stop`, `leave` — but not keep them alive or poll them,
   * so Janus times out a session that would otherwise go on hearing the point's next listener.
   */
  teardownOnly?: boolean;
  /**
   * An anonymous visitor's watch ticket (the live-coding page): only the streaming plugin may be
   * attached — never the audiobridge, whatever `room` says — so it can watch, not talk.
   */
  watchOnly?: boolean;
  /**
   * A watch ticket past its expiry: the sessions it opened go on (keepalive, long poll, `start`,
   * trickle, teardown) while its point stays listenable, but nothing new opens — no `create`,
   * `attach`, `watch` or `switch`.
   */
  expired?: boolean;
}

const TEARDOWN_VERBS = new Set(['destroy', 'detach', 'hangup']);
const TEARDOWN_REQUESTS = new Set(['stop', 'leave']);

/** True for the requests a listener without a stream may still send (see `teardownOnly`). */
export function isTeardown(body: unknown): boolean {
  if (!isRecord(body)) return false;
  if (typeof body.janus === 'string' && TEARDOWN_VERBS.has(body.janus)) return true;
  return (
    body.janus === 'message' &&
    isRecord(body.body) &&
    typeof body.body.request === 'string' &&
    TEARDOWN_REQUESTS.has(body.body.request) &&
    body.jsep === undefined
  );
}

/** Where a request goes, by path below `/janus` (or `/janus/point/<uuid>`). */
export type JanusTarget =
  | { kind: 'root' }
  | { kind: 'session'; sessionId: number }
  | { kind: 'handle'; sessionId: number; handleId: number };

/** Plugins a listener or the editor's play panel attaches to. */
export const GATEWAY_PLUGINS = ['janus.plugin.streaming', 'janus.plugin.audiobridge'] as const;

const ID = /^[1-9][0-9]{0,15}$/;

/** Parses the path after the Janus base (`''`, `/<session>`, `/<session>/<handle>`). */
export function parseJanusTarget(suffix: string): JanusTarget {
  const parts = suffix.split('/').filter(Boolean);
  if (parts.length === 0) return { kind: 'root' };
  if (parts.every((part) => ID.test(part))) {
    const [session, handle] = parts.map(Number) as [number, number | undefined];
    if (parts.length === 1) return { kind: 'session', sessionId: session };
    if (parts.length === 2 && handle !== undefined)
      return { kind: 'handle', sessionId: session, handleId: handle };
  }
  throw refuse('only Janus session and handle paths are served');
}

function refuse(message: string): GencasterError {
  return new GencasterError('FORBIDDEN', `Janus gateway: ${message}`);
}

function expiredTicket(): GencasterError {
  return new GencasterError(
    'UNAUTHENTICATED',
    'Janus gateway: this watch ticket has expired (ask for the point again)',
  );
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.length <= max ? value : undefined;
}

function pick(source: Json, keys: readonly string[], check: (value: unknown) => boolean): Json {
  const out: Json = {};
  for (const key of keys) if (key in source && check(source[key])) out[key] = source[key];
  return out;
}

const isBool = (value: unknown) => typeof value === 'boolean';
const isSmallNumber = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 1000;

/**
 * The plugin message a caller may send, rebuilt from scratch (unknown fields are dropped, the pin
 * is added): streaming `watch` (or `switch`) to the granted mountpoint, `start`/`pause`/`stop`; audiobridge
 * `join` of the granted room (no plain-RTP participant), `configure` (mute, volume, quality only:
 * no recording), `leave`. Which plugin a handle belongs to does not matter: each plugin answers an
 * unknown request with an error.
 */
export function checkPluginMessage(body: unknown, grant: JanusGrant): Json {
  if (!isRecord(body) || typeof body.request !== 'string')
    throw refuse('a plugin message needs a "request"');
  const request = body.request;
  switch (request) {
    case 'watch':
    case 'switch': {
      if (grant.expired) throw expiredTicket();
      if (!grant.mountpoint || body.id !== grant.mountpoint.id)
        throw refuse('only the mountpoint of your own stream point can be watched');
      return { request, id: grant.mountpoint.id, pin: grant.mountpoint.pin };
    }
    case 'start':
    case 'pause':
    case 'stop':
    case 'leave':
      return { request };
    case 'join': {
      if (grant.watchOnly) throw refuse('a watch ticket cannot join a microphone room');
      if (!grant.room || body.room !== grant.room.id)
        throw refuse('only the room of your own stream point can be joined');
      if ('rtp' in body) throw refuse('plain-RTP participants are not allowed');
      const display = text(body.display, 64);
      return {
        request,
        room: grant.room.id,
        pin: grant.room.pin,
        ...(display === undefined ? {} : { display }),
        ...pick(body, ['muted'], isBool),
        ...pick(body, ['quality', 'volume'], isSmallNumber),
      };
    }
    case 'configure': {
      if ('record' in body || 'filename' in body) throw refuse('recording is not allowed');
      const display = text(body.display, 64);
      return {
        request,
        ...(display === undefined ? {} : { display }),
        ...pick(body, ['muted', 'audio'], isBool),
        ...pick(body, ['quality', 'volume'], isSmallNumber),
      };
    }
    default:
      throw refuse(`plugin request "${request.slice(0, 40)}" is not allowed`);
  }
}

function checkJsep(jsep: unknown): Json | undefined {
  if (jsep === undefined) return undefined;
  if (!isRecord(jsep) || (jsep.type !== 'offer' && jsep.type !== 'answer'))
    throw refuse('jsep must be an offer or an answer');
  const sdp = text(jsep.sdp, 32_768);
  if (sdp === undefined) throw refuse('jsep needs an SDP of at most 32 KiB');
  return { type: jsep.type, sdp, ...pick(jsep, ['trickle'], isBool) };
}

function checkCandidate(candidate: unknown): Json {
  if (!isRecord(candidate)) throw refuse('a trickle candidate must be an object');
  if (candidate.completed === true) return { completed: true };
  const line = text(candidate.candidate, 1024);
  if (line === undefined) throw refuse('a trickle candidate needs a candidate line');
  return {
    candidate: line,
    ...pick(candidate, ['sdpMid'], (value) => text(value, 64) !== undefined),
    ...pick(candidate, ['sdpMLineIndex'], isSmallNumber),
  };
}

/**
 * Checks one Janus API request of a caller and returns the body to send upstream (without the API
 * secret: the gateway adds it). `create` gets the session id the gateway chose (`newSessionId`);
 * on a session: `keepalive`, `destroy`, `attach` (streaming or audiobridge only); on a handle:
 * `message` (see {@link checkPluginMessage}), `trickle`, `detach`, `hangup`. Everything else —
 * `info`, `claim`, the admin API, other plugins — throws FORBIDDEN with a safe message.
 */
export function checkJanusRequest(input: {
  target: JanusTarget;
  body: unknown;
  grant: JanusGrant;
  newSessionId: () => number;
}): Json {
  const { target, body, grant } = input;
  if (!isRecord(body) || typeof body.janus !== 'string')
    throw refuse('expected a Janus request object with "janus"');
  if (grant.teardownOnly && (target.kind === 'root' || !isTeardown(body)))
    throw new GencasterError(
      'UNAUTHENTICATED',
      'Janus gateway: this listener token or watch ticket holds no stream any more (open the stream again)',
    );
  const transaction = text(body.transaction, 64) ?? 'gateway';
  const verb = body.janus;
  const base = { janus: verb, transaction };
  if (target.kind === 'root') {
    if (verb !== 'create') throw refuse(`"${verb.slice(0, 40)}" is not allowed`);
    if (grant.expired) throw expiredTicket();
    return { ...base, id: input.newSessionId() };
  }
  if (target.kind === 'session') {
    switch (verb) {
      case 'keepalive':
      case 'destroy':
        return base;
      case 'attach': {
        const plugin = body.plugin;
        if (!GATEWAY_PLUGINS.includes(plugin as (typeof GATEWAY_PLUGINS)[number]))
          throw refuse('only the streaming and audiobridge plugins can be attached');
        if (grant.watchOnly && plugin !== 'janus.plugin.streaming')
          throw refuse('a watch ticket attaches the streaming plugin only');
        if (grant.expired) throw expiredTicket();
        const opaque = text(body.opaque_id, 64);
        return { ...base, plugin, ...(opaque === undefined ? {} : { opaque_id: opaque }) };
      }
      default:
        throw refuse(`"${verb.slice(0, 40)}" is not allowed on a session`);
    }
  }
  switch (verb) {
    case 'message': {
      const jsep = checkJsep(body.jsep);
      return {
        ...base,
        body: checkPluginMessage(body.body, grant),
        ...(jsep ? { jsep } : {}),
      };
    }
    case 'trickle': {
      if (Array.isArray(body.candidates)) {
        if (body.candidates.length > 50) throw refuse('at most 50 candidates per trickle');
        return { ...base, candidates: body.candidates.map(checkCandidate) };
      }
      return { ...base, candidate: checkCandidate(body.candidate) };
    }
    case 'detach':
    case 'hangup':
      return base;
    default:
      throw refuse(`"${verb.slice(0, 40)}" is not allowed on a handle`);
  }
}
