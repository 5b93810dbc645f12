import { GencasterError } from '@gencaster/domain';
import type { OscArgument } from 'osc';

/** An OSC argument value we accept from stream points: strings, numbers and booleans. */
export type OscValue = string | number | boolean;

/** Longest key of a key/value list. */
const MAX_KEY_LENGTH = 64;

/**
 * Unwraps osc.js arguments (read with `metadata: true`) into plain values. Blobs, time tags,
 * 64-bit integers, arrays and the like are rejected with INVALID_INPUT; nil (`N`) becomes null.
 */
export function oscArgumentValues(args: readonly OscArgument[]): (OscValue | null)[] {
  return args.map((arg, index) => {
    switch (arg.type) {
      case 's':
      case 'S':
      case 'i':
      case 'f':
      case 'd':
        if (typeof arg.value === 'string' || typeof arg.value === 'number') return arg.value;
        break;
      case 'T':
        return true;
      case 'F':
        return false;
      case 'N':
        return null;
      default:
        break;
    }
    throw new GencasterError(
      'INVALID_INPUT',
      `unsupported OSC argument type '${String(arg.type)}' at ${index}`,
      {
        details: { index, type: arg.type },
      },
    );
  });
}

/**
 * Parses the flat key/value list `[k1, v1, k2, v2, …]` that SuperCollider builds from an Event. Keys
 * must be short strings and unique; a nil value drops its key (as sclang does); an odd length is
 * INVALID_INPUT. The result has no prototype, so keys like `__proto__` are plain data.
 */
export function keyValueRecord(values: readonly (OscValue | null)[]): Record<string, OscValue> {
  if (values.length % 2 !== 0) {
    throw new GencasterError('INVALID_INPUT', `odd-length key/value list (${values.length} items)`);
  }
  const record = Object.create(null) as Record<string, OscValue>;
  for (let i = 0; i < values.length; i += 2) {
    const key = values[i];
    const value = values[i + 1];
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw new GencasterError('INVALID_INPUT', `key/value list: item ${i} is not a valid key`, {
        details: { index: i },
      });
    }
    if (Object.prototype.hasOwnProperty.call(record, key)) {
      throw new GencasterError('INVALID_INPUT', `key/value list: duplicate key '${key}'`, {
        details: { key },
      });
    }
    if (value !== null && value !== undefined) record[key] = value;
  }
  return record;
}

/** A value the backend sends: plain values, or bytes (an OSC blob). */
export type OutgoingOscValue = OscValue | Uint8Array;

/**
 * sclang truncates received OSC strings at about 8 kB; longer text goes as a blob of UTF-8 bytes,
 * which our SuperCollider class turns back into a String.
 */
export const SCLANG_MAX_STRING_BYTES = 8000;

/** A string as an OSC string, or as a blob of UTF-8 bytes when sclang would truncate it. */
export function sclangText(text: string): OutgoingOscValue {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length > SCLANG_MAX_STRING_BYTES ? new Uint8Array(bytes) : text;
}

/** Turns a plain value into an osc.js argument with an explicit type tag (integers as `i`). */
export function toOscArgument(value: OutgoingOscValue): OscArgument {
  if (value instanceof Uint8Array) return { type: 'b', value };
  if (typeof value === 'string') return { type: 's', value };
  if (typeof value === 'boolean') return { type: value ? 'T' : 'F' };
  return Number.isInteger(value) && Math.abs(value) <= 0x7fffffff
    ? { type: 'i', value }
    : { type: 'd', value };
}
