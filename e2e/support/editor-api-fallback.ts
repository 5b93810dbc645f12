import { join } from 'node:path';
import { createApiServer } from '@gencaster/api';
import { migrate, openDatabase, type Database } from '@gencaster/db';
import { startHttpServer } from '../../apps/backend/src/http-server.ts';

/** What the editor tests need from a running server. */
export interface RunningEditorBackend {
  url: string;
  database: Database;
  close(): Promise<void>;
}

/**
 * Interim wiring used only while `startBackend` answers /graphql with 503 (API not wired into the
 * backend yet): the real API (createApiServer) on a real migrated PGlite database behind the
 * backend's own HTTP server, serving the built editor. Audio storage and syntax checks are not
 * wired here; the backend's wiring is preferred as soon as it exists.
 */
export async function startApiFallback(root: string): Promise<RunningEditorBackend> {
  const database = await openDatabase({ inMemory: true });
  await migrate(database);
  const api = createApiServer({ database });
  const http = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    graphql: (request, response) => api.handler(request, response),
    health: () => Promise.resolve({ status: 'ok' }),
    listenerDir: join(root, 'apps/listener/dist'),
    editorDir: join(root, 'apps/editor/dist'),
  });
  api.attachWebSocket(http.server);
  return {
    url: http.url,
    database,
    close: async () => {
      await api.close();
      await http.close();
      await database.close();
    },
  };
}
