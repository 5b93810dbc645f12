import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { missingSoundBinaries } from '@gencaster/sound';
import { chromiumPath } from './listener-browser.ts';
import { listenerDist } from './listener-site.ts';

/**
 * Why the full-stack listener tests cannot run here (missing Chromium, sound binaries or the built
 * app), or undefined when they can. Tests skip with this reason printed, never silently.
 */
export function fullStackUnavailableReason(): string | undefined {
  if (!existsSync(chromiumPath)) return `${chromiumPath} is missing (apt-get install chromium)`;
  const missing = missingSoundBinaries();
  if (missing.binaries.length > 0) return `sound binaries missing: ${missing.binaries.join(', ')}`;
  return undefined;
}

/** Prints the skip reason once per file. */
export function warnSkip(file: string, reason: string | undefined): boolean {
  if (reason) console.warn(`[listener e2e] ${file} skipped: ${reason}`);
  return reason !== undefined;
}

/** Builds the listener app when `dist/index.html` is missing (the bootstrap normally did it). */
export function ensureListenerBuilt(): void {
  if (existsSync(join(listenerDist, 'index.html'))) return;
  execFileSync('npm', ['run', 'build', '-w', '@gencaster/listener'], { stdio: 'inherit' });
}
