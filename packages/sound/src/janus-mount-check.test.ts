// The fleet's real Janus (HTTP transport, streaming + audiobridge) with two points, one with input:
// mountpoints and rooms carry a secret and a pin, Janus itself refuses what a stolen API secret
// would try (destroy without secret, watch without pin, recording, play_file, rtp_forward), and a
// mountpoint or room destroyed behind the launcher's back is re-created by the periodic check.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JanusApiError, withJanusPlugin, type JanusPluginHandle } from './janus-api.ts';
import { createJanusService, type JanusService } from './janus-service.ts';
import { janusMountCredentials, loadOrCreateJanusSecrets } from './janus-secrets.ts';
import { createPortAllocator } from './port-allocator.ts';
import { silentSoundLogger } from './sound-logger.ts';
import { waitUntil } from './process-tools.ts';

const STREAMING = 'janus.plugin.streaming';
const AUDIOBRIDGE = 'janus.plugin.audiobridge';

// retry: real JACK, scsynth, sclang or Janus processes on a loaded 2-core CI machine can lose a race with the scheduler (start-up, ports, audio clock); one retry, reported as (retry x1).
describe.skipIf(!existsSync('/usr/bin/janus'))(
  'janus mountpoint secrets and the mount check',
  { retry: 1 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'gencaster-janus-mounts-'));
    const ports = createPortAllocator();
    const secrets = loadOrCreateJanusSecrets(dir);
    let janus: JanusService;

    beforeAll(async () => {
      const rtpMin = await ports.allocateRange('udp', 20);
      janus = createJanusService({
        configDir: join(dir, 'janus'),
        httpPort: await ports.allocate('tcp'),
        rtpPortRange: { min: rtpMin, max: rtpMin + 19 },
        secrets,
        mounts: [
          { room: 1, rtpOut: await ports.allocate('udp'), rtpIn: await ports.allocate('udp') },
          { room: 2, rtpOut: await ports.allocate('udp'), rtpIn: 0 },
        ],
        checkIntervalMs: 300,
        logger: silentSoundLogger,
      });
      await janus.start();
    }, 60_000);

    afterAll(async () => {
      await janus?.stop();
      ports.releaseAll();
      rmSync(dir, { recursive: true, force: true });
    });

    const refused = async (call: Promise<unknown>): Promise<number | undefined> => {
      const error = await call.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error, 'Janus accepted the request').toBeInstanceOf(JanusApiError);
      return (error as JanusApiError).code;
    };
    const streaming = <T>(fn: (h: JanusPluginHandle) => Promise<T>) =>
      withJanusPlugin(janus.url, STREAMING, secrets.apiSecret, fn);
    const audiobridge = <T>(fn: (h: JanusPluginHandle) => Promise<T>) =>
      withJanusPlugin(janus.url, AUDIOBRIDGE, secrets.apiSecret, fn);
    const one = janusMountCredentials(secrets.mountKey, 1);

    it('even with the API secret, Janus refuses destroy, edit, recording, play_file and rtp_forward', async () => {
      await streaming(async (h) => {
        expect(await refused(h.request({ request: 'destroy', id: 1 }))).toBeDefined();
        expect(await refused(h.request({ request: 'edit', id: 1, new_pin: 'mine' }))).toBeDefined();
        expect(
          await refused(
            h.request({ request: 'recording', id: 1, action: 'start', audio: '/tmp/x' }),
          ),
        ).toBeDefined();
        // With the secret, a recording is still refused: every folder is protected.
        expect(
          await refused(
            h.request({
              request: 'recording',
              id: 1,
              action: 'start',
              secret: one.secret,
              audio: join(dir, 'stolen'),
            }),
          ),
        ).toBeDefined();
      });
      await audiobridge(async (h) => {
        expect(
          await refused(
            h.request({
              request: 'rtp_forward',
              room: 1,
              host: '127.0.0.1',
              port: 9,
              secret: one.secret,
            }),
          ),
        ).toBeDefined();
        expect(
          await refused(
            h.request({
              request: 'play_file',
              room: 1,
              filename: '/etc/passwd',
              secret: one.secret,
            }),
          ),
        ).toBeDefined();
        expect(await refused(h.request({ request: 'destroy', room: 1 }))).toBeDefined();
      });
      expect(existsSync(join(dir, 'stolen'))).toBe(false);
    });

    it('re-creates a destroyed mountpoint and room and counts it', async () => {
      await waitUntil('first mount check', () => janus.mountHealth().checkedAt !== null, {
        timeoutMs: 10_000,
      });
      const before = janus.mountHealth().recreated;
      await streaming((h) =>
        h.request({
          request: 'destroy',
          id: 2,
          secret: janusMountCredentials(secrets.mountKey, 2).secret,
        }),
      );
      await audiobridge((h) =>
        h.request({
          request: 'destroy',
          room: 1,
          secret: one.secret,
          admin_key: secrets.pluginAdminKey,
        }),
      );
      await waitUntil('re-created', () => janus.mountHealth().recreated >= before + 2, {
        timeoutMs: 10_000,
      });
      expect(janus.mountHealth().error).toBeNull();
      const ids = (await janus.listMountpoints()).map((m) => m.id).sort();
      expect(ids).toEqual([1, 2]);
      await audiobridge(async (h) => {
        expect((await h.request({ request: 'exists', room: 1 })).exists).toBe(true);
        const forwarders = await h.request({
          request: 'listforwarders',
          room: 1,
          admin_key: secrets.pluginAdminKey,
          secret: one.secret,
        });
        expect(forwarders.rtp_forwarders).toHaveLength(1);
      });
    });
  },
);
