// Helpers of the API's access and listener tests: collecting a subscription's first results, the
// listener's streamInfo query, and a scan of the tracked sources for committed secrets.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from 'graphql-ws';

/** Collects the first `count` results (or the error) of a subscription. */
export async function firstResults(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  count = 1,
) {
  const results: {
    data?: unknown;
    errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
  }[] = [];
  const iterator = client.iterate({ query, variables });
  try {
    for await (const result of iterator) {
      results.push(result);
      if (results.length >= count) break;
    }
  } catch (error) {
    results.push({ errors: (Array.isArray(error) ? error : [error]) as { message: string }[] });
  } finally {
    await iterator.return?.();
  }
  return results;
}

/** The listener's streamInfo subscription with the fields the listener-count tests read. */
export const streamInfoQuery = `subscription($g: UUID!, $token: String) {
  streamInfo(graphUuid: $g, listenerToken: $token) {
    __typename
    ... on StreamInfo { listenerToken stream { uuid numListeners streamPoint { uuid } } }
    ... on NoStreamAvailable { error }
  }
}`;

/** The repository root (this file lives in packages/api/src/test). */
const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Tracked source files (tests, test kits, generated files and the lock file excluded). */
export function trackedSources(extensions: RegExp): { file: string; code: string }[] {
  const listed = spawnSync('git', ['ls-files', '-z'], { cwd: repositoryRoot, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return listed.stdout
    .split('\0')
    .filter((file) => extensions.test(file))
    .filter(
      (file) => !/(\.test\.ts|\/test\/|\/testing\/|\/generated\/|package-lock\.json)/.test(file),
    )
    .flatMap((file) => {
      try {
        return [{ file, code: readFileSync(join(repositoryRoot, file), 'utf8') }];
      } catch {
        return []; // deleted in the working tree
      }
    });
}

/**
 * Tracked source files whose code matches one of the original's committed-secret patterns, as
 * "path: pattern" lines. Comment lines (usage examples) are skipped.
 */
export function committedSecrets(patterns: RegExp[]): string[] {
  const hits: string[] = [];
  for (const { file, code } of trackedSources(
    /\.(ts|vue|js|mjs|scd|sc|json|ya?ml|conf|env|sh|toml)$/,
  )) {
    const text = code
      .split('\n')
      .filter((line) => !/^\s*(\/\/|#|\*|\/\*)/.test(line))
      .join('\n');
    for (const pattern of patterns) if (pattern.test(text)) hits.push(`${file}: ${pattern}`);
  }
  return hits;
}
