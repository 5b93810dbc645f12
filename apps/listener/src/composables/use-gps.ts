import { onBeforeUnmount, ref, shallowRef } from 'vue';
import { createPositionThrottle } from '@gencaster/web';
import type { StreamVariableInput } from '../graphql/types.ts';
import { gpsFixToVariables, type GpsFix } from '../lib/gps-variables.ts';

const consentKey = 'gencaster.gps-consent';
/** Without any fix for this long after start, GPS counts as unavailable. */
const GIVE_UP_MS = 60_000;
/** Fixes are sent at most this often (a phone may deliver several a second). */
export const GPS_SEND_INTERVAL_MS = 500;
/** A fix that could not be sent (the network dropped) is tried again after this long. */
const RESEND_MS = 2_000;
/** Back in the foreground without a fix for this long, the watch is started afresh. */
const STALE_MS = 20_000;

/** Why GPS stopped. */
export type GpsFailure = 'denied' | 'unavailable';

/** Options of the GPS stream. */
export interface GpsOptions {
  /** Sends the variables of one fix. */
  send(variables: Omit<StreamVariableInput, 'streamUuid'>[]): Promise<void>;
  onFailure(reason: GpsFailure): void;
}

/**
 * Streams the listener's position as stream variables after consent. The consent is remembered in
 * localStorage, so `resumeIfConsented` picks GPS up again after a reload (the original lost it).
 *
 * Walks (issue 19): fixes are throttled to two a second (the newest wins); a fix the network did
 * not take is sent again until a newer one replaces it, so after a short drop the engine gets the
 * current position as soon as the API is back. While active the screen is kept awake where the
 * browser offers the Screen Wake Lock (a locked phone stops geolocation in most browsers), and the
 * watch is restarted when the page comes back to the foreground with a stale fix.
 */
export function useGps(options: GpsOptions) {
  const active = ref(false);
  const lastFixAt = ref<number>();
  /** The newest fix (for the walk map); undefined before the first. */
  const position = shallowRef<GpsFix>();
  /** Whether the screen is held awake (false where the browser has no Wake Lock). */
  const awake = ref(false);
  let watchId: number | undefined;
  let resendTimer: ReturnType<typeof setTimeout> | undefined;
  let wakeLock: { release(): Promise<void> } | undefined;

  const throttle = createPositionThrottle<GpsFix>({
    minIntervalMs: GPS_SEND_INTERVAL_MS,
    send: async (fix) => {
      const variables = gpsFixToVariables('', fix).map(({ key, value, streamToSc }) => ({
        key,
        value,
        streamToSc,
      }));
      try {
        await options.send(variables);
      } catch (error) {
        // Offline for a moment: try this fix again unless a newer one comes first.
        if (resendTimer) clearTimeout(resendTimer);
        resendTimer = setTimeout(() => {
          resendTimer = undefined;
          if (active.value && position.value === fix) throttle.push(fix);
        }, RESEND_MS);
        throw error;
      }
    },
  });

  async function holdScreen(): Promise<void> {
    const lock = (
      navigator as Navigator & {
        wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> };
      }
    ).wakeLock;
    if (!lock || wakeLock || document.visibilityState !== 'visible') return;
    try {
      wakeLock = await lock.request('screen');
      awake.value = true;
      (wakeLock as unknown as EventTarget).addEventListener?.('release', () => {
        wakeLock = undefined;
        awake.value = false;
      });
    } catch {
      awake.value = false; // refused (battery saver, not visible): GPS goes on as far as it can
    }
  }

  function onVisible(): void {
    if (document.visibilityState !== 'visible' || !active.value) return;
    void holdScreen();
    const stale = lastFixAt.value === undefined || Date.now() - lastFixAt.value > STALE_MS;
    if (stale) void watch();
  }
  document.addEventListener('visibilitychange', onVisible);

  /** Starts watching; resolves true on the first fix, false on an error. */
  function start(): Promise<boolean> {
    if (!('geolocation' in navigator)) {
      options.onFailure('unavailable');
      return Promise.resolve(false);
    }
    window.localStorage.setItem(consentKey, '1');
    return watch();
  }

  function watch(): Promise<boolean> {
    clearWatch();
    active.value = true;
    void holdScreen();
    const startedAt = Date.now();
    return new Promise((resolve) => {
      let settled = false;
      watchId = navigator.geolocation.watchPosition(
        (fix) => {
          lastFixAt.value = Date.now();
          const { longitude, latitude, accuracy, speed, heading, altitude, altitudeAccuracy } =
            fix.coords;
          position.value = {
            longitude,
            latitude,
            accuracy,
            speed,
            heading,
            altitude,
            altitudeAccuracy,
          };
          throttle.push(position.value);
          if (!settled) resolve((settled = true));
        },
        (error) => {
          const denied = error.code === error.PERMISSION_DENIED;
          // A timeout or a lost fix is transient (a tunnel, a busy phone): the watch goes on.
          // Only when no position came at all for a while does the listener see the error page.
          const waitedTooLong =
            lastFixAt.value === undefined && Date.now() - startedAt > GIVE_UP_MS;
          if (!denied && !waitedTooLong) return;
          if (denied) window.localStorage.removeItem(consentKey);
          stop();
          options.onFailure(denied ? 'denied' : 'unavailable');
          if (!settled) resolve(!(settled = true));
        },
        { enableHighAccuracy: true, maximumAge: 5000, timeout: 30_000 },
      );
    });
  }

  function clearWatch() {
    if (watchId !== undefined) navigator.geolocation.clearWatch(watchId);
    watchId = undefined;
  }

  function stop() {
    clearWatch();
    active.value = false;
    throttle.cancel();
    if (resendTimer) clearTimeout(resendTimer);
    resendTimer = undefined;
    void wakeLock?.release().catch(() => undefined);
    wakeLock = undefined;
    awake.value = false;
  }

  onBeforeUnmount(() => {
    stop();
    document.removeEventListener('visibilitychange', onVisible);
  });

  return {
    active,
    lastFixAt,
    position,
    awake,
    start,
    stop,
    /** Whether the listener agreed to location access before (this browser remembers it). */
    consented: () => window.localStorage.getItem(consentKey) === '1',
    /** Restarts GPS when the listener agreed earlier (e.g. before a reload). */
    resumeIfConsented() {
      if (window.localStorage.getItem(consentKey) === '1' && !active.value) void start();
    },
  };
}
