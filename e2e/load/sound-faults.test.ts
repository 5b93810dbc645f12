// Faults of the sound side of a running cluster under load (issue 10): PostgreSQL + Redis + two
// backends + a proxy + one sound host with two real stream points. The real listener app in
// headless Chromium plays a story (a steady tone) on one point; 24 simulated listeners cycle
// through dialog sessions on the other point, each round sending a SuperCollider instruction.
// Then, one test each, a process is killed with SIGKILL by its PID from status.json and what a
// user expects is checked:
// - Janus: restarted, both mountpoints re-created and fed, the page re-watches and hears again;
// - the page's point: its GStreamer sender (audio back without a reload), its sclang (the story's
//   next sound is heard again);
// - the loaded point: GStreamer, scsynth, sclang, jackd — restarted, the point beacons again,
//   Janus gets its RTP, the next instructions are acknowledged FINISHED, dialogs keep coming, and
//   the page on the other point hears its tone throughout;
// - finally the load saw no errors and the database invariants held all along.
// WebRTC needs a non-loopback address, so the file re-runs itself in private namespaces.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Database } from '@gencaster/db';
import { missingSoundBinaries } from '@gencaster/sound';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startLocalCluster,
  type LocalCluster,
} from '../../apps/backend/src/cluster/local-cluster.ts';
import { localPostgresUnavailable } from '../../apps/backend/src/cluster/local-postgres.ts';
import { localRedisUnavailable } from '../../apps/backend/src/cluster/local-redis.ts';
import { chromiumPath } from '../support/listener-browser.ts';
import { listenerDist } from '../support/listener-site.ts';
import { insideTestNetns } from '../support/netns.ts';
import { waitUntil } from './support/child-process.ts';
import { openFaultListenerPage, type FaultListenerPage } from './support/sound-faults-browser.ts';
import {
  fleetStatus,
  instructionStatesSince,
  instructionTimes,
  killAndAwaitRestart,
  listJanusMountpoints,
  pointByRoom,
  type FleetTarget,
} from './support/sound-faults-fleet.ts';
import { expectLoadPointRecovered } from './support/sound-faults-recovery.ts';
import {
  BLIP_RETURN,
  createSoundLoopGraph,
  createToneGraph,
  TONE_RENEW_S,
} from './support/sound-faults-graphs.ts';
import {
  startBackgroundLoad,
  type BackgroundLoad,
  type BackgroundLoadReport,
} from './support/sound-faults-load.ts';
import {
  faultNamespacesUnavailableReason,
  runFaultFileInNamespaces,
} from './support/sound-faults-netns.ts';

const TAG = '[sound-faults]';
const LISTENERS = 24;
const reason =
  [
    ...missingSoundBinaries().binaries.map((binary) => `${binary} is missing`),
    existsSync(chromiumPath) ? undefined : `${chromiumPath} is missing`,
    existsSync(join(listenerDist, 'index.html')) ? undefined : 'the listener app is not built',
    localPostgresUnavailable(),
    localRedisUnavailable(),
  ].find((item) => item !== undefined) ?? faultNamespacesUnavailableReason();
if (reason && !insideTestNetns()) console.warn(`${TAG} skipped: ${reason}`);

// retry: Chromium drives the real backend (and its sound processes) on a loaded 2-core CI machine, where a page or process can lose a race with the scheduler; one retry, reported as (retry x1).
describe.skipIf(reason !== undefined || insideTestNetns())(
  'sound faults under load',
  { retry: 1 },
  () => {
    it('pass inside private network and mount namespaces', async () => {
      await runFaultFileInNamespaces(import.meta.filename, {
        tag: TAG,
        timeoutMs: 330_000,
        minPassed: 8,
      });
    }, 360_000);
  },
);

