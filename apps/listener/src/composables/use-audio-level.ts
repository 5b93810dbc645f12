import { onBeforeUnmount, ref, watch, type Ref } from 'vue';
import { createAudioLevelProbe, type AudioLevelProbe } from '../lib/audio-level.ts';

/**
 * The live RMS level (0…1) of an audio track, measured by a WebAudio analyser ten times a second.
 * `active` gates the measurement: the AudioContext must be started by a click first.
 */
export function useAudioLevel(
  track: Ref<MediaStreamTrack | null | undefined>,
  active: Ref<boolean>,
) {
  const level = ref(0);
  let probe: AudioLevelProbe | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  function release() {
    clearInterval(timer);
    timer = undefined;
    probe?.dispose();
    probe = undefined;
    level.value = 0;
  }

  watch(
    [track, active],
    ([current, on]) => {
      release();
      if (!current || !on) return;
      const created = createAudioLevelProbe(current);
      probe = created;
      timer = setInterval(() => {
        level.value = created.read();
      }, 100);
    },
    { immediate: true },
  );

  onBeforeUnmount(release);
  return level;
}
