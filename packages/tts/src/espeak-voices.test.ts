import { describe, expect, it } from 'vitest';
import { isGencasterError } from '@gencaster/domain';
import { listEspeakVoices, originalGoogleVoices, resolveEspeakVoice } from './espeak-voices.ts';

describe('resolveEspeakVoice', () => {
  it.each([
    ['de-DE-Neural2-C', 'de+f3'],
    ['de-DE-Neural2-B', 'de+m2'],
    ['de-DE-Standard-A', 'de+f1'],
    ['de-DE-Wavenet-F', 'de+f1'],
    ['de-DE-Polyglot-1', 'de+m1'],
    ['en-US-Wavenet-F', 'en-us+m6'],
    ['en-GB-Neural2-A', 'en-gb+m1'],
    ['fr-FR-Standard-B', 'fr-fr+m2'],
    ['de-AT-Standard-A', 'de+m1'],
    ['de', 'de'],
    ['en-us+f2', 'en-us+f2'],
  ])('%s → %s', (name, voice) => {
    expect(resolveEspeakVoice(name)).toBe(voice);
  });

  it.each(['xx-YY-Standard-A', 'klingon', 'de+f9', '', 'de; rm -rf /'])('rejects %j', (name) => {
    let caught: unknown;
    try {
      resolveEspeakVoice(name);
    } catch (error) {
      caught = error;
    }
    expect(isGencasterError(caught, 'INVALID_INPUT')).toBe(true);
  });

  it('maps every original Google voice to a distinct espeak voice of the same gender', () => {
    const mapped = Object.entries(originalGoogleVoices).map(([name, gender]) => ({
      gender,
      voice: resolveEspeakVoice(name),
    }));
    for (const { gender, voice } of mapped)
      expect(voice).toMatch(gender === 'female' ? /^de\+f\d$/ : /^de\+m\d$/);
    const neural = ['B', 'C', 'D', 'F'].map((letter) =>
      resolveEspeakVoice(`de-DE-Neural2-${letter}`),
    );
    expect(new Set(neural).size).toBe(4);
  });

  it('lists German and English voices of both genders, plus the original names as aliases', () => {
    const voices = listEspeakVoices();
    for (const language of ['de-DE', 'en-US', 'en-GB', 'fr-FR']) {
      expect(
        voices
          .filter((voice) => voice.language === language && !voice.aliasOf)
          .map((voice) => voice.gender)
          .sort(),
      ).toEqual(['female', 'male']);
    }
    expect(voices.find((voice) => voice.id === 'de-DE-Neural2-C')).toEqual({
      id: 'de-DE-Neural2-C',
      language: 'de-DE',
      gender: 'female',
      aliasOf: 'de+f3',
    });
  });
});
