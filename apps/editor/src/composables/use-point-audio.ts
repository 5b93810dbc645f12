import { onScopeDispose, ref, shallowRef, watch } from 'vue';
import {
  createRmsProbe,
  rmsToDbfs,
  watchPlayoutDelay,
  type AppliedLatency,
  type LatencyProfileName,
  type RmsProbe,
} from '@gencaster/web';
import { createPointPlayer, type PointPlayerState } from '../lib/point-player.ts';

/**
 * Listens to a stream point in the editor: WebRTC from its Janus mountpoint into an `<audio>`
 * element (bind `audioElement`), with a level meter of what arrives (`levelDb`, updated 5× a
 * second). Call `listen` from a click (browsers allow audio only after a user gesture).
 * The graph's latency profile is applied to the receiver as on the listener page; `latency` says
 * what was applied and `playoutDelayMs` is the measured playout delay, refreshed each second.
 */
export function usePointAudio(
  latencyProfile: () => LatencyProfileName | undefined = () => undefined,
) {
  const state = ref<PointPlayerState>('idle');
  const detail = ref<string | undefined>(undefined);
  const levelDb = ref<number | null>(null);
  const audioElement = ref<HTMLAudioElement | null>(null);
  let context: AudioContext | undefined;
  let meter: RmsProbe | undefined;
  const latency = shallowRef<AppliedLatency | null>(null);
  const playoutDelayMs = ref<number>();
  let stopWatching: () => void = () => undefined;
  const timer = setInterval(() => {
    const db = meter ? rmsToDbfs(meter.readRms()) : undefined;
    levelDb.value = db === undefined ? null : Math.max(db, -100);
  }, 200);

  const player = createPointPlayer({
    latencyProfile,
    onReceiver: (receiver, applied) => {
      latency.value = applied;
      stopWatching();
      playoutDelayMs.value = undefined;
      if (receiver) stopWatching = watchPlayoutDelay(receiver, (ms) => (playoutDelayMs.value = ms));
    },
    onState: (next, why) => {
      state.value = next;
      detail.value = why;
    },
    onStream: (stream) => {
      meter?.dispose();
      meter = undefined;
      const element = audioElement.value;
      if (element) {
        element.srcObject = stream;
        if (stream) void element.play().catch(() => undefined);
      }
      if (stream && context) meter = createRmsProbe(context, stream, 2048);
    },
  });

  /** Prepares audio output; call synchronously inside a click handler. */
  function unlock(): void {
    context ??= new AudioContext();
    void context.resume();
  }

  function listen(pointUuid: string, mountpointId: number): void {
    unlock();
    void player.play({ pointUuid, mountpointId });
  }

  function stop(): void {
    player.stop();
  }

  watch(latencyProfile, () => player.applyLatency());

  onScopeDispose(() => {
    clearInterval(timer);
    stopWatching();
    player.stop();
    meter?.dispose();
    void context?.close();
  });
  return { state, detail, levelDb, latency, playoutDelayMs, audioElement, unlock, listen, stop };
}
