import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import { createInstruction, getInstruction, transitionInstruction } from './instructions.ts';
import { recordStreamPointBoot, STREAM_POINT_RESTARTED_MESSAGE } from './stream-point-boots.ts';
import { freeStreamPoints, getStreamPoint, upsertStreamPointFromBeacon } from './stream-points.ts';

describeEachEngine(
  'stream point boots',
  (getDb) => {
    const point = { host: '127.0.0.1', port: 57150 };

    async function instructionIn(state: 'UNACKNOWLEDGED' | 'SENT' | 'RECEIVED' | 'FINISHED') {
      const row = await getStreamPoint(getDb(), (await freeStreamPoints(getDb()))[0]!.uuid);
      const created = await createInstruction(getDb(), {
        streamPointUuid: row.uuid,
        instructionText: state,
      });
      const path = { UNACKNOWLEDGED: [], SENT: ['SENT'], RECEIVED: ['SENT', 'RECEIVED'] };
      const steps = state === 'FINISHED' ? ['SENT', 'RECEIVED', 'FINISHED'] : path[state];
      for (const step of steps)
        await transitionInstruction(getDb(), {
          uuid: created.uuid,
          state: step as 'SENT' | 'RECEIVED' | 'FINISHED',
        });
      return created.uuid;
    }

    it('a changed boot id fails the open instructions (SENT, RECEIVED) of that point only', async () => {
      await upsertStreamPointFromBeacon(getDb(), { ...point, lastLive: new Date() });
      expect(await recordStreamPointBoot(getDb(), { ...point, bootId: 'a', ready: true })).toEqual(
        [],
      ); // the first boot id fails nothing
      const sent = await instructionIn('SENT');
      const received = await instructionIn('RECEIVED');
      const waiting = await instructionIn('UNACKNOWLEDGED');
      const finished = await instructionIn('FINISHED');
      expect(await recordStreamPointBoot(getDb(), { ...point, bootId: 'a', ready: true })).toEqual(
        [],
      );
      const abandoned = await recordStreamPointBoot(getDb(), {
        ...point,
        bootId: 'b',
        ready: false,
      });
      expect(abandoned.map((a) => a.uuid).sort()).toEqual([sent, received].sort());
      expect(abandoned.every((a) => a.state === 'FAILURE')).toBe(true);
      expect((await getInstruction(getDb(), sent)).returnValue).toBe(
        STREAM_POINT_RESTARTED_MESSAGE,
      );
      expect((await getInstruction(getDb(), waiting)).state).toBe('UNACKNOWLEDGED');
      expect((await getInstruction(getDb(), finished)).state).toBe('FINISHED');
    });

    it('a BOOTING beacon takes the point out of assignment until a ready beacon', async () => {
      await upsertStreamPointFromBeacon(getDb(), { ...point, lastLive: new Date() });
      await recordStreamPointBoot(getDb(), { ...point, bootId: 'a', ready: true });
      expect(await freeStreamPoints(getDb())).toHaveLength(1);
      await recordStreamPointBoot(getDb(), { ...point, bootId: 'b', ready: false });
      expect(await freeStreamPoints(getDb())).toHaveLength(0);
      await upsertStreamPointFromBeacon(getDb(), { ...point, lastLive: new Date() });
      await recordStreamPointBoot(getDb(), { ...point, bootId: 'b', ready: true });
      expect(await freeStreamPoints(getDb())).toHaveLength(1);
      // an unknown point and an original client (no boot id) change nothing
      expect(
        await recordStreamPointBoot(getDb(), {
          host: '10.9.9.9',
          port: 1,
          bootId: 'x',
          ready: false,
        }),
      ).toEqual([]);
      expect(await recordStreamPointBoot(getDb(), { ...point, bootId: null, ready: true })).toEqual(
        [],
      );
      expect(await freeStreamPoints(getDb())).toHaveLength(1);
    });
  },
  { fresh: 'test' },
);
