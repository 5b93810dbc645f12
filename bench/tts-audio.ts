// Benchmark of the speech cache and the audio import, each next to a baseline run in the same process:
// cache hit and cache miss vs direct espeak-ng synthesis; importAudioFile vs a plain ffmpeg conversion.
// Run alone with `npx tsx bench/tts-audio.ts`, or through `npm run bench`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importAudioFile } from '@gencaster/audio';
import { createCachedTts, createEspeakProvider, createMemoryTtsCacheStore } from '@gencaster/tts';

interface Row {
  case: string;
  ms: number;
  baselineMs: number;
  ratio: number;
  note?: string;
}

const rounds = 9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timeMs(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

function row(name: string, ms: number, baselineMs: number, note?: string): Row {
  return { case: name, ms, baselineMs, ratio: ms / baselineMs, ...(note ? { note } : {}) };
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} failed: ${stderr}`)),
    );
  });
}

/** Runs the benchmark and returns one row per case (medians of {@link rounds} runs). */
export default async function benchTtsAudio(): Promise<{ name: string; results: Row[] }> {
  const missing = ['espeak-ng', 'ffmpeg', 'ffprobe', 'sox'].filter(
    (command) => spawnSync(command, ['--version']).error,
  );
  if (missing.length)
    throw new Error(
      `cannot run: missing ${missing.join(', ')} (Debian packages espeak-ng, ffmpeg, sox)`,
    );
  const dir = await mkdtemp(join(tmpdir(), 'gencaster-bench-tts-'));
  try {
    const storageDir = join(dir, 'audio_files');
    const results: Row[] = [];
    const espeak = createEspeakProvider();
    const tts = createCachedTts({
      provider: espeak,
      store: createMemoryTtsCacheStore(),
      importAudio: ({ audio, originalName }) =>
        importAudioFile({ input: audio, originalName, storageDir, maxBytes: 2 ** 28 }),
    });
    const sentence = (index: number): string =>
      `<speak>Dies ist Satz Nummer ${index}. <break time="200ms"/> Willkommen bei Gencaster.</speak>`;

    const direct: number[] = [];
    const misses: number[] = [];
    const hits: number[] = [];
    for (let index = 0; index < rounds; index += 1) {
      direct.push(
        await timeMs(() => espeak.synthesize({ ssml: sentence(index), voice: 'de-DE-Neural2-C' })),
      );
      misses.push(
        await timeMs(() => tts.speak({ ssml: sentence(index), voice: 'de-DE-Neural2-C' })),
      );
      hits.push(await timeMs(() => tts.speak({ ssml: sentence(index), voice: 'de-DE-Neural2-C' })));
    }
    const directMs = median(direct);
    results.push(row('tts cache hit vs direct espeak-ng synthesis', median(hits), directMs));
    results.push(
      row(
        'tts cache miss (synthesis + import + save) vs direct synthesis',
        median(misses),
        directMs,
      ),
    );

    const inputs = [
      { name: 'flac-44k1-stereo-60s.flac', seconds: 60, rate: 44_100, channels: 2 },
      { name: 'wav-48k-mono-60s.wav', seconds: 60, rate: 48_000, channels: 1 },
    ];
    for (const input of inputs) {
      const source = join(dir, input.name);
      await run('sox', [
        '-n',
        '-r',
        String(input.rate),
        '-c',
        String(input.channels),
        '-b',
        '16',
        source,
        'synth',
        String(input.seconds),
        'pinknoise',
        'vol',
        '0.3',
      ]);
      const ours: number[] = [];
      const plain: number[] = [];
      for (let index = 0; index < Math.ceil(rounds / 2); index += 1) {
        const target = join(dir, `plain-${index}.wav`);
        plain.push(
          await timeMs(() =>
            run('ffmpeg', [
              '-v',
              'error',
              '-nostdin',
              '-y',
              '-i',
              source,
              '-ar',
              '48000',
              '-c:a',
              'pcm_f32le',
              target,
            ]),
          ),
        );
        await rm(target);
        ours.push(
          await timeMs(() =>
            importAudioFile({
              input: source,
              originalName: input.name,
              storageDir,
              maxBytes: 2 ** 30,
            }),
          ),
        );
      }
      const ms = median(ours);
      const throughput = input.seconds / (ms / 1000);
      results.push(
        row(
          `audio import ${input.name} vs plain ffmpeg conversion`,
          ms,
          median(plain),
          `${throughput.toFixed(0)}× real time`,
        ),
      );
    }
    return { name: 'TTS cache and audio import', results };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await benchTtsAudio();
  console.log(report.name);
  console.table(
    report.results.map((result) => ({
      ...result,
      ms: Number(result.ms.toFixed(2)),
      baselineMs: Number(result.baselineMs.toFixed(2)),
      ratio: Number(result.ratio.toFixed(3)),
    })),
  );
}
