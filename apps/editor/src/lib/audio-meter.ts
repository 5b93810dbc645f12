/** A level meter on a MediaStream in the page (what the author actually hears). */
export interface AudioMeter {
  /** RMS of the last analysis window in dBFS (−∞ for silence). */
  readDb(): number;
  close(): void;
}

/**
 * Measures a stream with a Web Audio analyser. The stream is not routed to the speakers (the
 * `<audio>` element plays it); the context must be resumed from a user gesture first.
 */
export function createAudioMeter(context: AudioContext, stream: MediaStream): AudioMeter {
  const source = context.createMediaStreamSource(stream);
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  return {
    readDb() {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      const rms = Math.sqrt(sum / samples.length);
      return rms > 0 ? 20 * Math.log10(rms) : Number.NEGATIVE_INFINITY;
    },
    close() {
      source.disconnect();
      analyser.disconnect();
    },
  };
}
