import type { StreamVariableInput } from '../graphql/types.ts';

/** The parts of a `GeolocationCoordinates` fix that become stream variables. */
export interface GpsFix {
  longitude: number;
  latitude: number;
  accuracy: number;
  speed: number | null;
  heading: number | null;
  altitude: number | null;
  altitudeAccuracy?: number | null;
}

/** Keys sent for each GPS fix, in this order. */
export const gpsKeys = [
  'longitude',
  'latitude',
  'speed',
  'accuracy',
  'heading',
  'altitude',
  'altitudeAccuracy',
] as const;

/**
 * Turns one GPS fix into stream variables for `createUpdateStreamVariable`.
 *
 * Missing or non-finite readings (a phone at rest has no heading) are skipped instead of being sent
 * as "null"/"NaN". Every value is numeric, so every variable is streamed to SuperCollider.
 */
export function gpsFixToVariables(streamUuid: string, fix: GpsFix): StreamVariableInput[] {
  const variables: StreamVariableInput[] = [];
  for (const key of gpsKeys) {
    const value = fix[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    variables.push({ streamUuid, key, value: String(value), streamToSc: true });
  }
  return variables;
}
