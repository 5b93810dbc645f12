// The Janus gateway's routing rules on a real HTTP server, with a real hostile "Janus" upstream
// (an HTTP server that records what reaches it and answers HTML with Set-Cookie): untrusted
// beaconed URLs are never contacted, a trusted upstream never sees the caller's cookie or bearer,
// non-JSON answers never reach the browser, and every refusal is typed JSON with safe headers.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StreamPoint } from '@gencaster/domain';
import { GencasterError } from '@gencaster/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JanusCallers } from './janus-callers.ts';
import { createJanusRoutes } from './janus-gateway.ts';
import { checkJanusRequest, checkPluginMessage, type JanusGrant } from './janus-request-policy.ts';
import { createSessionBinding } from './janus-session-binding.ts';

const POINT = '11111111-1111-4111-8111-111111111111';
const EVIL = '22222222-2222-4222-8222-222222222222';
const QUIET = '33333333-3333-4333-8333-333333333333';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const point = (uuid: string, janusHttpUrl: string): StreamPoint => ({
  uuid,
  host: '127.0.0.1',
  port: 57120,
  useInput: true,
  janusInPort: null,
  janusOutPort: null,
  janusInRoom: 1,
  janusOutRoom: 1,
  janusPublicIp: null,
  janusHttpUrl,
  scName: null,
  lastLive: new Date(),
  createdDate: new Date(),
  modifiedDate: new Date(),
});

