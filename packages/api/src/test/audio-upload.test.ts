// addAudioFile: multipart upload by an editor, validated by decoding through @gencaster/audio
// (real ffmpeg); a non-audio file is InvalidAudioFile and leaves no row.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachEngine } from '@gencaster/db/testing';
import { createAudioImporter } from '@gencaster/transfer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEditor, startTestServer, type TestServer } from '../testing/test-server.ts';

const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn('[api] skipping upload test: ffmpeg is not installed');
    return false;
  }
})();

async function upload(
  url: string,
  headers: Record<string, string>,
  bytes: Uint8Array,
  fileName: string,
) {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({
      query: `mutation($f: AddAudioFile!) { addAudioFile(newAudioFile: $f) { __typename ... on AudioFile { uuid name file { name url size } } ... on InvalidAudioFile { error } } }`,
      variables: { f: { file: null, name: 'Intro', description: 'd', fileName } },
    }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.f.file'] }));
  form.append('0', new Blob([new Uint8Array(bytes)]), fileName);
  const response = await fetch(url, {
    method: 'POST',
    body: form,
    headers: { ...headers, 'x-graphql-yoga-csrf': '1' },
  });
  return (await response.json()) as {
    data?: { addAudioFile: Record<string, unknown> };
    errors?: unknown[];
  };
}

describeEachEngine('addAudioFile', (getDb) => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gencaster-api-media-'));
    server = await startTestServer({
      database: getDb(),
      services: { audio: createAudioImporter({ mediaRoot: dir }) },
      options: { mediaRoot: dir, maxUploadBytes: 5 * 1024 * 1024 },
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasFfmpeg)(
    'stores a decoded WAV under a generated name; rejects non-audio',
    async () => {
      const editor = await createEditor(getDb());
      const wavPath = join(dir, 'tone.wav');
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:duration=0.5',
        wavPath,
      ]);
      const ok = await upload(
        server.url,
        editor.bearer,
        readFileSync(wavPath),
        '../../etc/evil name.wav',
      );
      const file = ok.data?.addAudioFile as {
        __typename: string;
        uuid: string;
        file: { name: string; size: number };
      };
      expect(file.__typename).toBe('AudioFile');
      expect(file.file.name).toBe(`audio_files/${file.uuid}.wav`);
      expect(file.file.size).toBeGreaterThan(1000);
      expect(existsSync(join(dir, file.file.name))).toBe(true);
      const bad = await upload(
        server.url,
        editor.bearer,
        new TextEncoder().encode('not audio at all'),
        'x.wav',
      );
      expect(bad.data?.addAudioFile.__typename).toBe('InvalidAudioFile');
      const rows = await getDb().db.selectFrom('audioFile').select('uuid').execute();
      expect(rows.map((row) => row.uuid)).toEqual([file.uuid]);
    },
  );
});
