import { onBeforeUnmount, ref, shallowRef, watch, type Ref } from 'vue';
import {
  createJanusMicrophone,
  type JanusMicrophone,
  type MicrophoneState,
} from '../lib/janus-microphone.ts';
import { janusUrlForPoint } from '@gencaster/web';
import { loadRuntimeConfig } from '../lib/runtime-config.ts';

/**
 * The listener's opt-in microphone for a stream point's audiobridge room. Turning it off leaves
 * the room for good; when the room changes while it is on, it joins the new room.
 */
export function useMicrophone(
  room: Ref<number | null | undefined>,
  pointUuid: () => string | null | undefined = () => undefined,
  /** The listener token of the page's stream; without one the editor's cookie is sent. */
  listenerToken: () => string | null | undefined = () => undefined,
) {
  const state = ref<MicrophoneState>('off');
  const detail = ref<string>();
  const localTrack = shallowRef<MediaStreamTrack | null>(null);
  let microphone: JanusMicrophone | undefined;

  let microphoneServer: string | undefined;

  async function ensure(): Promise<JanusMicrophone> {
    const config = await loadRuntimeConfig();
    const server = janusUrlForPoint(config, pointUuid());
    const token = listenerToken() ?? undefined;
    const key = `${server} ${token ?? ''}`;
    if (microphone && microphoneServer === key) return microphone;
    microphone?.leave();
    microphoneServer = key;
    microphone = createJanusMicrophone({
      server,
      iceServers: config.iceServers,
      token,
      withCredentials: token === undefined,
      onLocalTrack: (track) => (localTrack.value = track),
      onState: (next, why) => {
        state.value = next;
        detail.value = why;
      },
    });
    return microphone;
  }

  async function turnOn() {
    const id = room.value;
    if (id === null || id === undefined) return;
    await (await ensure()).join(id);
  }

  function turnOff() {
    microphone?.leave();
  }

  watch(room, (id, previous) => {
    if (id === previous || state.value === 'off' || state.value === 'error') return;
    if (id === null || id === undefined) turnOff();
    else void turnOn();
  });

  onBeforeUnmount(turnOff);
  return { state, detail, localTrack, turnOn, turnOff };
}
