import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue';
import {
  createJanusStreamPlayer,
  type JanusStreamPlayer,
  type StreamConnectionState,
} from '../lib/janus-stream-player.ts';
import { janusUrlForPoint } from '@gencaster/web';
import { loadRuntimeConfig } from '../lib/runtime-config.ts';
import { watchPlayoutDelay, type AppliedLatency, type LatencyProfileName } from '@gencaster/web';

/** Options of {@link useStreamAudio}; every one is read again when it may have changed. */
export interface StreamAudioOptions {
  /** Selects the Janus of that stream point's sound host (a new session when it changes). */
  pointUuid?: () => string | null | undefined;
  /**
   * The Janus token: the listener token of the page's stream, or the live-coding page's current
   * watch ticket (read again at each reconnect); without one the editor's cookie is sent.
   */
  listenerToken?: () => string | null | undefined;
  /** The graph's latency profile for the receiver; none leaves the browser's buffer alone. */
  latencyProfile?: () => LatencyProfileName | null | undefined;
}

/**
 * Listens to a Janus streaming mountpoint: watches as soon as the id is known, switches when it
 * changes, stops when it becomes null, and exposes the remote track and the connection state.
 * The graph's latency profile is applied to the receiver of each track (and again when it
 * changes); `latency` says what was applied and `playoutDelayMs` is the measured playout delay
 * (inbound-rtp jitterBufferDelay / jitterBufferEmittedCount), refreshed every second.
 */
export function useStreamAudio(
  mountpoint: Ref<number | null | undefined>,
  options: StreamAudioOptions = {},
) {
  const pointUuid = options.pointUuid ?? (() => undefined);
  const listenerToken = options.listenerToken ?? (() => undefined);
  const latencyProfile = () => options.latencyProfile?.() ?? undefined;
  const track = shallowRef<MediaStreamTrack | null>(null);
  const state = ref<StreamConnectionState>('idle');
  const detail = ref<string>();
  const latency = shallowRef<AppliedLatency | null>(null);
  const playoutDelayMs = ref<number>();
  let player: JanusStreamPlayer | undefined;
  let playerServer: string | undefined;
  let disposed = false;
  let stopWatching: () => void = () => undefined;
  let lastReceiver: RTCRtpReceiver | null = null;

  function measure(next: RTCRtpReceiver | null) {
    stopWatching();
    playoutDelayMs.value = undefined;
    if (next) stopWatching = watchPlayoutDelay(next, (ms) => (playoutDelayMs.value = ms));
  }

  async function ensurePlayer(): Promise<JanusStreamPlayer> {
    const config = await loadRuntimeConfig();
    const server = janusUrlForPoint(config, pointUuid());
    const token = listenerToken() ?? undefined;
    const key = `${server} ${token ?? ''}`;
    if (player && playerServer === key) return player;
    player?.stop();
    playerServer = key;
    player = createJanusStreamPlayer({
      server,
      iceServers: config.iceServers,
      token,
      currentToken: () => listenerToken() ?? token,
      withCredentials: token === undefined,
      latencyProfile,
      onReceiver: (receiver, applied) => {
        latency.value = applied;
        if (!receiver || receiver !== lastReceiver) measure(receiver);
        lastReceiver = receiver;
      },
      onTrack: (next) => (track.value = next),
      onState: (next, why) => {
        state.value = next;
        detail.value = why;
      },
    });
    return player;
  }

  watch(
    mountpoint,
    async (id) => {
      if (id === null || id === undefined) {
        player?.stop();
        return;
      }
      const current = await ensurePlayer();
      if (!disposed && mountpoint.value === id) current.watch(id);
    },
    { immediate: true },
  );
  watch(latencyProfile, () => player?.applyLatency());

  function stop() {
    disposed = true;
    player?.stop();
    measure(null);
  }

  onBeforeUnmount(stop);
  return { track, state, detail, latency, playoutDelayMs, stop };
}
