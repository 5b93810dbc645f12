import { onBeforeUnmount, ref } from 'vue';
import type { StreamVariableInput } from '../graphql/types.ts';
import { gpsFixToVariables } from '../lib/gps-variables.ts';

const consentKey = 'gencaster.gps-consent';
/** Without any fix for this long after start, GPS counts as unavailable. */
const GIVE_UP_MS = 60_000;

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
 */
export function useGps(options: GpsOptions) {
  const active = ref(false);
  const lastFixAt = ref<number>();
  let watchId: number | undefined;

  /** Starts watching; resolves true on the first fix, false on an error. */
  function start(): Promise<boolean> {
    if (!('geolocation' in navigator)) {
      options.onFailure('unavailable');
      return Promise.resolve(false);
    }
    stop();
    window.localStorage.setItem(consentKey, '1');
    active.value = true;
    const startedAt = Date.now();
    return new Promise((resolve) => {
      let settled = false;
      watchId = navigator.geolocation.watchPosition(
        (position) => {
          lastFixAt.value = Date.now();
          const variables = gpsFixToVariables('', position.coords).map(
            ({ key, value, streamToSc }) => ({
              key,
              value,
              streamToSc,
            }),
          );
          void options.send(variables).catch(() => undefined);
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

  function stop() {
    if (watchId !== undefined) navigator.geolocation.clearWatch(watchId);
    watchId = undefined;
    active.value = false;
  }

  onBeforeUnmount(stop);

  return {
    active,
    lastFixAt,
    start,
    stop,
    /** Restarts GPS when the listener agreed earlier (e.g. before a reload). */
    resumeIfConsented() {
      if (window.localStorage.getItem(consentKey) === '1' && !active.value) void start();
    },
  };
}
