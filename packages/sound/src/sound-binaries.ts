import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The programs the fleet runs and the Debian package providing each. */
export const SOUND_BINARIES: Readonly<Record<string, string>> = {
  jackd: 'jackd2',
  jack_lsp: 'jackd2',
  jack_connect: 'jackd2',
  sclang: 'supercollider-language',
  scsynth: 'supercollider-server',
  'gst-launch-1.0': 'gstreamer1.0-tools',
  janus: 'janus',
  stdbuf: 'coreutils',
};

/** Absolute path of `command` on PATH, or null. */
export function whichBinary(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return null;
}

/**
 * Which of the fleet's programs are missing, with the apt packages to install
 * (`apt-get install -y --no-install-recommends <packages>`); empty when all are present.
 */
export function missingSoundBinaries(): { binaries: string[]; packages: string[] } {
  const binaries = Object.keys(SOUND_BINARIES).filter((command) => whichBinary(command) === null);
  const packages = [...new Set(binaries.map((command) => SOUND_BINARIES[command] ?? command))];
  return { binaries, packages };
}
