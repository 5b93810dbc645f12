// Test helper: the API server with the real story engine and sandbox, and an in-process
// instruction port that stores each instruction and acknowledges it at once (the backend wires the
// real sclang port instead).
import { createInstruction, type Database } from '@gencaster/db';
import { createScriptSandbox, type InstructionPort } from '@gencaster/story';
import { afterAll, beforeAll } from 'vitest';
import { createStoryEngineFactory } from '@gencaster/live';
import { startTestServer, type TestServer } from './test-server.ts';

/** A running {@link startStoryTestServer}. */
export interface StoryTestServer {
  server: TestServer;
  /** The SuperCollider code of every instruction sent so far, in order. */
  sent: string[];
  /** The stream points whose Janus audience was ended (a new stream started on them), in order. */
  audienceEnded: string[];
  close(): Promise<void>;
}

/** The end screen's grace of the story test server: short, so tests see the release. */
export const TEST_END_SCREEN_GRACE_MS = 1_500;

/** Starts the API with real story engines (step delay 10 ms) on `database`. */
export async function startStoryTestServer(database: Database): Promise<StoryTestServer> {
  const sandbox = createScriptSandbox();
  const sent: string[] = [];
  const audienceEnded: string[] = [];
  const engineFactory = createStoryEngineFactory({
    database,
    sandbox,
    engineOptions: { stepDelayMs: 10 },
    instructionPortFor: (input): InstructionPort => ({
      async run({ code }) {
        const instruction = await createInstruction(database, {
          streamPointUuid: input.point.uuid,
          instructionText: code,
        });
        sent.push(code);
        input.onInstruction(instruction);
        return { returnValue: '' };
      },
      playAudio: () => Promise.resolve(),
      speak: () => Promise.resolve(),
    }),
  });
  const server = await startTestServer({
    database,
    services: {
      engineFactory,
      sandbox,
      endPointAudience: (point) => {
        audienceEnded.push(point.uuid);
        return Promise.resolve();
      },
    },
    options: { endScreenGraceMs: TEST_END_SCREEN_GRACE_MS },
  });
  return {
    server,
    sent,
    audienceEnded,
    async close() {
      await server.close();
      await sandbox.close();
    },
  };
}

/**
 * Starts a {@link startStoryTestServer} before the enclosing suite's tests and closes it after;
 * read `server` and `sent` inside tests.
 */
export function useStoryTestServer(getDb: () => Database) {
  let story: StoryTestServer | undefined;
  beforeAll(async () => {
    story = await startStoryTestServer(getDb());
  });
  afterAll(async () => {
    await story?.close();
  });
  const running = () => {
    if (!story) throw new Error('the story test server has not started');
    return story;
  };
  return {
    get server(): TestServer {
      return running().server;
    },
    get sent(): string[] {
      return running().sent;
    },
    get audienceEnded(): string[] {
      return running().audienceEnded;
    },
  };
}
