import { describeEachEngine } from '@gencaster/db/testing';
import { expect, it } from 'vitest';
import type { Database } from '../database.ts';
import { createInstruction, getInstruction, transitionInstruction } from './instructions.ts';
import { appendStreamLog, listStreamLogs } from './stream-logs.ts';
import { upsertStreamPointFromBeacon } from './stream-points.ts';
import {
  deleteStreamVariable,
  listStreamVariables,
  upsertStreamVariable,
  upsertStreamVariables,
} from './stream-variables.ts';
import { assignStream } from './streams.ts';
import { createGraph } from './graphs.ts';

let counter = 0;
async function newStream(db: Database) {
  counter += 1;
  const point = await upsertStreamPointFromBeacon(db, {
    host: 'data',
    port: counter,
    lastLive: new Date(),
  });
  const graph = await createGraph(db, { name: `data ${counter}` });
  const stream = await assignStream(db, { graphUuid: graph.uuid, listenerId: 'l' });
  return { point, stream };
}

describeEachEngine('stream variables, instructions and logs', (getDb) => {
  it('upserts a variable by (stream, key)', async () => {
    const { stream } = await newStream(getDb());
    const a = await upsertStreamVariable(getDb(), {
      streamUuid: stream.uuid,
      key: 'name',
      value: 'Ada',
    });
    const b = await upsertStreamVariable(getDb(), {
      streamUuid: stream.uuid,
      key: 'name',
      value: '',
      streamToSc: true,
    });
    expect(b.uuid).toBe(a.uuid);
    expect(b).toMatchObject({ value: '', streamToSc: true });
    await upsertStreamVariables(getDb(), [
      { streamUuid: stream.uuid, key: 'b', value: '1' },
      { streamUuid: stream.uuid, key: 'a', value: '2' },
    ]);
    expect((await listStreamVariables(getDb(), stream.uuid)).map((v) => v.key)).toEqual([
      'a',
      'b',
      'name',
    ]);
    expect(await deleteStreamVariable(getDb(), stream.uuid, 'a')).toBe(true);
    expect(await deleteStreamVariable(getDb(), stream.uuid, 'a')).toBe(false);
  });

  it('writes several variables all or nothing and rejects bad input', async () => {
    const { stream } = await newStream(getDb());
    await expect(
      upsertStreamVariables(getDb(), [
        { streamUuid: stream.uuid, key: 'ok' },
        { streamUuid: '00000000-0000-4000-8000-000000000000', key: 'missing-stream' },
      ]),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await listStreamVariables(getDb(), stream.uuid)).toEqual([]);
    await expect(
      upsertStreamVariable(getDb(), { streamUuid: stream.uuid, key: '' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await expect(
      upsertStreamVariable(getDb(), { streamUuid: stream.uuid, key: 'k'.repeat(513) }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      upsertStreamVariable(getDb(), { streamUuid: 'nope', key: 'k' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('moves instructions through legal states only', async () => {
    const { point } = await newStream(getDb());
    const created = await createInstruction(getDb(), {
      streamPointUuid: point.uuid,
      instructionText: '1 + 1',
    });
    expect(created.state).toBe('UNACKNOWLEDGED');
    await expect(
      transitionInstruction(getDb(), { uuid: created.uuid, state: 'RECEIVED' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await transitionInstruction(getDb(), { uuid: created.uuid, state: 'SENT' });
    await transitionInstruction(getDb(), { uuid: created.uuid, state: 'RECEIVED' });
    const done = await transitionInstruction(getDb(), {
      uuid: created.uuid,
      state: 'FINISHED',
      returnValue: '2',
    });
    expect(done).toMatchObject({ state: 'FINISHED', returnValue: '2' });
    await expect(
      transitionInstruction(getDb(), { uuid: created.uuid, state: 'RECEIVED' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await getInstruction(getDb(), created.uuid)).state).toBe('FINISHED');
    await expect(
      transitionInstruction(getDb(), {
        uuid: '00000000-0000-4000-8000-000000000000',
        state: 'SENT',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      transitionInstruction(getDb(), { uuid: created.uuid, state: 'DONE' as never }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('creates an instruction under a caller-chosen uuid so its code can mention it', async () => {
    const { point } = await newStream(getDb());
    const uuid = '6f1c2a44-3b9e-4d2f-9a51-0c7e8d9f1a2b';
    const created = await createInstruction(getDb(), {
      uuid,
      streamPointUuid: point.uuid,
      instructionText: `g.syncPlayBuffer("/data/a.wav", "${uuid}")`,
    });
    expect(created.uuid).toBe(uuid);
    await expect(
      createInstruction(getDb(), { uuid, streamPointUuid: point.uuid, instructionText: 'again' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('lets exactly one of two concurrent acknowledgements win a transition', async () => {
    const { point } = await newStream(getDb());
    const created = await createInstruction(getDb(), {
      streamPointUuid: point.uuid,
      instructionText: 'x',
    });
    await transitionInstruction(getDb(), { uuid: created.uuid, state: 'SENT' });
    const results = await Promise.allSettled([
      transitionInstruction(getDb(), { uuid: created.uuid, state: 'FINISHED' }),
      transitionInstruction(getDb(), { uuid: created.uuid, state: 'FAILURE' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('appends logs, derives the stream point from the stream and lists by stream or point', async () => {
    const { point, stream } = await newStream(getDb());
    const log = await appendStreamLog(getDb(), {
      streamUuid: stream.uuid,
      message: 'hello',
      origin: 'graph_engine',
    });
    expect(log).toMatchObject({ streamPointUuid: point.uuid, level: 20, origin: 'graph_engine' });
    await appendStreamLog(getDb(), {
      streamPointUuid: point.uuid,
      message: 'sc says hi',
      level: 10,
      origin: 'supercollider',
    });
    expect(
      (await listStreamLogs(getDb(), { streamUuid: stream.uuid })).map((l) => l.message),
    ).toEqual(['hello']);
    expect(
      (await listStreamLogs(getDb(), { streamPointUuid: point.uuid })).map((l) => l.message),
    ).toEqual(['hello', 'sc says hi']);
    await expect(
      appendStreamLog(getDb(), { message: 'x', level: 35 as never }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
