import { onScopeDispose, ref, shallowRef } from 'vue';
import { createPositionThrottle } from '@gencaster/web';
import type { LatLon } from '@gencaster/web';
import {
  checkGpxFile,
  GpxError,
  parseGpx,
  positionAt,
  trackDuration,
  type TrackPoint,
} from '../lib/gpx-track.ts';

/** Accuracy the walker reports, metres: a good outdoor fix, so every crossing counts. */
export const walkerAccuracyM = 5;
/** Shortest gap between two positions sent, milliseconds (at most 2 updates a second). */
export const walkerIntervalMs = 500;
/** How often a playing track moves the pin, milliseconds. */
const tickMs = 100;

/** The variables of one position, exactly as the listener page sends a GPS fix. */
export function walkerVariables(position: LatLon): {
  key: string;
  value: string;
  streamToSc: boolean;
}[] {
  return [
    { key: 'longitude', value: String(position.lon), streamToSc: true },
    { key: 'latitude', value: String(position.lat), streamToSc: true },
    { key: 'accuracy', value: String(walkerAccuracyM), streamToSc: true },
  ];
}

/**
 * The play panel's walker (issue 19): a pin the author places or drags, or a GPX track played
 * back at a chosen speed, sent to the playing stream as the listener page's GPS variables
 * (`longitude`, `latitude`, `accuracy`; numeric, streamed to SuperCollider), so the engine's place
 * logic reacts as it does for a listener. Sends are throttled to 2 a second (the newest wins).
 */
export function useWalker(
  send: (variables: ReturnType<typeof walkerVariables>) => Promise<string | undefined>,
) {
  const position = ref<LatLon | null>(null);
  const track = shallowRef<TrackPoint[] | null>(null);
  const trackName = ref('');
  const speed = ref(1);
  const playing = ref(false);
  const elapsed = ref(0);
  const error = ref<string | null>(null);
  const sent = ref(0);
  const sendError = ref<string | null>(null);
  let timer: ReturnType<typeof setInterval> | undefined;
  let lastTick = 0;

  const throttle = createPositionThrottle<LatLon>({
    minIntervalMs: walkerIntervalMs,
    send: async (fix) => {
      const problem = await send(walkerVariables(fix));
      sendError.value = problem ?? null;
      if (!problem) sent.value += 1;
    },
  });

  /** Moves the pin (a click, a drag, or the track) and sends the position. */
  function moveTo(next: LatLon): void {
    position.value = { lat: next.lat, lon: next.lon };
    throttle.push(position.value);
  }

  /** Reads a GPX file; a file that is not GPX or too large is refused with `error` set. */
  async function loadFile(file: File): Promise<boolean> {
    pause();
    error.value = null;
    try {
      checkGpxFile(file);
      const points = parseGpx(await file.text());
      track.value = points;
      trackName.value = file.name;
      elapsed.value = 0;
      position.value = positionAt(points, 0);
      return true;
    } catch (failure) {
      error.value =
        failure instanceof GpxError
          ? failure.message
          : `Could not read "${file.name}": ${String(failure)}`;
      return false;
    }
  }

  function tick(): void {
    const points = track.value;
    if (!points) return pause();
    const now = performance.now();
    elapsed.value = Math.min(
      trackDuration(points),
      elapsed.value + ((now - lastTick) / 1000) * speed.value,
    );
    lastTick = now;
    moveTo(positionAt(points, elapsed.value));
    if (elapsed.value >= trackDuration(points)) {
      throttle.flush();
      pause();
    }
  }

  function play(): void {
    if (!track.value || playing.value) return;
    if (elapsed.value >= trackDuration(track.value)) elapsed.value = 0;
    playing.value = true;
    lastTick = performance.now();
    moveTo(positionAt(track.value, elapsed.value));
    timer = setInterval(tick, tickMs);
  }

  function pause(): void {
    if (timer) clearInterval(timer);
    timer = undefined;
    playing.value = false;
  }

  function rewind(): void {
    pause();
    elapsed.value = 0;
    if (track.value) position.value = positionAt(track.value, 0);
  }

  function clearTrack(): void {
    pause();
    track.value = null;
    trackName.value = '';
    elapsed.value = 0;
  }

  onScopeDispose(() => {
    pause();
    throttle.cancel();
  });

  return {
    position,
    track,
    trackName,
    speed,
    playing,
    elapsed,
    error,
    sent,
    sendError,
    moveTo,
    loadFile,
    play,
    pause,
    rewind,
    clearTrack,
  };
}
