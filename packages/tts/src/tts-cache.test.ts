import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importAudioFile, inspectAudio } from '@gencaster/audio';
import { isGencasterError } from '@gencaster/domain';
import { createEspeakProvider } from './espeak-provider.ts';
import { createCachedTts, type ImportSpeechAudio, type TtsCacheStore } from './tts-cache.ts';
import type { TtsProvider } from './tts-provider.ts';
import { createMemoryTtsCacheStore } from './testing/memory-tts-cache-store.ts';

const missing = ['espeak-ng', 'ffmpeg', 'ffprobe'].filter(
  (command) => spawnSync(command, ['--version']).error !== undefined,
);
if (missing.length) console.warn(`[tts] skipping cache tests: missing ${missing.join(', ')}`);

/** The real espeak-ng provider, wrapped to count syntheses. */
function countingEspeak(): { provider: TtsProvider; calls: () => number } {
  const real = createEspeakProvider();
  let calls = 0;
  return {
    calls: () => calls,
    provider: {
      name: real.name,
      voices: () => real.voices(),
      synthesize: (request) => {
        calls += 1;
        return real.synthesize(request);
      },
    },
  };
}

describe.skipIf(missing.length > 0)('createCachedTts (real espeak-ng, real audio import)', () => {
  let storageDir = '';
  let importAudio: ImportSpeechAudio;
  beforeEach(async () => {
    storageDir = await mkdtemp(join(tmpdir(), 'gencaster-tts-cache-'));
    importAudio = ({ audio, originalName }) =>
      importAudioFile({ input: audio, originalName, storageDir, maxBytes: 50 * 2 ** 20 });
  });
  afterEach(async () => {
    await rm(storageDir, { recursive: true, force: true });
  });

  it('a miss synthesises and stores a 48 kHz file; a hit returns it without calling the provider', async () => {
    const espeak = countingEspeak();
    const store = createMemoryTtsCacheStore();
    const tts = createCachedTts({ provider: espeak.provider, store, importAudio });
    const request = { ssml: '<speak>Willkommen bei Gencaster</speak>', voice: 'de-DE-Neural2-C' };

    const first = await tts.speak(request);
    expect(first.cached).toBe(false);
    expect(espeak.calls()).toBe(1);
    const stored = await inspectAudio(first.audio.path);
    expect(stored.sampleRate).toBe(48_000);
    expect(stored.channels).toBe(1);
    expect(first.audio.durationSeconds).toBeGreaterThan(0.5);
    expect(first.audioFileUuid).toBeDefined();

    const second = await tts.speak(request);
    expect(second.cached).toBe(true);
    expect(espeak.calls()).toBe(1);
    expect(second.audio.path).toBe(first.audio.path);
    expect(store.entries).toHaveLength(1);
    expect(await readdir(storageDir)).toEqual([first.audio.storedName]);
  });

  it('keys by (text, voice) and forceNew bypasses the cache', async () => {
    const espeak = countingEspeak();
    const store = createMemoryTtsCacheStore();
    const tts = createCachedTts({ provider: espeak.provider, store, importAudio });
    const ssml = '<speak>Hallo</speak>';
    const female = await tts.speak({ ssml, voice: 'de-DE-Neural2-C' });
    const male = await tts.speak({ ssml, voice: 'de-DE-Neural2-B' });
    const other = await tts.speak({ ssml: '<speak>Hallo!</speak>', voice: 'de-DE-Neural2-C' });
    expect(new Set([female.audio.path, male.audio.path, other.audio.path]).size).toBe(3);
    expect(espeak.calls()).toBe(3);
    const fresh = await tts.speak({ ssml, voice: 'de-DE-Neural2-C', forceNew: true });
    expect(fresh.cached).toBe(false);
    expect(espeak.calls()).toBe(4);
    expect(fresh.audio.path).not.toBe(female.audio.path);
  });

  it('keys by provider too: switching providers never serves the other one its audio', async () => {
    const espeak = countingEspeak();
    // a second engine under another name (real espeak-ng audio, slower, so the files differ)
    const other = countingEspeak();
    const otherProvider: TtsProvider = {
      ...other.provider,
      name: 'google',
      synthesize: (request) =>
        other.provider.synthesize({
          ...request,
          ssml: request.ssml
            .replace('<speak>', '<speak><prosody rate="slow">')
            .replace('</speak>', '</prosody></speak>'),
        }),
    };
    const store = createMemoryTtsCacheStore();
    const request = { ssml: '<speak>Guten Morgen</speak>', voice: 'de-DE-Neural2-C' };
    const first = await createCachedTts({ provider: espeak.provider, store, importAudio }).speak(
      request,
    );
    const switched = createCachedTts({ provider: otherProvider, store, importAudio });
    const second = await switched.speak(request);
    expect(second.cached).toBe(false);
    expect(other.calls()).toBe(1);
    expect(second.provider).toBe('google');
    expect(second.audio.path).not.toBe(first.audio.path);
    expect(second.audio.durationSeconds).toBeGreaterThan(first.audio.durationSeconds);
    expect(store.entries.map((entry) => entry.provider)).toEqual(['espeak-ng', 'google']);
    // each provider gets its own entry back
    expect((await switched.speak(request)).audio.path).toBe(second.audio.path);
    const back = await createCachedTts({ provider: espeak.provider, store, importAudio }).speak(
      request,
    );
    expect(back).toMatchObject({ cached: true, provider: 'espeak-ng' });
    expect(back.audio.path).toBe(first.audio.path);
    expect(espeak.calls() + other.calls()).toBe(2);
  });

  it('20 concurrent identical requests synthesise once and all get the same file', async () => {
    const espeak = countingEspeak();
    const store = createMemoryTtsCacheStore();
    const tts = createCachedTts({ provider: espeak.provider, store, importAudio });
    const request = { ssml: '<speak>Alle <break time="200ms"/> gleichzeitig</speak>', voice: 'de' };
    const results = await Promise.all(Array.from({ length: 20 }, () => tts.speak(request)));
    expect(espeak.calls()).toBe(1);
    expect(store.calls.save).toBe(1);
    expect(new Set(results.map((result) => result.audio.path)).size).toBe(1);
    expect(results.filter((result) => !result.cached)).toHaveLength(1);
    expect(await readdir(storageDir)).toHaveLength(1);
  });

  it('treats an entry whose file disappeared as a miss', async () => {
    const espeak = countingEspeak();
    const tts = createCachedTts({
      provider: espeak.provider,
      store: createMemoryTtsCacheStore(),
      importAudio,
    });
    const request = { ssml: '<speak>Weg damit</speak>', voice: 'de' };
    const first = await tts.speak(request);
    await rm(first.audio.path);
    const second = await tts.speak(request);
    expect(second.cached).toBe(false);
    expect(espeak.calls()).toBe(2);
  });

  it('validates SSML before asking the store, and removes the file when saving fails', async () => {
    const espeak = countingEspeak();
    const store = createMemoryTtsCacheStore();
    const tts = createCachedTts({ provider: espeak.provider, store, importAudio });
    const bad = await tts
      .speak({ ssml: '<speak>Tom & Jerry</speak>', voice: 'de' })
      .catch((error: unknown) => error);
    expect(isGencasterError(bad, 'INVALID_INPUT')).toBe(true);
    expect(store.calls.find).toBe(0);
    expect(espeak.calls()).toBe(0);

    const broken: TtsCacheStore = {
      find: () => Promise.resolve(null),
      save: () => Promise.reject(new Error('database is down')),
    };
    const failing = createCachedTts({ provider: espeak.provider, store: broken, importAudio });
    await expect(failing.speak({ ssml: '<speak>Hallo</speak>', voice: 'de' })).rejects.toThrow(
      'database is down',
    );
    expect(await readdir(storageDir)).toEqual([]);
  });
});
