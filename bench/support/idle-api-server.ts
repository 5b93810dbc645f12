// Child process of bench/idle-subscriptions.ts: the real API server (embedded PGlite, one graph,
// one live stream point) on a free 127.0.0.1 port. Tells its parent `{ port, graphUuid }` over
// IPC and answers `measure` with its memory after two forced garbage collections.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiServer } from '@gencaster/api';
import { createGraph, migrate, openDatabase } from '@gencaster/db';

const database = await openDatabase({ inMemory: true });
await migrate(database);
const graph = await createGraph(database, {
  name: 'idle listeners',
  streamAssignmentPolicy: 'one_graph_one_stream',
});
await database.db
  .insertInto('streamPoint')
  .values({ host: '10.7.7.7', port: 40_000, lastLive: new Date() })
  .execute();
const api = createApiServer({
  database,
  // every simulated listener comes from 127.0.0.1: no per-address session cap here
  options: {
    maxSubscriptionsPerSocket: 100,
    reconnectGraceMs: 0,
    maxListenerSessionsPerClient: 1_000_000,
  },
});
const server = createServer((req, res) => void api.handler(req, res));
api.attachWebSocket(server);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
// Keep the point live for the whole run.
setInterval(() => {
  void database.db.updateTable('streamPoint').set({ lastLive: new Date() }).execute();
}, 2000).unref();

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
process.on('message', (message) => {
  if (message !== 'measure') return;
  gc();
  setTimeout(() => {
    gc();
    const m = process.memoryUsage();
    process.send?.({ rss: m.rss, heapUsed: m.heapUsed, external: m.external });
  }, 300);
});
process.send?.({ port: (server.address() as AddressInfo).port, graphUuid: graph.uuid });
