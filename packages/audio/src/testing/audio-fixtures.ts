import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Names of the given programs that are not installed (empty when all are present). */
export function missingCommands(...commands: string[]): string[] {
  return commands.filter((command) => {
    const { error } = spawnSync(command, ['--version'], { stdio: 'ignore' });
    return error !== undefined && 'code' in error && error.code === 'ENOENT';
  });
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
}

/** Description of a generated test tone. */
export interface ToneOptions {
  dir: string;
  name: string;
  seconds: number;
  rate: number;
  channels: number;
}

/** A sine tone written by sox; the format follows the extension of `name` (wav, flac …). */
export function soxTone(options: ToneOptions): string {
  const path = join(options.dir, options.name);
  run('sox', [
    '-n',
    '-r',
    String(options.rate),
    '-c',
    String(options.channels),
    '-b',
    '16',
    path,
    'synth',
    String(options.seconds),
    'sine',
    '440',
    'vol',
    '0.5',
  ]);
  return path;
}

/** A sine tone encoded by ffmpeg with the given codec (e.g. `libmp3lame`, `libopus`) into `name`. */
export function ffmpegTone(options: ToneOptions & { codec: string }): string {
  const path = join(options.dir, options.name);
  const source = `sine=frequency=440:sample_rate=${options.rate}:duration=${options.seconds}`;
  run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    source,
    '-ac',
    String(options.channels),
    '-c:a',
    options.codec,
    path,
  ]);
  return path;
}

/** A tiny valid PNG written by ffmpeg. */
export function pngImage(dir: string, name: string): string {
  const path = join(dir, name);
  run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'color=red:s=8x8',
    '-frames:v',
    '1',
    '-f',
    'image2',
    '-c:v',
    'png',
    path,
  ]);
  return path;
}

/** Writes the first half of `bytes` (rounded down to an even count) to `path`. */
export async function writeFirstHalf(bytes: Buffer, path: string): Promise<string> {
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 4) * 2));
  return path;
}