describe('janus gateway routing', () => {
  const seen: IncomingHttpHeaders[] = [];
  const evil = createServer((request, response) => {
    seen.push(request.headers);
    request.resume();
    response.writeHead(200, {
      'content-type': 'text/html',
      'set-cookie': 'gencaster_session=evil',
    });
    response.end('<script>alert(document.cookie)</script>');
  });
  // A Janus long poll of a session destroyed meanwhile: 200 with an empty body.
  const quiet = createServer((request, response) => {
    request.resume();
    response.writeHead(200).end();
  });
  let evilUrl = '';
  let gateway: Server;
  let url = '';

  beforeAll(async () => {
    evilUrl = `${await listen(evil)}/janus`;
    const trusted = `${evilUrl}`;
    const quietUrl = `${await listen(quiet)}/janus`;
    const callers: JanusCallers = {
      resolve: ({ token, pathPoint }) => {
        if (token !== 'listener-a' && token !== 'listener-b')
          return Promise.reject(new GencasterError('UNAUTHENTICATED', 'no token'));
        const uuid = pathPoint ?? POINT;
        return Promise.resolve({
          point: point(
            uuid,
            uuid === EVIL ? 'http://127.0.0.1:9/janus' : uuid === QUIET ? quietUrl : trusted,
          ),
          grant: {
            callerKey: `listener:${token}`,
            pointUuid: uuid,
            mountpoint: { id: 1, pin: 'p' },
            room: { id: 1, pin: 'p' },
          },
        });
      },
    };
    const routes = createJanusRoutes({
      endpoint: () => ({ url: 'http://127.0.0.1:1/janus', apiSecret: 'api', mountKey: 'k' }),
      callers,
      upstream: { allowedUrls: [trusted, quietUrl], signedBeacons: false },
    });
    gateway = createServer((request, response) => {
      void (async () => {
        const pathname = new URL(request.url ?? '/', 'http://x').pathname;
        for (const route of routes) if (await route(request, response, pathname)) return;
        response.writeHead(404).end();
      })();
    });
    url = await listen(gateway);
  });

  afterAll(() => {
    quiet.close();
    evil.close();
    gateway.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const expectSafe = (response: Response) => {
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('set-cookie')).toBeNull();
  };

  it('/config.json carries no Janus secret', async () => {
    const response = await fetch(`${url}/config.json`);
    expectSafe(response);
    const text = await response.text();
    expect(text).not.toContain('api');
    expect(JSON.parse(text)).not.toHaveProperty('janusApiSecret');
  });

  it('never contacts a beaconed URL nobody vouches for', async () => {
    const before = seen.length;
    const response = await post(`/janus/point/${EVIL}`, { janus: 'create', token: 'listener-a' });
    expect(response.status).toBe(403);
    expectSafe(response);
    expect(((await response.json()) as { code: string }).code).toBe('FORBIDDEN');
    expect(seen.length).toBe(before);
  });

  it('strips cookie and bearer and turns HTML + Set-Cookie into a typed JSON error', async () => {
    const response = await post(
      `/janus/point/${POINT}`,
      { janus: 'create', token: 'listener-a', transaction: 't' },
      { cookie: 'gencaster_session=victim', authorization: 'Bearer victim' },
    );
    expect(response.status).toBe(503);
    expectSafe(response);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('UNAVAILABLE');
    expect(body.message).not.toContain('<script>');
    const last = seen.at(-1)!;
    expect(last.cookie).toBeUndefined();
    expect(last.authorization).toBeUndefined();
  });

  it('answers an empty long poll (session destroyed meanwhile) with no events', async () => {
    const id = createSessionBinding('api').issue(`listener:listener-a|${QUIET}`);
    const response = await fetch(`${url}/janus/point/${QUIET}/${id}?maxev=5&token=listener-a`);
    expect(response.status).toBe(200);
    expectSafe(response);
    expect(await response.json()).toEqual([]);
  });

  it('only serves Janus API paths and refuses another caller’s session id', async () => {
    for (const path of ['/janus/info', `/janus/point/${POINT}/admin`]) {
      const response = await fetch(`${url}${path}`);
      expect([400, 403]).toContain(response.status);
      expectSafe(response);
    }
    const binding = createSessionBinding('api');
    const hers = binding.issue(`listener:listener-b|${POINT}`);
    const response = await post(`/janus/${hers}`, { janus: 'keepalive', token: 'listener-a' });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toContain('not yours');
  });
});

describe('janus request policy', () => {
  const grant: JanusGrant = {
    callerKey: 'listener:x',
    pointUuid: POINT,
    mountpoint: { id: 3, pin: 'pin3' },
    room: { id: 3, pin: 'pin3' },
  };
  const refused = (body: unknown) =>
    expect(() => checkPluginMessage(body, grant)).toThrow(/Janus gateway/);

  it('adds the pin to watch/join and rebuilds configure without recording', () => {
    expect(checkPluginMessage({ request: 'watch', id: 3, pin: 'guess' }, grant)).toEqual({
      request: 'watch',
      id: 3,
      pin: 'pin3',
    });
    expect(checkPluginMessage({ request: 'join', room: 3, display: 'me' }, grant)).toEqual({
      request: 'join',
      room: 3,
      pin: 'pin3',
      display: 'me',
    });
    expect(checkPluginMessage({ request: 'configure', muted: true, secret: 'x' }, grant)).toEqual({
      request: 'configure',
      muted: true,
    });
  });

  it('a listener whose stream ended may only tear down its own sessions', () => {
    const ended: JanusGrant = { ...grant, mountpoint: null, room: null, teardownOnly: true };
    const target = { kind: 'handle', sessionId: 5, handleId: 6 } as const;
    const check = (body: unknown, on: Parameters<typeof checkJanusRequest>[0]['target'] = target) =>
      checkJanusRequest({ target: on, body, grant: ended, newSessionId: () => 1 });
    expect(check({ janus: 'detach' })).toMatchObject({ janus: 'detach' });
    expect(check({ janus: 'message', body: { request: 'stop' } })).toMatchObject({
      body: { request: 'stop' },
    });
    expect(check({ janus: 'destroy' }, { kind: 'session', sessionId: 5 })).toMatchObject({
      janus: 'destroy',
    });
    for (const body of [
      { janus: 'keepalive' },
      { janus: 'message', body: { request: 'watch', id: 3 } },
      { janus: 'message', body: { request: 'start' }, jsep: { type: 'answer', sdp: 'v=0' } },
      { janus: 'trickle', candidate: { completed: true } },
    ])
      expect(() => check(body)).toThrow(/holds no stream/);
    expect(() => check({ janus: 'create' }, { kind: 'root' })).toThrow(/holds no stream/);
  });

  it('a watch ticket watches only: no audiobridge, and once expired nothing new opens', () => {
    const ticket: JanusGrant = { ...grant, room: null, watchOnly: true };
    const session = { kind: 'session', sessionId: 5 } as const;
    const handle = { kind: 'handle', sessionId: 5, handleId: 6 } as const;
    const check = (
      body: unknown,
      on: Parameters<typeof checkJanusRequest>[0]['target'],
      g = ticket,
    ) => checkJanusRequest({ target: on, body, grant: g, newSessionId: () => 1 });
    expect(check({ janus: 'create' }, { kind: 'root' })).toMatchObject({ id: 1 });
    expect(check({ janus: 'attach', plugin: 'janus.plugin.streaming' }, session)).toMatchObject({
      plugin: 'janus.plugin.streaming',
    });
    expect(() => check({ janus: 'attach', plugin: 'janus.plugin.audiobridge' }, session)).toThrow(
      /streaming plugin only/,
    );
    // Even a grant that names a room (it never does for a ticket) cannot be joined with a ticket.
    expect(() =>
      checkPluginMessage({ request: 'join', room: 3 }, { ...grant, watchOnly: true }),
    ).toThrow(/cannot join a microphone room/);
    expect(check({ janus: 'message', body: { request: 'watch', id: 3 } }, handle)).toMatchObject({
      body: { request: 'watch', id: 3, pin: 'pin3' },
    });
    const expired: JanusGrant = { ...ticket, expired: true };
    for (const [body, on] of [
      [{ janus: 'create' }, { kind: 'root' }],
      [{ janus: 'attach', plugin: 'janus.plugin.streaming' }, session],
      [{ janus: 'message', body: { request: 'watch', id: 3 } }, handle],
      [{ janus: 'message', body: { request: 'switch', id: 3 } }, handle],
    ] as const)
      expect(() => check(body, on, expired)).toThrow(/watch ticket has expired/);
    expect(check({ janus: 'keepalive' }, session, expired)).toMatchObject({ janus: 'keepalive' });
    expect(
      check(
        { janus: 'message', body: { request: 'start' }, jsep: { type: 'answer', sdp: 'v=0' } },
        handle,
        expired,
      ),
    ).toMatchObject({ body: { request: 'start' } });
  });

  it('refuses everything a listener does not need', () => {
    for (const request of [
      'destroy',
      'edit',
      'recording',
      'rtp_forward',
      'play_file',
      'info',
      'list',
      'enable',
      'disable',
      'kick',
      'create',
      'listforwarders',
      'stop_rtp_forward',
    ])
      refused({ request, id: 3, room: 3 });
    refused({ request: 'watch', id: 4 });
    refused({ request: 'switch', id: 4 });
    refused({ request: 'join', room: 4 });
    refused({ request: 'join', room: 3, rtp: { ip: '10.0.0.9', port: 9 } });
    refused({ request: 'configure', record: true, filename: '/tmp/x' });
    const target = { kind: 'session', sessionId: 5 } as const;
    expect(() =>
      checkJanusRequest({
        target,
        body: { janus: 'attach', plugin: 'janus.plugin.recordplay' },
        grant,
        newSessionId: () => 1,
      }),
    ).toThrow(/only the streaming and audiobridge/);
    expect(() =>
      checkJanusRequest({
        target: { kind: 'root' },
        body: { janus: 'info' },
        grant,
        newSessionId: () => 1,
      }),
    ).toThrow(/not allowed/);
    expect(() =>
      checkJanusRequest({ target, body: { janus: 'claim' }, grant, newSessionId: () => 1 }),
    ).toThrow(/not allowed/);
  });
});
