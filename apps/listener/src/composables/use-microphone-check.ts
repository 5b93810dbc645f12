import { computed, onBeforeUnmount, ref, shallowRef } from 'vue';
import { getAudioContext } from '../lib/audio-level.ts';
import { useAudioLevel } from './use-audio-level.ts';

/** Where the microphone test is: not started, waiting for the permission, measuring, or why not. */
export type MicrophoneCheckState = 'idle' | 'asking' | 'on' | 'denied' | 'unavailable' | 'error';

/**
 * A local microphone test for the debug page: `getUserMedia` and a live level, nothing sent
 * anywhere (no Janus room, unlike `useMicrophone`). Call `start` from a click, so the
 * AudioContext of the meter may run.
 */
export function useMicrophoneCheck() {
  const state = ref<MicrophoneCheckState>('idle');
  const detail = ref<string>();
  const track = shallowRef<MediaStreamTrack | null>(null);
  const level = useAudioLevel(
    track,
    computed(() => state.value === 'on'),
  );
  let attempt = 0;

  function release() {
    track.value?.stop();
    track.value = null;
  }

  async function start() {
    const current = ++attempt;
    release();
    detail.value = undefined;
    if (typeof navigator.mediaDevices?.getUserMedia !== 'function') {
      state.value = 'unavailable';
      detail.value = 'the microphone needs a secure page (https or localhost)';
      return;
    }
    getAudioContext();
    state.value = 'asking';
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
      const [audio] = stream.getAudioTracks();
      if (current !== attempt || !audio) {
        for (const each of stream.getTracks()) each.stop();
        if (current === attempt) state.value = 'unavailable';
        return;
      }
      audio.addEventListener('ended', () => {
        if (track.value !== audio) return;
        track.value = null;
        state.value = 'error';
        detail.value = 'the microphone was disconnected';
      });
      track.value = audio;
      state.value = 'on';
      detail.value = audio.label || undefined;
    } catch (error) {
      if (current !== attempt) return;
      const name = (error as DOMException).name;
      state.value =
        name === 'NotAllowedError' || name === 'SecurityError'
          ? 'denied'
          : name === 'NotFoundError' || name === 'OverconstrainedError'
            ? 'unavailable'
            : 'error';
      detail.value = (error as Error).message;
    }
  }

  function stop() {
    attempt += 1;
    release();
    state.value = 'idle';
    detail.value = undefined;
  }

  onBeforeUnmount(stop);
  return { state, detail, level, start, stop };
}
