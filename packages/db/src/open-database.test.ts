import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachEngine } from '@gencaster/db/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { mapDatabaseError } from './database-errors.ts';
import { migrate } from './migrate.ts';
import { openDatabase } from './open-database.ts';
import { createGraph, listGraphs } from './repositories/graphs.ts';
import { withTransaction } from './transaction.ts';

describe('openDatabase on a PGlite data dir', () => {
  it('migrates once, keeps data across reopen and migrates idempotently', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gencaster-db-test-'));
    try {
      const first = await openDatabase({ dataDir: join(dir, 'db') });
      try {
        expect(first.engine).toBe('pglite');
        expect((await migrate(first)).applied).toEqual([
          '0001-initial',
          '0002-instruction-transitions',
          '0003-engine-leases',
          '0004-stream-point-janus-url',
          '0005-walk-cells-done',
          '0006-listener-presence',
          '0007-stream-point-boot-id',
          '0008-tts-provider',
          '0009-claim-stream-function',
          '0010-graph-latency-profile',
          '0011-places',
        ]);
        expect((await migrate(first)).applied).toEqual([]);
        await createGraph(first, { name: 'persisted' });
      } finally {
        await first.close();
      }
      await using second = await openDatabase({ dataDir: join(dir, 'db') });
      expect((await migrate(second)).applied).toEqual([]);
      expect((await listGraphs(second)).map((g) => g.name)).toEqual(['persisted']);
      // Small buffers for an embedded database (PGlite's 128MB default sits in its WASM heap).
      const buffers = await sql<{ sharedBuffers: string }>`show shared_buffers`.execute(second.db);
      expect(buffers.rows[0]?.sharedBuffers).toBe('16MB');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describeEachEngine('transactions and errors', (getDb, engine) => {
  it('rolls back every row of a failed transaction', async () => {
    await expect(
      withTransaction(getDb(), async (tx) => {
        await createGraph(tx, { name: 'rolled back' });
        await createGraph(tx, { name: 'rolled back' });
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await listGraphs(getDb(), { name: 'rolled back' })).toEqual([]);
  });

  it('runs concurrent transactions without interleaving their writes', async () => {
    await sql`create table if not exists tx_probe (n integer not null)`.execute(getDb().db);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        withTransaction(getDb(), async ({ db }) => {
          const before = await sql<{ c: number }>`select count(*)::int as c from tx_probe`.execute(
            db,
          );
          await sql`insert into tx_probe (n) values (${i})`.execute(db);
          if (i % 2 === 0) throw new Error(`rollback ${i} after seeing ${before.rows[0]?.c}`);
        }).catch(() => undefined),
      ),
    );
    const rows = await sql<{ n: number }>`select n from tx_probe order by n`.execute(getDb().db);
    expect(rows.rows.map((r) => r.n)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
  });

  it('maps SQLSTATEs to closed error codes', async () => {
    const attempt = async (text: string) => {
      try {
        await sql.raw(text).execute(getDb().db);
      } catch (error) {
        return mapDatabaseError(error);
      }
      throw new Error(`no error from ${text}`);
    };
    expect((await attempt(`select 'x'::uuid`)).code).toBe('INVALID_INPUT');
    expect((await attempt(`insert into node (graph_uuid) values (gen_random_uuid())`)).code).toBe(
      'NOT_FOUND',
    );
    const check = await attempt(`insert into stream_log (message, level) values ('m', 7)`);
    expect(check).toMatchObject({ code: 'CONFLICT', details: { sqlState: '23514' } });
    expect((await attempt(`select * from no_such_table`)).code).toBe('INTERNAL');
    expect(engine === 'pglite' || engine === 'postgres').toBe(true);
  });
});
