import { GencasterError } from '@gencaster/domain';

/** sclang code plus how it finishes, ready for `InstructionSender.send`. */
export interface InstructionTemplate {
  code: string;
  /** True when the code acknowledges FINISHED itself (e.g. at the end of a buffer). */
  manualFinish: boolean;
}

/** Characters per literal: at most 4 UTF-8 bytes each, doubled by escaping, well below 8 kB. */
const LITERAL_CHUNK = 1000;

/**
 * A sclang string literal holding exactly `value`: backslashes and double quotes are escaped, every
 * other character (newlines, UTF-8) stands for itself inside sclang's "…". So listener input such as
 * `"; "rm -rf".unixCmd; "` stays inert data. NUL cannot travel in an OSC string and is rejected.
 * Values over 1000 characters become `("…" ++ "…")`, because sclang's lexer cuts long literals
 * (at about 8 kB).
 */
export function sclangString(value: string): string {
  if (value.includes('\0'))
    throw new GencasterError('INVALID_INPUT', 'NUL character in a sclang string');
  const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const chars = Array.from(value);
  if (chars.length <= LITERAL_CHUNK) return quote(value);
  const parts: string[] = [];
  for (let i = 0; i < chars.length; i += LITERAL_CHUNK) {
    parts.push(quote(chars.slice(i, i + LITERAL_CHUNK).join('')));
  }
  return `(${parts.join(' ++ ')})`;
}

/** A sclang float literal for a finite number (no exponent notation, which sclang reads differently). */
export function sclangNumber(value: number): string {
  if (!Number.isFinite(value))
    throw new GencasterError('INVALID_INPUT', `not a finite number: ${value}`);
  const text = value.toFixed(6).replace(/0+$/, '').replace(/\.$/, '.0');
  return text.startsWith('-') ? `(${text})` : text;
}

function volumeLiteral(volume: number): string {
  if (!(volume >= 0 && volume <= 4))
    throw new GencasterError('INVALID_INPUT', `volume must be 0..4, got ${volume}`);
  return sclangNumber(volume);
}

const SERVER = 'GencasterServer.default';

/** Starts playback of a sound file and finishes at once; FINISHED's return value is the playback id. */
export function playBufferInstruction(options: {
  path: string;
  volume: number;
}): InstructionTemplate {
  return {
    code: `${SERVER}.playBuffer(${sclangString(options.path)}, ${volumeLiteral(options.volume)})`,
    manualFinish: false,
  };
}

/** Plays a sound file and finishes when it has ended (FAILURE if it cannot be read). */
export function syncPlayBufferInstruction(options: {
  path: string;
  uuid: string;
  volume: number;
}): InstructionTemplate {
  return {
    code: `${SERVER}.syncPlayBuffer(${sclangString(options.path)}, ${sclangString(options.uuid)}, ${volumeLiteral(options.volume)})`,
    manualFinish: true,
  };
}

/** Stops a playback started by {@link playBufferInstruction}; returns "true" if it was still playing. */
export function stopPlaybackInstruction(playbackId: number): InstructionTemplate {
  if (!Number.isSafeInteger(playbackId))
    throw new GencasterError('INVALID_INPUT', `bad playback id ${playbackId}`);
  return { code: `${SERVER}.stopPlayback(${playbackId})`, manualFinish: false };
}

/**
 * Sets a stream variable in sclang as data: the key and value travel as string literals; the class
 * stores the string and, only if it is a decimal number, also sets a control-rate Ndef named by key.
 * (Prefer `InstructionSender.sendVariable`, which sends the pair as OSC arguments.)
 */
export function setStreamVariableInstruction(key: string, value: string): InstructionTemplate {
  return {
    code: `${SERVER}.setVariable(${sclangString(key)}, ${sclangString(value)})`,
    manualFinish: false,
  };
}

/** Silences the stream point between listeners: stops playbacks, clears Ndefs, frees nodes. */
export function cleanupInstruction(): InstructionTemplate {
  return { code: `${SERVER}.cleanup`, manualFinish: false };
}
