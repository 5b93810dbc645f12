import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAudioFile, listLiveStreamPoints, type Database } from '@gencaster/db';
import { openTestDatabase } from '@gencaster/db/testing';
import { createDatabaseInstructionLedger } from '../sound-points/instruction-ledger.ts';
import { createDatabaseStreamPointRegistry } from '../sound-points/stream-point-registry.ts';
import {
  createInProcessAckBus,
  createInstructionSender,
  createOscServer,
  type InstructionSender,
} from '@gencaster/osc';
import { startTestStreamPoint, type TestStreamPoint } from '@gencaster/osc/testing';
import type { CachedTts } from '@gencaster/tts';
import {
  createPointActions,
  type PointActions,
  type PointTarget,
} from '../sound-points/point-actions.ts';

/** Options of {@link startSyncPlaybackRig}. */
export interface SyncPlaybackRigOptions {
  /** The default deadline of the sender and the point actions, as the backend passes both. */
  defaultTimeoutMs: number;
  /** Speech for `actions.speak`; default none (speaking then fails). */
  tts?: CachedTts;
  /** Lines the point actions log at warn level land here. */
  warnings?: unknown[];
}

/** The backend's playback path on real parts, see {@link startSyncPlaybackRig}. */
export interface SyncPlaybackRig extends AsyncDisposable {
  database: Database;
  mediaRoot: string;
  sender: InstructionSender;
  actions: PointActions;
  point: PointTarget;
  stream: TestStreamPoint;
  /** Writes a sine of `seconds` as an AudioFile of the library (sox, 48 kHz float mono). */
  addAudioFile(seconds: number): Promise<{ uuid: string; path: string }>;
}

/**
 * The backend's SYNC playback path on real parts, as start-backend wires it: a PGlite database
 * with the database instruction ledger and stream point registry, the UDP OSC server, the
 * instruction sender and the point actions sharing one default deadline, and a real stream point
 * (jackd + sclang + scsynth with our class) that reads the files from a media folder.
 */
export async function startSyncPlaybackRig(
  options: SyncPlaybackRigOptions,
): Promise<SyncPlaybackRig> {
  const closers: Array<() => unknown> = [];
  const close = async () => {
    for (const step of closers.splice(0).reverse()) await step();
  };
  try {
    const mediaRoot = await mkdtemp(join(tmpdir(), 'gencaster-sync-'));
    closers.push(() => rm(mediaRoot, { recursive: true, force: true }));
    const database = await openTestDatabase('pglite');
    closers.push(() => database.close());
    const ledger = createDatabaseInstructionLedger(database);
    const ackBus = createInProcessAckBus();
    const server = await createOscServer({
      port: 0,
      registry: createDatabaseStreamPointRegistry(database),
      ledger,
      ackBus,
    });
    closers.push(() => server.close());
    const sender = createInstructionSender({
      server,
      ledger,
      ackBus,
      defaultTimeoutMs: options.defaultTimeoutMs,
    });
    closers.push(() => sender.close());
    const stream = await startTestStreamPoint({ backendPort: server.port });
    closers.push(() => stream.stop());
    const deadline = Date.now() + 90_000;
    let row = (await listLiveStreamPoints(database)).find((p) => p.port === stream.langPort);
    while (!row) {
      if (Date.now() > deadline)
        throw new Error(`the stream point never beaconed; sclang output:\n${stream.output()}`);
      await new Promise((done) => setTimeout(done, 200));
      row = (await listLiveStreamPoints(database)).find((p) => p.port === stream.langPort);
    }
    const warnings = options.warnings;
    const actions = createPointActions({
      database,
      instructions: sender,
      tts: options.tts ?? ({} as CachedTts),
      mediaRoot,
      defaultTimeoutMs: options.defaultTimeoutMs,
      logger: { warn: (...args: unknown[]) => warnings?.push(args) },
    });
    return {
      database,
      mediaRoot,
      sender,
      actions,
      point: { uuid: row.uuid, host: row.host, port: row.port },
      stream,
      async addAudioFile(seconds) {
        const file = await createAudioFile(database, {
          name: `sine ${seconds} s`,
          extension: '.wav',
        });
        if (!file.file) throw new Error('audio file row without a path');
        const path = join(mediaRoot, file.file);
        await mkdir(join(path, '..'), { recursive: true });
        const sox = spawnSync('sox', [
          '-n',
          '-r',
          '48000',
          '-c',
          '1',
          '-e',
          'floating-point',
          '-b',
          '32',
          path,
          'synth',
          String(seconds),
          'sine',
          '440',
          'vol',
          '0.2',
        ]);
        if (sox.status !== 0) throw new Error(`sox failed: ${sox.stderr.toString()}`);
        return { uuid: file.uuid, path };
      },
      [Symbol.asyncDispose]: close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
