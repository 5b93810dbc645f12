import { createRmsProbe } from '@gencaster/web';

/** Reads the loudness of an audio track. */
export interface AudioLevelProbe {
  /** Root mean square of the latest analyser window, 0 (silence) to about 1 (full scale). */
  read: () => number;
  dispose: () => void;
}

let sharedContext: AudioContext | undefined;

/**
 * The page's AudioContext. Create or resume it inside a click handler (the Start button) so that
 * browsers allow it to run.
 */
export function getAudioContext(): AudioContext {
  sharedContext ??= new AudioContext();
  if (sharedContext.state === 'suspended') void sharedContext.resume();
  return sharedContext;
}

/**
 * Measures a track with a WebAudio AnalyserNode (not connected to the speakers). For remote WebRTC
 * tracks Chrome only feeds WebAudio while the track is also attached to a media element, so the
 * player keeps an `<audio>` element playing it.
 */
export function createAudioLevelProbe(track: MediaStreamTrack): AudioLevelProbe {
  const probe = createRmsProbe(getAudioContext(), new MediaStream([track]), 1024);
  return { read: probe.readRms, dispose: probe.dispose };
}
