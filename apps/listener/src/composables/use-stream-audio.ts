import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue';
import {
  createJanusStreamPlayer,
  type JanusStreamPlayer,
  type StreamConnectionState,
} from '../lib/janus-stream-player.ts';
import { janusUrlForPoint, loadRuntimeConfig } from '../lib/runtime-config.ts';

/**
 * Listens to a Janus streaming mountpoint: watches as soon as the id is known, switches when it
 * changes, stops when it becomes null, and exposes the remote track and the connection state.
 * `pointUuid` selects the Janus of that stream point's sound host (a new session when it changes).
 */
export function useStreamAudio(
  mountpoint: Ref<number | null | undefined>,
  pointUuid: () => string | null | undefined = () => undefined,
  /**
   * The Janus token: the listener token of the page's stream, or the live-coding page's current
   * watch ticket (read again at each reconnect); without one the editor's cookie is sent.
   */
  listenerToken: () => string | null | undefined = () => undefined,
) {
  const track = shallowRef<MediaStreamTrack | null>(null);
  const state = ref<StreamConnectionState>('idle');
  const detail = ref<string>();
  let player: JanusStreamPlayer | undefined;
  let playerServer: string | undefined;
  let disposed = false;

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

  function stop() {
    disposed = true;
    player?.stop();
  }

  onBeforeUnmount(stop);
  return { track, state, detail, stop };
}