// retry: Chromium drives the real backend (and its sound processes) on a loaded 2-core CI machine, where a page or process can lose a race with the scheduler; one retry, reported as (retry x1).
describe.skipIf(reason !== undefined || !insideTestNetns())(
  'sound faults under load (inside)',
  { retry: 1, timeout: 120_000 },
  () => {
    let cluster: LocalCluster;
    let database: Database;
    let page: FaultListenerPage;
    let load: BackgroundLoad | undefined;
    let reportOnce: Promise<BackgroundLoadReport> | undefined;
    /** Room (mountpoint id) of the page's point, and of the point the load listeners share. */
    let pageRoom = 0;
    let loadRoom = 0;
    const figures: Record<string, unknown> = {};

    beforeAll(async () => {
      const started = Date.now();
      cluster = await startLocalCluster({ backends: 2, points: 2, logLevel: 'warn' });
      await cluster.waitForLivePoints(2, 150_000);
      database = await openDatabase({ url: cluster.postgres.url });
      await createToneGraph(database, 'fault-tone');
      const loadGraph = await createSoundLoopGraph(database, 'fault-load');
      // The page first, so that it holds one point and the load shares the other.
      page = await openFaultListenerPage(cluster.url, 'fault-tone', 60_000);
      pageRoom = page.room;
      loadRoom = fleetStatus(cluster.dataDir).points.find((p) => p.room !== pageRoom)!.room;
      load = startBackgroundLoad({
        backends: cluster.backends.map((backend) => backend.url),
        graphUuid: loadGraph,
        listeners: LISTENERS,
        database,
        behaviour: {
          noStreamPause: [500, 2000],
          sessionLength: [3000, 6000],
          rejoinPause: [200, 1000],
          thinkTime: [100, 400],
          dropShare: 0.2,
          answerTimeoutMs: 30_000,
        },
      });
      const loadPoint = await pointByRoom(database, loadRoom);
      await waitUntil(
        'the load instructs its point and answers dialogs',
        async () => {
          const states = await instructionStatesSince(database, loadPoint.uuid, started);
          return (states.FINISHED ?? 0) >= 3 && load!.recorder.figures().dialogs >= 5
            ? true
            : undefined;
        },
        60_000,
      );
      figures.setupMs = Date.now() - started;
    }, 300_000);

    afterAll(async () => {
      console.log(`${TAG} figures ${JSON.stringify(figures)}`);
      reportOnce ??= load?.stop();
      await reportOnce?.catch(() => undefined);
      await page?.close();
      await database?.close();
      await cluster?.stop();
    }, 120_000);

    // On a failure: the fleet's view and the ends of the launcher's and backends' logs.
    beforeEach(({ onTestFailed }) => {
      onTestFailed(async () => {
        const children = [cluster.fleet, ...cluster.backends.map((b) => b.process)];
        const tails = await Promise.all(
          children.map((child) => child?.logTail(3000) ?? Promise.resolve('')),
        );
        const status = JSON.stringify(fleetStatus(cluster.dataDir).points.map((p) => p.processes));
        console.log(`${TAG} fleet ${status}\n${TAG} logs\n${tails.join('\n---\n')}`);
      });
    });

    const killOnLoadPoint = async (child: 'jackd' | 'scsynth' | 'sclang' | 'gst-out') => {
      const target: FleetTarget = { kind: 'point', room: loadRoom, child };
      const restart = await killAndAwaitRestart(cluster.dataDir, target, loadRoom, 90_000);
      expect(restart.newPid).not.toBe(restart.killedPid);
      figures[child] = await expectLoadPointRecovered(
        {
          database,
          dataDir: cluster.dataDir,
          room: loadRoom,
          recorder: load!.recorder,
          bystander: page,
        },
        child,
        restart,
      );
      console.log(`${TAG} ${child} ${JSON.stringify(figures[child])}`);
    };

    it('Janus killed: restarted, mountpoints re-created, the page re-watches and hears again', async () => {
      const before = await page.read();
      const restart = await killAndAwaitRestart(cluster.dataDir, { kind: 'janus' }, pageRoom);
      const mounts = await waitUntil(
        'both mountpoints re-created and fed',
        async () => {
          const listed = await listJanusMountpoints(cluster.dataDir).catch(() => []);
          return listed.length === 2 && listed.every((m) => m.ageMs !== null && m.ageMs < 1000)
            ? listed
            : undefined;
        },
        20_000,
      );
      expect(mounts.map((m) => m.id).sort()).toEqual([loadRoom, pageRoom].sort());
      const heard = await page.waitHearing(45_000);
      const hearingAgainMs = Date.now() - restart.killedAt;
      // A new peer connection: the page rebuilt its Janus session and watched again.
      expect(heard.connections).toBeGreaterThan(before.connections);
      const dialogs = load!.recorder.figures().dialogs;
      await waitUntil(
        'dialogs keep coming',
        () => Promise.resolve(load!.recorder.figures().dialogs > dialogs ? true : undefined),
        30_000,
      );
      expect(page.errors.filter((error) => error.startsWith('pageerror'))).toEqual([]);
      figures.janus = {
        restartMs: restart.restartMs,
        hearingAgainMs,
        connections: heard.connections,
      };
      console.log(`${TAG} janus ${JSON.stringify(figures.janus)}`);
    });

    it("GStreamer sender of the page's point killed: restarted, the page hears its tone again", async () => {
      const before = await page.read();
      const restart = await killAndAwaitRestart(
        cluster.dataDir,
        { kind: 'point', room: pageRoom, child: 'gst-out' },
        pageRoom,
      );
      // The new sender's RTP reaches the page through the same mountpoint, no reload needed.
      const heard = await page.waitHearing(30_000);
      const gap = page.seenSince(restart.killedAt);
      figures.pageGstOut = {
        restartMs: restart.restartMs,
        hearingAgainMs: Date.now() - restart.killedAt,
        rewatched: heard.connections !== before.connections,
        minLevel: Number(gap.minLevel.toFixed(3)),
      };
      console.log(`${TAG} page gst-out ${JSON.stringify(figures.pageGstOut)}`);
    });

    it("sclang of the page's point killed: restarted, the page's story goes on and is heard again", async () => {
      const point = await pointByRoom(database, pageRoom);
      const before = await page.read();
      // Right after a renewal of the tone, so the next one comes once the point is back.
      await waitUntil(
        'a tone renewal less than 2 s ago',
        async () => {
          const last = (await instructionTimes(database, point.uuid, 'faultTone')).at(-1);
          return last && Date.now() - last.at < 2000 ? true : undefined;
        },
        TONE_RENEW_S * 1000 + 15_000,
        100,
      );
      const restart = await killAndAwaitRestart(
        cluster.dataDir,
        { kind: 'point', room: pageRoom, child: 'sclang' },
        pageRoom,
      );
      await waitUntil(
        'the page point beacons again',
        async () => {
          const row = await pointByRoom(database, pageRoom);
          return row.lastLive && row.lastLive.getTime() > restart.killedAt ? true : undefined;
        },
        30_000,
      );
      // The new scsynth starts silent; the story's next renewal brings the tone back to the page.
      const heard = await page.waitHearing(TONE_RENEW_S * 1000 + 30_000);
      const after = (await instructionTimes(database, point.uuid, 'faultTone')).filter(
        (entry) => entry.at > restart.killedAt,
      );
      expect(after.map((entry) => entry.state)).toContain('FINISHED');
      // The crash was heard (scsynth went down with sclang): what came back is the story's sound.
      expect(page.seenSince(restart.killedAt).minLevel).toBeLessThan(0.01);
      figures.pageSclang = {
        restartMs: restart.restartMs,
        hearingAgainMs: Date.now() - restart.killedAt,
        rewatched: heard.connections !== before.connections,
      };
      console.log(`${TAG} page sclang ${JSON.stringify(figures.pageSclang)}`);
    });

    it('GStreamer sender of the loaded point killed: restarted, audio and instructions flow again', async () => {
      await killOnLoadPoint('gst-out');
    });

    it('scsynth of the loaded point killed: sclang restarts, the point beacons and plays again', async () => {
      await killOnLoadPoint('scsynth');
    });

    it('sclang of the loaded point killed: restarted, beacons, instructions FINISHED again', async () => {
      await killOnLoadPoint('sclang');
    });

    it('jackd of the loaded point killed: the chain restarts, beacons, instructions FINISHED again', async () => {
      await killOnLoadPoint('jackd');
    });

    it('the load saw no errors and the database invariants held throughout', async () => {
      // Stopped once; a retry of this test checks the same report again.
      reportOnce ??= load!.stop();
      const report = await reportOnce;
      figures.load = report;
      console.log(`${TAG} load ${JSON.stringify(report)}`);
      const f = report.listeners;
      expect(f.firstErrors).toEqual([]);
      expect(f.answerTimeouts).toBe(0);
      expect(f.overlappingHolds).toBe(0);
      // Every fault test saw the load assigned, instructing and answering again.
      expect(f.assignments).toBeGreaterThanOrEqual(4);
      expect(f.dialogs).toBeGreaterThanOrEqual(15);
      expect(report.invariants.samples).toBeGreaterThan(30);
      expect(report.invariants).toMatchObject({
        pointsWithTwoActiveStreams: 0,
        listenersOnTwoStreams: 0,
        countMismatches: 0,
      });
      expect(report.finalCounted).toBe(report.finalHeld);
      expect(report.lostWrites).toBe(0);
      expect(report.leftoverActiveStreams).toBe(0);
      expect(report.leftoverListenerRows).toBe(0);
      const blips = await database.db
        .selectFrom('streamInstruction')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('returnValue', 'like', `%${BLIP_RETURN}%`)
        .where('state', '=', 'FINISHED')
        .executeTakeFirstOrThrow();
      expect(Number(blips.n)).toBeGreaterThanOrEqual(8);
    });
  },
);
