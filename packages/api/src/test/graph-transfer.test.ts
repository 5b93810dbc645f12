// Graph duplicate/delete/export/import through the real GraphQL server on both engines, with the
// real audio importer (ffmpeg); the original Gencaster dump fixture converts with its report.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachEngine } from '@gencaster/db/testing';
import { createAudioImporter, importDjangoDump } from '@gencaster/transfer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEditor, gql, startTestServer, type TestServer } from '../testing/test-server.ts';
import {
  buildTransferSample,
  hasFfmpeg,
  normalisedGraph,
  uploadGraphFile,
  writeTone,
} from './transfer-test-kit.ts';

const dumpPath = join(import.meta.dirname, 'fixtures', 'original-gencaster-dump.json');
const windUuid = '5a1f0000-0000-4000-8000-00000000a001';

describeEachEngine('graph transfer', (getDb) => {
  let server: TestServer;
  let media: string;
  let auth: Record<string, string>;
  const countRows = async () =>
    Promise.all(
      (['graph', 'node', 'audioFile', 'scriptCell'] as const).map(async (table) =>
        Number(
          (
            await getDb()
              .db.selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      ),
    );
  const storedFiles = () => readdirSync(join(media, 'audio_files')).sort();

  beforeAll(async () => {
    media = mkdtempSync(join(tmpdir(), 'gencaster-transfer-'));
    server = await startTestServer({
      database: getDb(),
      services: { audio: createAudioImporter({ mediaRoot: media }) },
      options: { mediaRoot: media, maxUploadBytes: 5 * 1024 * 1024 },
    });
    auth = (await createEditor(getDb())).bearer;
  });
  afterAll(async () => {
    await server?.close();
    if (media) rmSync(media, { recursive: true, force: true });
  });

  it.skipIf(!hasFfmpeg)('duplicates and deletes through GraphQL (editors only)', async () => {
    const name = `Dup API ${Math.random().toString(36).slice(2, 8)}`;
    const { graph } = await buildTransferSample(getDb(), media, name);
    const anonymous = await gql(server.url, `mutation($g: UUID!) { deleteGraph(graphUuid: $g) }`, {
      g: graph.uuid,
    });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const dup = await gql<{ duplicateGraph: { uuid: string; name: string; displayName: string } }>(
      server.url,
      `mutation($g: UUID!) { duplicateGraph(graphUuid: $g) { uuid name slugName displayName } }`,
      { g: graph.uuid },
      auth,
    );
    expect(dup.data?.duplicateGraph).toMatchObject({
      name: `${name} (copy)`,
      slugName: `${graph.slugName}-copy`,
    });
    const copyUuid = String(dup.data?.duplicateGraph.uuid);
    const { meta: copyMeta, ...copy } = await normalisedGraph(getDb(), copyUuid);
    const { meta: sourceMeta, ...source } = await normalisedGraph(getDb(), graph.uuid);
    expect(copy).toEqual(source);
    expect(copyMeta).toEqual(sourceMeta);
    expect(dup.data?.duplicateGraph.displayName).toBe(`${name} (copy)`);
    const del = await gql(
      server.url,
      `mutation($g: UUID!) { deleteGraph(graphUuid: $g) }`,
      { g: copyUuid },
      auth,
    );
    expect(del.data?.deleteGraph).toBe(true);
    const again = await gql(
      server.url,
      `mutation($g: UUID!) { deleteGraph(graphUuid: $g) }`,
      { g: copyUuid },
      auth,
    );
    expect(again.data?.deleteGraph).toBe(false);
  });

  it.skipIf(!hasFfmpeg)('export → import reproduces the graph with its audio file', async () => {
    await getDb().db.deleteFrom('graph').where('name', 'like', 'Round trip%').execute();
    const { graph, audio } = await buildTransferSample(getDb(), media, 'Round trip');
    const exported = await gql<{ exportGraph: { fileName: string; content: string } }>(
      server.url,
      `query($g: UUID!) { exportGraph(graphUuid: $g) { fileName content } }`,
      { g: graph.uuid },
      auth,
    );
    expect(exported.data?.exportGraph.fileName).toBe('round-trip.gencaster.json');
    const content = String(exported.data?.exportGraph.content);
    const archive = JSON.parse(content) as {
      format: string;
      version: number;
      audioFiles: unknown[];
    };
    expect(archive).toMatchObject({ format: 'gencaster-graph', version: 2 });
    expect(archive.audioFiles).toHaveLength(1);

    const result = await uploadGraphFile(server.url, auth, content);
    expect(result.errors).toBeUndefined();
    const report = result.data?.importGraph;
    expect(report).toMatchObject({
      format: 'gencaster-graph',
      audioFilesImported: 1,
      audioFilesMissing: 0,
      graphs: [
        {
          name: 'Round trip (imported)',
          originalName: 'Round trip',
          nodes: 3,
          doors: 7,
          cells: 5,
          edges: 2,
        },
      ],
    });
    const imported = report?.graphs[0]?.uuid ?? '';
    expect(await normalisedGraph(getDb(), imported)).toEqual(
      await normalisedGraph(getDb(), graph.uuid),
    );
    const newAudio = await getDb()
      .db.selectFrom('audioFile as f')
      .innerJoin('audioCell as a', 'a.audioFileUuid', 'f.uuid')
      .innerJoin('scriptCell as c', 'c.audioCellUuid', 'a.uuid')
      .innerJoin('node as n', 'n.uuid', 'c.nodeUuid')
      .select(['f.uuid', 'f.file'])
      .where('n.graphUuid', '=', imported)
      .executeTakeFirstOrThrow();
    expect(newAudio.uuid).not.toBe(audio.uuid);
    expect((await readFile(join(media, newAudio.file ?? ''))).subarray(0, 4).toString()).toBe(
      'RIFF',
    );
  });

  it.skipIf(!hasFfmpeg)(
    'rejects corrupted and unknown-version archives and leaves nothing behind',
    async () => {
      await getDb().db.deleteFrom('graph').where('name', 'like', 'Broken source%').execute();
      const { graph } = await buildTransferSample(getDb(), media, 'Broken source');
      const exported = await gql<{ exportGraph: { fileName: string; content: string } }>(
        server.url,
        `query($g: UUID!) { exportGraph(graphUuid: $g) { content } }`,
        { g: graph.uuid },
        auth,
      );
      const archive = JSON.parse(String(exported.data?.exportGraph.content)) as {
        version: number;
        audioFiles: { id: string; data: string; sha256: string; name: string }[];
        edges: { from: string; to: string }[];
      };
      const notAudio = Buffer.from('this is not audio at all '.repeat(40));
      const { createHash } = await import('node:crypto');
      const good = archive.audioFiles[0];
      if (!good) throw new Error('sample has no audio');
      const broken = {
        ...archive,
        audioFiles: [
          good,
          {
            ...good,
            id: 'second',
            name: 'Noise',
            data: notAudio.toString('base64'),
            sha256: createHash('sha256').update(notAudio).digest('hex'),
          },
        ],
      };
      const before = { rows: await countRows(), files: storedFiles() };
      const cases: [string, string][] = [
        ['version 99', JSON.stringify({ ...archive, version: 99 })],
        ['truncated', JSON.stringify(archive).slice(0, 500)],
        [
          'checksum',
          JSON.stringify({ ...archive, audioFiles: [{ ...good, sha256: '0'.repeat(64) }] }),
        ],
        [
          'bad edge',
          JSON.stringify({
            ...archive,
            edges: [{ from: archive.edges[0]?.to, to: archive.edges[0]?.from }],
          }),
        ],
        ['audio that does not decode', JSON.stringify(broken)],
      ];
      for (const [label, content] of cases) {
        const result = await uploadGraphFile(server.url, auth, content);
        expect(result.errors?.[0]?.extensions?.code, label).toBe('INVALID_INPUT');
        if (label === 'version 99')
          expect(result.errors?.[0]?.message).toMatch(/unsupported graph archive version 99/);
      }
      expect({ rows: await countRows(), files: storedFiles() }).toEqual(before);
    },
  );

  it.skipIf(!hasFfmpeg)(
    'imports the original Gencaster dump with a conversion report',
    async () => {
      const originalMedia = mkdtempSync(join(tmpdir(), 'gencaster-original-media-'));
      try {
        const { mkdir } = await import('node:fs/promises');
        await mkdir(join(originalMedia, 'audio_files'));
        await writeTone(join(originalMedia, 'audio_files', windUuid), 330);
        const env = {
          database: getDb(),
          mediaRoot: media,
          importAudio: (input: { data: Uint8Array; fileName: string; maxBytes: number }) =>
            createAudioImporter({ mediaRoot: media }).importAudioFile(input),
          maxAudioBytes: 5_000_000,
        };
        // A retried attempt starts from the same names.
        await getDb()
          .db.deleteFrom('graph')
          .where((eb) =>
            eb.or([eb('name', 'like', 'Waldspaziergang%'), eb('name', 'like', 'Hörspiel Test%')]),
          )
          .execute();
        const dump: unknown = JSON.parse(await readFile(dumpPath, 'utf8'));
        const report = await importDjangoDump(env, dump, { mediaDir: originalMedia });
        expect(report.graphs.map(({ uuid: _u, ...g }) => g)).toEqual([
          {
            name: 'Waldspaziergang',
            slugName: 'waldspaziergang',
            originalName: 'Waldspaziergang',
            nodes: 4,
            doors: 9,
            cells: 7,
            edges: 4,
            places: 0,
          },
          {
            name: 'Hörspiel Test',
            slugName: 'horspiel-test',
            originalName: 'Hörspiel Test',
            nodes: 3,
            doors: 8,
            cells: 4,
            edges: 4,
            places: 0,
          },
        ]);
        expect(report.audioFiles).toEqual({ imported: 1, missing: 1 });
        expect(report.warnings).toEqual([
          expect.stringMatching(/"Wellen".*missing: imported without sound/),
        ]);
        const skipped = Object.fromEntries(
          report.skipped.map((s) => [`${s.what}: ${s.reason}`, s.count]),
        );
        expect(skipped).toMatchObject({
          'auth.user: Django accounts and internals; create accounts with `gencaster user add`': 1,
          'story_graph.edge: legacy edge without a door': 1,
          'story_graph.edge: does not lead from an output door to an input door': 1,
          'story_graph.scriptcell: audio cell without its audiocell entry': 1,
          'stream.audiofile: not used by any imported cell (speech cache or unused upload)': 1,
          'stream.texttospeech: speech cache; speech is synthesised again when needed': 1,
        });
        expect(report.skipped.reduce((n, s) => n + s.count, 0)).toBe(10);
        const wald = report.graphs[0]?.uuid ?? '';
        const detail = await normalisedGraph(getDb(), wald);
        expect(detail.meta).toMatchObject({
          streamAssignmentPolicy: 'one_user_one_stream',
          aboutText: 'Ein Stück für **eine** Person.',
        });
        const row = await getDb()
          .db.selectFrom('graph')
          .select('displayName')
          .where('uuid', '=', wald)
          .executeTakeFirstOrThrow();
        expect(row.displayName).toBe('Ein Spaziergang im Wald');
        expect(detail.nodes[0]).toMatchObject({ name: 'Start', isEntryNode: true });
        expect(detail.nodes[0]?.doors.map((d) => [d.name, d.code])).toEqual([
          ['will zum See', "vars.get('ziel') == 'see'"],
          ['default', ''],
          ['default', ''],
        ]);
        expect(detail.nodes[3]).toMatchObject({ name: 'Ende', isBlockingNode: true });

        // The same dump again through GraphQL (no media folder): new names, both audio files missing.
        const second = await uploadGraphFile(
          server.url,
          auth,
          await readFile(dumpPath, 'utf8'),
          'dump.json',
        );
        expect(second.data?.importGraph).toMatchObject({
          format: 'django-dumpdata',
          audioFilesImported: 0,
          audioFilesMissing: 2,
          graphs: [{ name: 'Waldspaziergang (imported)' }, { name: 'Hörspiel Test (imported)' }],
        });
      } finally {
        rmSync(originalMedia, { recursive: true, force: true });
      }
    },
  );
});
