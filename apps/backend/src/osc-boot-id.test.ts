// Issue 15 item 6 / issue 20: a real backend (PGlite, real UDP OSC with its generated secret) and a
// real stream point (jackd + sclang + scsynth with our class). sclang is killed with an instruction
// in flight and restarted as the launcher's supervisor does: the new boot id fails the instruction
// within seconds of the restart, not at its 300 s deadline, and the point is not assignable until
// its new scsynth is up.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createInstruction,
  findStreamPoint,
  freeStreamPoints,
  listStreamPoints,
} from '@gencaster/db';
import { loadOrCreateOscSecret, OSC_SECRET_FILE } from '@gencaster/osc';
import {
  startTestStreamPoint,
  streamPointUnavailableReason,
  type TestStreamPoint,
} from '@gencaster/osc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { startBackend, type Backend } from './start-backend.ts';

const unavailable = streamPointUnavailableReason();
if (unavailable) console.warn(`skipping the boot id test: ${unavailable}`);

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

// retry: this suite starts a real backend process (HTTP, WebSocket, OSC, database) on a loaded 2-core CI machine, where a process can lose a race with the scheduler; one retry, reported as (retry x1).
describe.skipIf(unavailable !== undefined)(
  'a stream point whose sclang restarts',
  { retry: 1 },
  () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gencaster-boot-'));
    let backend: Backend;
    let point: TestStreamPoint;

    beforeAll(async () => {
      const env = {
        GENCASTER_PORT: '0',
        GENCASTER_OSC_PORT: '0',
        GENCASTER_DATA_DIR: dataDir,
        GENCASTER_SOUND_POINTS: '0',
        LOG_LEVEL: 'fatal',
      };
      backend = await startBackend(loadConfig(env, resolve(import.meta.dirname, '../../..')));
      // no GENCASTER_OSC_SECRET: the backend generated one; the point gets it as the launcher would
      point = await startTestStreamPoint({
        backendPort: backend.oscPort,
        env: { GENCASTER_OSC_SECRET: loadOrCreateOscSecret(dataDir) },
      });
      await until(
        'the first signed beacon',
        async () =>
          (await listStreamPoints(backend.database)).find((p) => p.port === point.langPort),
        90_000,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\nsclang output:\n${point.output()}`);
      });
    }, 150_000);

    afterAll(async () => {
      await point?.stop();
      await backend?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('keeps the generated OSC secret private to the backend user', () => {
      expect(statSync(join(dataDir, OSC_SECRET_FILE)).mode & 0o777).toBe(0o600);
    });

    it('fails an instruction in flight within seconds of the restart (new boot id), not at its deadline', async () => {
      const row = (await listStreamPoints(backend.database)).find(
        (p) => p.port === point.langPort,
      )!;
      const firstBoot = (
        await backend.database.db
          .selectFrom('streamPoint')
          .select('bootId')
          .where('uuid', '=', row.uuid)
          .executeTakeFirstOrThrow()
      ).bootId;
      expect(firstBoot).toMatch(/^\d+-/);
      // an instruction that runs until its sclang dies (RECEIVED, never FINISHED)
      const instruction = await createInstruction(backend.database, {
        streamPointUuid: row.uuid,
        instructionText: 'loop { 1.wait }',
      });
      const outcome = backend.instructions
        .send({
          host: '127.0.0.1',
          port: point.langPort,
          uuid: instruction.uuid,
          code: 'loop { 1.wait }',
          timeoutMs: 300_000,
        })
        .then(
          () => ({ at: Date.now(), error: undefined }),
          (error: unknown) => ({ at: Date.now(), error }),
        );
      await until(
        'RECEIVED',
        async () =>
          (
            await backend.database.db
              .selectFrom('streamInstruction')
              .select('state')
              .where('uuid', '=', instruction.uuid)
              .executeTakeFirst()
          )?.state === 'RECEIVED',
        10_000,
      );

      await point.crashAndRestart();
      const restartedAt = Date.now();
      // while the new sclang boots, the point is not assignable
      let sawUnassignable = false;
      const watch = (async () => {
        while (Date.now() - restartedAt < 60_000) {
          const free = await freeStreamPoints(backend.database);
          if (!free.some((p) => p.uuid === row.uuid)) {
            const current = await findStreamPoint(backend.database, row.uuid);
            if (current?.lastLive === null) {
              sawUnassignable = true;
              return;
            }
          }
          await new Promise((done) => setTimeout(done, 25));
        }
      })();
      const settled = await Promise.race([
        outcome,
        new Promise<undefined>((done) => setTimeout(() => done(undefined), 30_000)),
      ]);
      expect(settled, `sclang output:\n${point.output().slice(-3000)}`).toBeDefined();
      expect(settled!.error).toMatchObject({
        code: 'INSTRUCTION_FAILED',
        message: expect.stringContaining('restarted') as string,
      });
      // sclang compiles its class library and beacons BOOTING before scsynth boots: a few seconds
      console.info(
        `[boot id] instruction failed ${settled!.at - restartedAt} ms after the restart`,
      );
      expect(settled!.at - restartedAt).toBeLessThan(15_000);
      const stored = await backend.database.db
        .selectFrom('streamInstruction')
        .select(['state', 'returnValue'])
        .where('uuid', '=', instruction.uuid)
        .executeTakeFirstOrThrow();
      expect(stored.state).toBe('FAILURE');
      await watch;
      expect(sawUnassignable).toBe(true);

      // the new sclang becomes assignable once it is ready, under a new boot id, and runs code
      await until(
        'the ready beacon of the new sclang',
        async () => (await freeStreamPoints(backend.database)).some((p) => p.uuid === row.uuid),
        60_000,
      );
      const secondBoot = (
        await backend.database.db
          .selectFrom('streamPoint')
          .select('bootId')
          .where('uuid', '=', row.uuid)
          .executeTakeFirstOrThrow()
      ).bootId;
      expect(secondBoot).not.toBe(firstBoot);
      const next = await createInstruction(backend.database, {
        streamPointUuid: row.uuid,
        instructionText: '1 + 1',
      });
      await expect(
        backend.instructions.send({
          host: '127.0.0.1',
          port: point.langPort,
          uuid: next.uuid,
          code: '1 + 1',
          timeoutMs: 20_000,
        }),
      ).resolves.toMatchObject({ returnValue: '2' });
    }, 150_000);
  },
);
