import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  installSuperColliderExtension,
  superColliderExtensionDir,
  superColliderStartupFile,
} from './supercollider-extension.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gencaster-ext-'));
  dirs.push(dir);
  return dir;
}

it('ships the class folder and the startup file with its environment contract', () => {
  expect(existsSync(join(superColliderExtensionDir, 'GencasterServer.sc'))).toBe(true);
  const startup = readFileSync(superColliderStartupFile, 'utf8');
  for (const name of [
    'SC_NAME',
    'SC_SYNTH_PORT',
    'SC_JACK_SERVER',
    'JANUS_OUT_ROOM',
    'SUPERCOLLIDER_USE_INPUT',
    'BACKEND_OSC_PORT',
    'GENCASTER_OSC_SECRET',
  ]) {
    expect(startup).toContain(name);
  }
});

it('symlinks idempotently and replaces whatever else is at the target', async () => {
  const targetDir = join(temp(), 'Extensions', 'Gencaster');
  expect(await installSuperColliderExtension({ targetDir })).toEqual({ targetDir, changed: true });
  expect(await installSuperColliderExtension({ targetDir })).toEqual({ targetDir, changed: false });
  expect(lstatSync(targetDir).isSymbolicLink()).toBe(true);
  expect(existsSync(join(targetDir, 'GencasterServer.sc'))).toBe(true);

  rmSync(targetDir);
  mkdirSync(targetDir);
  writeFileSync(join(targetDir, 'Old.sc'), 'Old {}');
  expect((await installSuperColliderExtension({ targetDir })).changed).toBe(true);
  expect(existsSync(join(targetDir, 'Old.sc'))).toBe(false);
});

it('copies when asked to', async () => {
  const targetDir = join(temp(), 'Gencaster');
  await installSuperColliderExtension({ targetDir, mode: 'copy' });
  expect(lstatSync(targetDir).isDirectory()).toBe(true);
  expect(readFileSync(join(targetDir, 'GencasterHmac.sc'), 'utf8')).toBe(
    readFileSync(join(superColliderExtensionDir, 'GencasterHmac.sc'), 'utf8'),
  );
});
