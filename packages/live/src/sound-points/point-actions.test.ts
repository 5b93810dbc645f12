// Point actions when the listener leaves: nothing is stored or sent for a walk whose signal was
// aborted, and an instruction abandoned while it waits never becomes an unhandled rejection when
// the sender later settles it (a backend stopping mid-walk).
import { listInstructions, type Database } from '@gencaster/db';
import { openTestDatabase } from '@gencaster/db/testing';
import { GencasterError } from '@gencaster/domain';
import type { InstructionSender } from '@gencaster/osc';
import type { CachedTts } from '@gencaster/tts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPointActions } from './point-actions.ts';

describe('point actions and a listener who left', () => {
  let database: Database;
  let point: { uuid: string; host: string; port: number };
  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    const row = await database.db
      .insertInto('streamPoint')
      .values({ host: '127.0.0.1', port: 45_123, lastLive: new Date() })
      .returning('uuid')
      .executeTakeFirstOrThrow();
    point = { uuid: row.uuid, host: '127.0.0.1', port: 45_123 };
  });
  afterAll(() => database?.close());

  /** A sender whose instructions stay pending until `closeAll` rejects them, as close() does. */
  function pendingSender() {
    const pending: ((error: Error) => void)[] = [];
    const sender: InstructionSender = {
      send: () => new Promise((_resolve, reject) => pending.push(reject)),
      sendVariable: () => Promise.resolve(),
      pending: 0,
      close: () => undefined,
    };
    const closeAll = () => {
      for (const reject of pending.splice(0))
        reject(new GencasterError('UNAVAILABLE', 'instruction sender closed'));
    };
    return { sender, pending, closeAll };
  }

  it('stores and sends nothing when the signal was aborted before the call', async () => {
    const { sender, pending } = pendingSender();
    const actions = createPointActions({
      database,
      instructions: sender,
      tts: {} as CachedTts,
      mediaRoot: '/nonexistent',
    });
    const before = (await listInstructions(database, { streamPointUuid: point.uuid })).length;
    await expect(
      actions.runCode(point, '1 + 1', { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(pending).toHaveLength(0);
    expect(await listInstructions(database, { streamPointUuid: point.uuid })).toHaveLength(before);
  });

  it('an instruction abandoned by an abort is settled later without an unhandled rejection', async () => {
    const { sender, closeAll } = pendingSender();
    const controller = new AbortController();
    const actions = createPointActions({
      database,
      instructions: {
        ...sender,
        send: (request) => {
          controller.abort(); // the listener leaves while the instruction is being sent
          return sender.send(request);
        },
      },
      tts: {} as CachedTts,
      mediaRoot: '/nonexistent',
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(
        actions.runCode(point, '2 + 2', { signal: controller.signal }),
      ).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'the listener left' });
      closeAll(); // the backend stops: the sender rejects what still waits
      await new Promise((done) => setTimeout(done, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
