// `gencaster graph import|list|export` as a real child process on a temp data dir (embedded
// PGlite): the original dump fixture in, one graph out as an archive, and that archive back in.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../../../..');
const tsx = join(repoRoot, 'node_modules/.bin/tsx');
const cli = join(repoRoot, 'apps/backend/src/cli.ts');
const dump = join(repoRoot, 'packages/api/src/test/fixtures/original-gencaster-dump.json');

const hasFfmpeg = await run('ffmpeg', ['-version']).then(
  () => true,
  () => {
    console.warn('[backend] skipping graph CLI test: ffmpeg is not installed');
    return false;
  },
);

// The embedded database under the temp data dir, whatever the calling shell configured.
const { DATABASE_URL: _db, REDIS_URL: _redis, ...childEnv } = process.env;

describe('gencaster graph commands', () => {
  let dir: string;
  let dataDir: string;
  const gencaster = async (...args: string[]) => {
    const { stdout } = await run(tsx, [cli, ...args], {
      cwd: dir,
      env: { ...childEnv, GENCASTER_DATA_DIR: dataDir, LOG_LEVEL: 'error' },
      timeout: 150_000,
    });
    return stdout;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gencaster-graph-cli-'));
    if (!hasFfmpeg) return;
    mkdirSync(join(dir, 'original-media', 'audio_files'), { recursive: true });
    await run('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=330:duration=0.3',
      '-f',
      'wav',
      join(dir, 'original-media', 'audio_files', '5a1f0000-0000-4000-8000-00000000a001'),
    ]);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!hasFfmpeg)(
    'imports the original dump, exports a graph and imports it again',
    async () => {
      dataDir = mkdtempSync(join(dir, 'data-')); // fresh on a retry too
      const imported = await gencaster(
        'graph',
        'import',
        dump,
        '--media-dir',
        join(dir, 'original-media'),
      );
      expect(imported).toContain('format: django-dumpdata');
      expect(imported).toContain(
        'imported "Waldspaziergang" as /waldspaziergang: 4 nodes, 9 doors, 7 cells, 4 edges',
      );
      expect(imported).toContain('audio files: 1 imported, 1 without sound');
      expect(imported).toMatch(/skipped 1 × story_graph\.edge: legacy edge without a door/);

      const archive = join(dir, 'wald.gencaster.json');
      const exported = await gencaster('graph', 'export', 'waldspaziergang', '-o', archive);
      expect(exported).toContain(`to ${archive}`);
      const json = JSON.parse(readFileSync(archive, 'utf8')) as {
        format: string;
        version: number;
        audioFiles: { name: string; data: string | null }[];
      };
      expect(json).toMatchObject({ format: 'gencaster-graph', version: 2 });
      expect(json.audioFiles.map((f) => [f.name, f.data === null])).toEqual([
        ['Wellen', true],
        ['Wind in den Bäumen', false],
      ]);

      const again = await gencaster('graph', 'import', archive);
      expect(again).toContain(
        'imported "Waldspaziergang (imported)" (was "Waldspaziergang") as /waldspaziergang-imported: 4 nodes, 9 doors, 7 cells, 4 edges',
      );
      expect(again).toContain('audio files: 1 imported, 1 without sound');
      await expect(gencaster('graph', 'export', 'nope')).rejects.toMatchObject({
        stderr: expect.stringContaining('no graph with slug "nope"') as unknown,
      });
    },
    240_000,
  );
});
