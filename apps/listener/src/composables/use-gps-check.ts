import { onBeforeUnmount, ref, shallowRef } from 'vue';

/** Where the GPS test is: not started, waiting for a first fix, located, or why not. */
export type GpsCheckState = 'idle' | 'locating' | 'located' | 'denied' | 'unavailable' | 'timeout';

/** One position fix as the test shows it. */
export interface GpsCheckFix {
  latitude: number;
  longitude: number;
  /** Radius in metres. */
  accuracy: number;
  /** When the browser took the fix (ms since the epoch). */
  at: number;
}

/**
 * A local GPS test for the debug page: watches the position and shows each fix or the error.
 * Unlike `useGps` nothing is sent and no consent is remembered, so testing here does not make a
 * story page start GPS later on its own.
 */
export function useGpsCheck(timeoutMs = 30_000) {
  const state = ref<GpsCheckState>('idle');
  const fix = shallowRef<GpsCheckFix>();
  const detail = ref<string>();
  let watchId: number | undefined;

  function clear() {
    if (watchId !== undefined) navigator.geolocation.clearWatch(watchId);
    watchId = undefined;
  }

  function start() {
    clear();
    fix.value = undefined;
    detail.value = undefined;
    if (!('geolocation' in navigator)) {
      state.value = 'unavailable';
      detail.value = 'this browser has no geolocation';
      return;
    }
    state.value = 'locating';
    watchId = navigator.geolocation.watchPosition(
      (position) => {
        fix.value = {
          latitude: position.coords.latitude,
          longitude: position.coords.longitude,
          accuracy: position.coords.accuracy,
          at: position.timestamp,
        };
        state.value = 'located';
        detail.value = undefined;
      },
      (error) => {
        detail.value = error.message;
        if (error.code === error.PERMISSION_DENIED) {
          clear();
          state.value = 'denied';
        } else if (fix.value === undefined) {
          // A later timeout keeps the last fix on screen; without any fix the state says why.
          state.value = error.code === error.TIMEOUT ? 'timeout' : 'unavailable';
        }
      },
      { enableHighAccuracy: true, maximumAge: 0, timeout: timeoutMs },
    );
  }

  function stop() {
    clear();
    state.value = 'idle';
  }

  onBeforeUnmount(clear);
  return { state, fix, detail, start, stop };
}
