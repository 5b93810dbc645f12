import { GencasterError } from '@gencaster/domain';
import type { Voice, VoiceGender } from './tts-provider.ts';

/** espeak-ng languages we offer, with their BCP 47 tag (all ship with Debian's espeak-ng-data). */
export const espeakLanguages: Readonly<Record<string, string>> = {
  de: 'de-DE',
  'en-us': 'en-US',
  'en-gb': 'en-GB',
  'fr-fr': 'fr-FR',
  es: 'es-ES',
  it: 'it-IT',
  nl: 'nl-NL',
  pl: 'pl-PL',
  pt: 'pt-PT',
};

/** The voice used when none is given; matches the original default de-DE-Neural2-C (female). */
export const defaultEspeakVoice = 'de+f3';

/**
 * The Google voices the original offered (VoiceNameChoices) and their genders, so
 * graphs and markdown `{female}`/`{male}` tokens written for Google keep working on espeak-ng.
 */
export const originalGoogleVoices: Readonly<Record<string, VoiceGender>> = {
  ...letters('de-DE-Standard', {
    A: 'female',
    B: 'male',
    C: 'female',
    D: 'male',
    E: 'male',
    F: 'female',
  }),
  ...letters('de-DE-Wavenet', {
    A: 'female',
    B: 'male',
    C: 'female',
    D: 'male',
    E: 'male',
    F: 'female',
  }),
  ...letters('de-DE-Neural2', { B: 'male', C: 'female', D: 'male', F: 'female' }),
  'de-DE-Polyglot-1': 'male',
};

function letters(
  prefix: string,
  genders: Record<string, VoiceGender>,
): Record<string, VoiceGender> {
  return Object.fromEntries(
    Object.entries(genders).map(([letter, gender]) => [`${prefix}-${letter}`, gender]),
  );
}

const googleNamePattern = /^([a-z]{2,3})-([A-Za-z]{2})-([A-Za-z0-9]+)-([A-Za-z0-9]+)$/;
const espeakNamePattern = /^([a-z]{2,3}(?:-[a-z]{2})?)(?:\+(f[1-5]|m[1-7]))?$/;

/** The voices espeak-ng offers here: a male and a female variant per language, plus the original Google names as aliases. */
export function listEspeakVoices(): Voice[] {
  const native = Object.entries(espeakLanguages).flatMap(([id, language]): Voice[] => [
    { id, language, gender: 'male' },
    { id: `${id}+f3`, language, gender: 'female' },
  ]);
  const aliases = Object.entries(originalGoogleVoices).map(([id, gender]): Voice => ({
    id,
    language: 'de-DE',
    gender,
    aliasOf: resolveEspeakVoice(id),
  }));
  return [...native, ...aliases];
}

/**
 * Maps a voice name to an espeak-ng voice (`language[+variant]`). espeak names (`de`, `en-us+f2`)
 * pass through; Google names (`de-DE-Neural2-C`) map to the language plus a variant chosen by
 * gender and letter, so distinct Google voices stay distinct: female → f1…f5, male → m1…m7.
 * Unknown languages or names reject with INVALID_INPUT.
 *
 * @example
 * resolveEspeakVoice('de-DE-Neural2-C'); // 'de+f3'
 * resolveEspeakVoice('de-DE-Neural2-B'); // 'de+m2'
 */
export function resolveEspeakVoice(name: string): string {
  const native = espeakNamePattern.exec(name);
  if (native && espeakLanguages[native[1] ?? ''] !== undefined) return name;

  const google = googleNamePattern.exec(name);
  if (google) {
    const [, language = '', region = '', , variant = ''] = google;
    const espeakLanguage = findLanguage(language.toLowerCase(), region.toLowerCase());
    if (espeakLanguage) {
      const gender = originalGoogleVoices[name] ?? 'male';
      const index = /^\d+$/.test(variant)
        ? Number(variant) - 1
        : variant.toUpperCase().charCodeAt(0) - 65;
      const slot = Math.max(0, index);
      return gender === 'female'
        ? `${espeakLanguage}+f${(slot % 5) + 1}`
        : `${espeakLanguage}+m${(slot % 7) + 1}`;
    }
  }
  throw new GencasterError('INVALID_INPUT', `unknown voice "${name}" for espeak-ng`, {
    details: { voice: name, known: Object.keys(espeakLanguages) },
  });
}

function findLanguage(language: string, region: string): string | undefined {
  const exact = `${language}-${region}`;
  if (espeakLanguages[exact] !== undefined) return exact;
  if (espeakLanguages[language] !== undefined) return language;
  return Object.keys(espeakLanguages).find((id) => id.startsWith(`${language}-`));
}
