// A WebAudio probe of what a listener page's <audio data-testid=stream-audio> plays.
import type { Page } from 'playwright-core';

/**
 * What the page's <audio data-testid=stream-audio> plays: RMS and the level (dB) at 440 and 880 Hz,
 * from a WebAudio analyser on its current track (silence when it has none).
 */
export const installToneProbe = `(() => {
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 8192;
  let tapped;
  let source;
  window.toneProbe = () => {
    const element = document.querySelector('[data-testid="stream-audio"]');
    const track = element?.srcObject?.getAudioTracks?.()[0];
    const live = track && track.readyState === 'live' ? track : undefined;
    if (live !== tapped) {
      source?.disconnect();
      source = undefined;
      tapped = live;
      if (live) {
        source = context.createMediaStreamSource(new MediaStream([live]));
        source.connect(analyser);
      }
    }
    if (!source) return { rms: 0, at440: -200, at880: -200 };
    const samples = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    const spectrum = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(spectrum);
    const at = (hz) => {
      const bin = Math.round((hz * analyser.fftSize) / context.sampleRate);
      return Math.max(spectrum[bin - 1], spectrum[bin], spectrum[bin + 1]);
    };
    return { rms: Math.sqrt(sum / samples.length), at440: at(440), at880: at(880) };
  };
})()`;

export interface Tone {
  rms: number;
  at440: number;
  at880: number;
}
/** The page's current reading (install {@link installToneProbe} first). */
export const probe = (page: Page) => page.evaluate<Tone>('window.toneProbe()');

/** Polls `read` until `ok` holds; the last reading is in the failure message. */
export async function until(what: string, read: () => Promise<Tone>, ok: (tone: Tone) => boolean) {
  let last: Tone | undefined;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`timed out waiting for ${what}; last reading ${JSON.stringify(last)}`);
}
