import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { GencasterError } from '@gencaster/domain';

/** File name of the generated OSC secret inside the data dir. */
export const OSC_SECRET_FILE = 'osc-secret';

/**
 * The OSC secret of a data dir: read from `<dir>/osc-secret`, or generated (32 random bytes, hex)
 * and stored there with mode 0600 on first use, so a local fleet signs without any setup. The
 * backend and the launcher of one data dir (`npm start` runs both) get the same value; sound hosts
 * on other machines need GENCASTER_OSC_SECRET set to it. A file readable by others is narrowed to
 * 0600; one that is too short to be a secret is INVALID_INPUT.
 */
export function loadOrCreateOscSecret(dir: string): string {
  const file = join(dir, OSC_SECRET_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === undefined) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fresh = randomBytes(32).toString('hex');
    // written aside, then linked into place: nobody ever reads a half-written secret
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, `${fresh}\n`, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(draft, file);
      return fresh;
    } catch (error) {
      // another process of this data dir created it first: use theirs
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      text = readFileSync(file, 'utf8').trim();
    } finally {
      unlinkSync(draft);
    }
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  if (text.length < 16)
    throw new GencasterError(
      'INVALID_INPUT',
      `${file} holds no usable OSC secret (under 16 characters): delete it to have a new one generated`,
    );
  return text;
}
