import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import { createGraph, updateGraph } from './graphs.ts';
import { listListenablePoints } from './listenable-points.ts';
import { upsertStreamPointFromBeacon } from './stream-points.ts';
import { assignStream, leaveStream } from './streams.ts';

describeEachEngine(
  'listenable points',
  (getDb) => {
    const now = new Date('2026-05-01T12:00:00Z');
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const point = (host: string, extra: { janusOutRoom?: number | null; lastLive?: Date } = {}) =>
      upsertStreamPointFromBeacon(getDb(), {
        host,
        port: 1,
        janusOutRoom: 1,
        lastLive: now,
        ...extra,
      });

    it('lists live points with a mountpoint, free or holding a shared stream, never a personal one', async () => {
      const free = await point('free');
      await point('silent', { lastLive: ago(120_000) });
      await point('no-mountpoint', { janusOutRoom: null });
      const personalGraph = await createGraph(getDb(), { name: 'personal' });
      const sharedGraph = await createGraph(getDb(), {
        name: 'shared',
        streamAssignmentPolicy: 'one_graph_one_stream',
      });
      // The most recently beaconed free point is claimed first: the personal stream takes this one.
      const personal = await point('personal', { lastLive: new Date(now.getTime() + 2) });
      const personalStream = await assignStream(getDb(), {
        graphUuid: personalGraph.uuid,
        listenerId: 'listener-1',
        now,
      });
      expect(personalStream.streamPointUuid).toBe(personal.uuid);
      const shared = await point('shared', { lastLive: new Date(now.getTime() + 1) });
      const sharedStream = await assignStream(getDb(), {
        graphUuid: sharedGraph.uuid,
        listenerId: 'listener-2',
        now,
      });
      expect(sharedStream.streamPointUuid).toBe(shared.uuid);

      const listed = await listListenablePoints(getDb(), { now });
      expect(listed.map((p) => p.host).sort()).toEqual(['free', 'shared']);
      expect(await listListenablePoints(getDb(), { now, uuid: personal.uuid })).toEqual([]);
      expect((await listListenablePoints(getDb(), { now, uuid: free.uuid })).length).toBe(1);

      // Once the personal listener leaves, its point is free again (and listenable).
      await leaveStream(getDb(), { streamUuid: personalStream.uuid, listenerId: 'listener-1' });
      expect((await listListenablePoints(getDb(), { now, uuid: personal.uuid })).length).toBe(1);
      // A shared stream whose graph turned personal no longer counts as shared.
      await updateGraph(getDb(), {
        uuid: sharedGraph.uuid,
        streamAssignmentPolicy: 'one_user_one_stream',
      });
      expect(await listListenablePoints(getDb(), { now, uuid: shared.uuid })).toEqual([]);
    });
  },
  { fresh: 'test' },
);
