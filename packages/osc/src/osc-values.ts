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

/** Turns a plain value into an osc.js argument with an explicit type tag (integers as `i`). */
export function toOscArgument(value: OscValue): OscArgument {
  if (typeof value === 'string') return { type: 's', value };
  if (typeof value === 'boolean') return { type: value ? 'T' : 'F' };
  return Number.isInteger(value) && Math.abs(value) <= 0x7fffffff
    ? { type: 'i', value }
    : { type: 'd', value };
}
