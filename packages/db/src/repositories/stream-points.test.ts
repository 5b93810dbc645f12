import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import { createGraph } from './graphs.ts';
import {
  freeStreamPoints,
  getStreamPoint,
  listLiveStreamPoints,
  upsertStreamPointFromBeacon,
} from './stream-points.ts';
import { releaseStaleStreams } from './stream-release.ts';
import { assignStream, getStream, leaveStream } from './streams.ts';

describeEachEngine(
  'stream points',
  (getDb) => {
    const now = new Date('2026-05-01T12:00:00Z');
    const ago = (ms: number) => new Date(now.getTime() - ms);

    it('upserts by (host, port): a second beacon updates instead of duplicating', async () => {
      const first = await upsertStreamPointFromBeacon(getDb(), {
        host: '127.0.0.1',
        port: 57120,
        janusOutRoom: 1,
        scName: 'SuperCollider1',
        lastLive: ago(10_000),
      });
      const second = await upsertStreamPointFromBeacon(getDb(), {
        host: '127.0.0.1',
        port: 57120,
        useInput: true,
        lastLive: now,
      });
      expect(second.uuid).toBe(first.uuid);
      expect(second).toMatchObject({ useInput: true, janusOutRoom: 1, scName: 'SuperCollider1' });
      expect(second.lastLive?.getTime()).toBe(now.getTime());
      const cleared = await upsertStreamPointFromBeacon(getDb(), {
        host: '127.0.0.1',
        port: 57120,
        janusOutRoom: null,
        lastLive: now,
      });
      expect(cleared.janusOutRoom).toBeNull();
      expect((await getStreamPoint(getDb(), first.uuid)).scName).toBe('SuperCollider1');
    });

    it('a point older than the window is neither live nor free; one silent for 1 day + 10 s is offline', async () => {
      await upsertStreamPointFromBeacon(getDb(), { host: 'a', port: 1, lastLive: ago(5_000) });
      await upsertStreamPointFromBeacon(getDb(), { host: 'b', port: 1, lastLive: ago(120_000) });
      await upsertStreamPointFromBeacon(getDb(), {
        host: 'c',
        port: 1,
        lastLive: ago(86_400_000 + 10_000),
      });
      const live = await listLiveStreamPoints(getDb(), { now });
      expect(live.map((p) => p.host)).toEqual(['a']);
      const free = await freeStreamPoints(getDb(), { now });
      expect(free.map((p) => p.host)).toEqual(['a']);
      expect((await freeStreamPoints(getDb(), { now, windowMs: 1_000 })).length).toBe(0);
    });

    it('no live point ⇒ NO_STREAM_AVAILABLE; a busy point is not free until released', async () => {
      const graph = await createGraph(getDb(), { name: 'points' });
      await expect(
        assignStream(getDb(), { graphUuid: graph.uuid, listenerId: 'x', now: ago(-3_600_000) }),
      ).rejects.toMatchObject({ code: 'NO_STREAM_AVAILABLE' });
      await upsertStreamPointFromBeacon(getDb(), { host: 'busy', port: 1, lastLive: now });
      const stream = await assignStream(getDb(), { graphUuid: graph.uuid, listenerId: 'x', now });
      expect((await freeStreamPoints(getDb(), { now })).map((p) => p.host)).not.toContain('busy');
      await leaveStream(getDb(), { streamUuid: stream.uuid, listenerId: 'x' });
      expect((await freeStreamPoints(getDb(), { now })).map((p) => p.host)).toContain('busy');
    });

    it('deactivated graphs are refused; unknown graphs are NOT_FOUND', async () => {
      await upsertStreamPointFromBeacon(getDb(), { host: 'd', port: 1, lastLive: now });
      const graph = await createGraph(getDb(), {
        name: 'off',
        streamAssignmentPolicy: 'deactivate',
      });
      await expect(
        assignStream(getDb(), { graphUuid: graph.uuid, listenerId: 'x', now }),
      ).rejects.toMatchObject({
        code: 'NO_STREAM_AVAILABLE',
        details: { reason: 'deactivated' },
      });
      await expect(
        assignStream(getDb(), {
          graphUuid: '00000000-0000-4000-8000-000000000000',
          listenerId: 'x',
          now,
        }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('one graph/one stream replaces a shared stream whose point went silent', async () => {
      const graph = await createGraph(getDb(), {
        name: 'shared-dead',
        streamAssignmentPolicy: 'one_graph_one_stream',
      });
      await upsertStreamPointFromBeacon(getDb(), { host: 'e', port: 1, lastLive: now });
      const first = await assignStream(getDb(), { graphUuid: graph.uuid, listenerId: 'x', now });
      await upsertStreamPointFromBeacon(getDb(), { host: 'e', port: 2, lastLive: ago(-120_000) });
      const later = ago(-120_000);
      const second = await assignStream(getDb(), {
        graphUuid: graph.uuid,
        listenerId: 'y',
        now: later,
      });
      expect(second.uuid).not.toBe(first.uuid);
      expect(second).toMatchObject({ shared: true, numListeners: 1 });
      expect(await getStream(getDb(), first.uuid)).toMatchObject({ active: false });
    });

    it('releases active streams whose point went silent, and only those', async () => {
      const graph = await createGraph(getDb(), { name: 'stale' });
      await upsertStreamPointFromBeacon(getDb(), { host: 'f', port: 1, lastLive: now });
      await upsertStreamPointFromBeacon(getDb(), { host: 'f', port: 2, lastLive: now });
      const a = await assignStream(getDb(), { graphUuid: graph.uuid, listenerId: 'a', now });
      const b = await assignStream(getDb(), { graphUuid: graph.uuid, listenerId: 'b', now });
      await upsertStreamPointFromBeacon(getDb(), { host: 'f', port: 2, lastLive: ago(-50_000) });
      const released = await releaseStaleStreams(getDb(), { now: ago(-70_000) });
      const stillActive = [a, b].find((s) => !released.some((r) => r.uuid === s.uuid));
      expect(released).toHaveLength(1);
      expect(released[0]).toMatchObject({ active: false, numListeners: 0 });
      expect(await getStream(getDb(), stillActive!.uuid)).toMatchObject({
        active: true,
        numListeners: 1,
      });
    });
  },
  { fresh: 'test' },
);
