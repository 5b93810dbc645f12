// Fixtures for the story-engine and live-coding tests: real story engines on the
// real database and sandbox, a query counter, and SuperCollider instructions sent over real UDP
// through the real instruction sender and database ledger to sockets that record them.
import { createSocket, type Socket } from 'node:dgram';
import { createInstruction, type Database } from '@gencaster/db';
import {
  createInProcessAckBus,
  createInstructionSender,
  createOscServer,
  decodeOscPacket,
  encodeOscMessage,
  type InstructionSender,
} from '@gencaster/osc';
import { createMemoryPorts } from '@gencaster/osc/testing';
import type { InstructionPort, ScriptSandbox } from '@gencaster/story';
import type { KyselyPlugin } from 'kysely';
import {
  createDatabaseInstructionLedger,
  createRemoteActionRunner,
  createStoryEngineFactory,
  type EngineFactory,
} from '@gencaster/live';

/** The database seen through a Kysely plugin that counts every query sent through it. */
export function countingDatabase(database: Database) {
  let count = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      count += 1;
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  return {
    database: { ...database, db: database.db.withPlugin(plugin) } satisfies Database,
    /** Queries sent so far. */
    count: () => count,
  };
}

/** A `/instruction` received by a {@link startInstructionSink}, with the socket's port. */
export interface SinkInstruction {
  port: number;
  uuid: string;
  code: string;
}

/**
 * Binds `count` real UDP sockets on 127.0.0.1 that record `/instruction` messages and never
 * answer (a stream point busy with a long instruction): their ports are the points' lang ports.
 */
export async function startInstructionSink(count: number) {
  const received: SinkInstruction[] = [];
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = createSocket('udp4');
    socket.on('message', (data) => {
      for (const message of decodeOscPacket(data)) {
        if (message.address !== '/instruction') continue;
        const [uuid, code] = message.args.map((arg) => (arg as { value: unknown }).value);
        received.push({ port: socket.address().port, uuid: String(uuid), code: String(code) });
      }
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    sockets.push(socket);
  }
  return {
    ports: sockets.map((socket) => socket.address().port),
    received,
    close: () => sockets.forEach((socket) => socket.close()),
  };
}

/**
 * The backend's instruction path without sclang: a real UDP sender socket, the database ledger
 * (with its fallback poll) and the instruction sender; `runCode` stores the instruction row first,
 * as the backend's point actions do.
 */
export async function startInstructionPath(database: Database, ledgerPollMs?: number) {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const ledger = createDatabaseInstructionLedger(database);
  const sender: InstructionSender = createInstructionSender({
    server: {
      send: (host, port, address, values) =>
        new Promise<void>((resolve, reject) =>
          socket.send(encodeOscMessage(address, values), port, host, (error) =>
            error ? reject(error) : resolve(),
          ),
        ),
    },
    ledger,
    ackBus: createInProcessAckBus(),
    ...(ledgerPollMs === undefined ? {} : { ledgerPollMs }),
  });
  const runCode = async (
    point: { uuid: string; host: string; port: number },
    code: string,
  ): Promise<string> => {
    const row = await createInstruction(database, {
      streamPointUuid: point.uuid,
      instructionText: code,
    });
    const result = await sender.send({ host: point.host, port: point.port, uuid: row.uuid, code });
    return result.returnValue;
  };
  return {
    ledger,
    sender,
    runCode,
    close() {
      sender.close();
      socket.close();
    },
  };
}

/** Story engines as the backend wires them, with SuperCollider code going to `runCode`. */
export function storyEngines(
  database: Database,
  sandbox: ScriptSandbox,
  runCode: (point: { uuid: string; host: string; port: number }, code: string) => Promise<string>,
): EngineFactory {
  return createStoryEngineFactory({
    database,
    sandbox,
    instructionPortFor: ({ point }): InstructionPort => ({
      run: async ({ code }) => ({ returnValue: await runCode(point, code) }),
      playAudio: () => Promise.reject(new Error('no audio in this test')),
      speak: () => Promise.reject(new Error('no speech in this test')),
    }),
  });
}

/** Stream log rows of the given streams (uncounted reads go through `database`). */
export function streamLogRows(database: Database, streamUuids: string[]) {
  return database.db
    .selectFrom('streamLog')
    .select(['streamUuid', 'streamPointUuid', 'message'])
    .where('streamUuid', 'in', streamUuids)
    .execute();
}

/** Live stream points on the given lang ports of 127.0.0.1 (beacon stamped a minute ahead). */
export async function insertPointsOnPorts(database: Database, ports: number[]) {
  return database.db
    .insertInto('streamPoint')
    .values(
      ports.map((port) => ({ host: '127.0.0.1', port, lastLive: new Date(Date.now() + 60_000) })),
    )
    .returningAll()
    .execute();
}

/**
 * The backend's live-coding path: a real OSC server on a free UDP port with a remote-action
 * password, and the real remote-action runner resolving targets in the database; `send` sends a
 * `/remote/action` from a real client socket.
 */
export async function startLiveCodingServer(
  database: Database,
  runCode: (point: { uuid: string; host: string; port: number }, code: string) => Promise<string>,
  password: string,
) {
  const memory = createMemoryPorts();
  const quiet = { info: () => undefined, warn: () => undefined };
  const spoken: { port: number; ssml: string }[] = [];
  const server = await createOscServer({
    port: 0,
    registry: memory.registry,
    ledger: memory.ledger,
    logSink: memory.logSink,
    ackBus: createInProcessAckBus(),
    remoteActionPassword: password,
    remoteActions: createRemoteActionRunner(
      database,
      {
        runCode,
        speak: (point, ssml) => {
          spoken.push({ port: point.port, ssml });
          return Promise.resolve();
        },
      },
      quiet,
    ),
  });
  const client = createSocket('udp4');
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', () => resolve()));
  return {
    /** SSML the runner handed to the points' speech action. */
    spoken,
    async send(action: { cmd: string; target?: string; action?: 'code' | 'speak' }) {
      const record = { protocol_version: '0.1', action: 'code', password, ...action };
      await new Promise<void>((resolve, reject) =>
        client.send(
          encodeOscMessage('/remote/action', Object.entries(record).flat()),
          server.port,
          '127.0.0.1',
          (error) => (error ? reject(error) : resolve()),
        ),
      );
    },
    async close() {
      client.close();
      await server.close();
    },
  };
}
