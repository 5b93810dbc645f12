import type { LatLon } from '@gencaster/web';
import { distanceM } from '@gencaster/web';

/** Largest GPX file the walker reads (a day's walk at one fix a second is about 3 MB). */
export const maxGpxBytes = 5 * 1024 * 1024;
/** Most points the walker keeps from one track. */
export const maxGpxPoints = 100_000;
/** Walking pace assumed between points without timestamps, metres per second. */
export const walkingSpeedMps = 1.4;

/** One point of a recorded track: where, and seconds since the track's first point. */
export interface TrackPoint extends LatLon {
  t: number;
}

/** Why a file is not taken as a track. */
export class GpxError extends Error {
  override name = 'GpxError';
}

/**
 * Checks a file before reading it: refuses anything over {@link maxGpxBytes} with a message that
 * says the limit (the browser never reads a 100 MB file into memory for this).
 */
export function checkGpxFile(file: Pick<File, 'name' | 'size'>): void {
  if (file.size > maxGpxBytes)
    throw new GpxError(
      `"${file.name}" is ${(file.size / 1024 / 1024).toFixed(1)} MB; a GPX track may be at most ${maxGpxBytes / 1024 / 1024} MB.`,
    );
  if (file.size === 0) throw new GpxError(`"${file.name}" is empty.`);
}

/**
 * Parses GPX text (DOMParser, in the browser) into a timeline: track points (`trkpt`), else route
 * points (`rtept`), else waypoints. Times come from `<time>` when every point has one that goes
 * forward; otherwise from the distance at walking pace. A document that is not GPX, has no points
 * or has a coordinate out of range is refused with a {@link GpxError} saying why.
 */
export function parseGpx(text: string, parser: DOMParser = new DOMParser()): TrackPoint[] {
  const document = parser.parseFromString(text, 'application/xml');
  if (document.getElementsByTagName('parsererror').length > 0)
    throw new GpxError('This file is not GPX: it is not even well-formed XML.');
  const root = document.documentElement;
  if (root.localName !== 'gpx')
    throw new GpxError(`This file is not GPX: its root element is <${root.localName}>, not <gpx>.`);
  let elements = Array.from(root.getElementsByTagNameNS('*', 'trkpt'));
  if (elements.length === 0) elements = Array.from(root.getElementsByTagNameNS('*', 'rtept'));
  if (elements.length === 0) elements = Array.from(root.getElementsByTagNameNS('*', 'wpt'));
  if (elements.length === 0) throw new GpxError('This GPX file has no track or route points.');
  if (elements.length > maxGpxPoints)
    throw new GpxError(`This GPX track has ${elements.length} points; at most ${maxGpxPoints}.`);
  const points = elements.map((element, index) => {
    const lat = Number(element.getAttribute('lat'));
    const lon = Number(element.getAttribute('lon'));
    if (
      !element.hasAttribute('lat') ||
      !element.hasAttribute('lon') ||
      !Number.isFinite(lat) ||
      !Number.isFinite(lon) ||
      Math.abs(lat) > 90 ||
      Math.abs(lon) > 180
    )
      throw new GpxError(`Point ${index + 1} of this GPX file has no valid lat/lon.`);
    const time = element.getElementsByTagNameNS('*', 'time')[0]?.textContent;
    return { lat, lon, time: time ? Date.parse(time) : Number.NaN };
  });
  return timeline(points);
}

/** Seconds since the first point: recorded times if usable, else walking pace. */
function timeline(points: (LatLon & { time: number })[]): TrackPoint[] {
  const first = points[0]!.time;
  const timed = points.every(
    (point, index) =>
      Number.isFinite(point.time) && (index === 0 || point.time >= points[index - 1]!.time),
  );
  if (timed && points[points.length - 1]!.time > first)
    return points.map(({ lat, lon, time }) => ({ lat, lon, t: (time - first) / 1000 }));
  let t = 0;
  return points.map(({ lat, lon }, index) => {
    if (index > 0) t += distanceM(points[index - 1]!, { lat, lon }) / walkingSpeedMps;
    return { lat, lon, t };
  });
}

/** The track's position `seconds` after its start (linear between points; clamped at the ends). */
export function positionAt(track: readonly TrackPoint[], seconds: number): LatLon {
  const first = track[0];
  if (!first) throw new GpxError('empty track');
  if (seconds <= first.t) return { lat: first.lat, lon: first.lon };
  let low = 0;
  let high = track.length - 1;
  if (seconds >= track[high]!.t) return { lat: track[high]!.lat, lon: track[high]!.lon };
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (track[middle]!.t <= seconds) low = middle;
    else high = middle;
  }
  const a = track[low]!;
  const b = track[high]!;
  const f = b.t === a.t ? 1 : (seconds - a.t) / (b.t - a.t);
  return { lat: a.lat + (b.lat - a.lat) * f, lon: a.lon + (b.lon - a.lon) * f };
}

/** How long the track lasts, seconds. */
export const trackDuration = (track: readonly TrackPoint[]): number => track.at(-1)?.t ?? 0;
