/** Reads the loudness of a media stream. */
export interface RmsProbe {
  /** Root mean square of the latest analyser window, 0 (silence) to about 1 (full scale). */
  readRms: () => number;
  dispose: () => void;
}

/**
 * Measures a stream with a Web Audio AnalyserNode that is not routed to the speakers (an `<audio>`
 * element plays it; Chrome only feeds WebAudio from a remote WebRTC track while one does). The
 * context must be started from a user gesture first.
 */
export function createRmsProbe(
  context: AudioContext,
  stream: MediaStream,
  fftSize: number,
): RmsProbe {
  const source = context.createMediaStreamSource(stream);
  const analyser = context.createAnalyser();
  analyser.fftSize = fftSize;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  return {
    readRms: () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      return Math.sqrt(sum / samples.length);
    },
    dispose: () => {
      source.disconnect();
      analyser.disconnect();
    },
  };
}

/** An RMS level in dBFS (−∞ for silence). */
export function rmsToDbfs(rms: number): number {
  return rms > 0 ? 20 * Math.log10(rms) : Number.NEGATIVE_INFINITY;
}
