import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser, type Database } from '@gencaster/db';
import { loadConfig } from '../../apps/backend/src/config.ts';
import { startBackend } from '../../apps/backend/src/start-backend.ts';

/** A real backend (embedded database in a temp dir, free ports) with one editor account. */
export interface EditorTestServer {
  url: string;
  database: Database;
  username: string;
  password: string;
  close(): Promise<void>;
}

/**
 * Starts the real backend the way `npm start` does, but on port 0 with a throw-away data dir and
 * no sound points, and creates an editor account. `close()` stops it and deletes the data.
 */
export async function startEditorTestServer(): Promise<EditorTestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gencaster-editor-backend-'));
  const root = join(import.meta.dirname, '..', '..');
  const config = loadConfig(
    {
      GENCASTER_HOST: '127.0.0.1',
      GENCASTER_PORT: '0',
      GENCASTER_DATA_DIR: dataDir,
      GENCASTER_OSC_HOST: '127.0.0.1',
      GENCASTER_OSC_PORT: '0',
      GENCASTER_SOUND_POINTS: '0',
      LOG_LEVEL: 'warn',
    },
    root,
  );
  const backend = await startBackend(config, { soundPoints: 0 });
  const username = 'author';
  const password = 'correct horse battery';
  try {
    await createUser(backend.database, { username, password, role: 'editor' });
  } catch (error) {
    await backend.close();
    throw error;
  }
  return {
    url: backend.url,
    database: backend.database,
    username,
    password,
    close: async () => {
      await backend.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
