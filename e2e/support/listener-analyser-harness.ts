/**
 * In-page harness for Janus audio tests: records the local SDPs, creates a `JanusStreamPlayer`
 * (bundled as the global `JanusStreamPlayer`) that feeds an <audio> element and a WebAudio
 * analyser, and defines `window.measure()` → `{ rms, frequency }` (time-domain RMS and the
 * dominant FFT bin). Player states are collected in `window.playerStates`. With `pointUrls`
 * (mountpoint id → the backend's `/janus/point/<uuid>` gateway URL, as an editor with its cookie
 * uses it), `window.player.watch(id)` switches to a player on that point's gateway URL.
 */
export function analyserHarness(options: {
  janusUrl: string;
  /** Listener token sent as the Janus token (the backend's gateway). */
  token?: string | undefined;
  /** Send the page's cookies (an editor session) with every Janus request. */
  withCredentials?: boolean;
  pointUrls?: Record<number, string>;
  disconnectGraceMs?: number;
}): string {
  return `(() => {
  window.localSdps = [];
  const setLocal = RTCPeerConnection.prototype.setLocalDescription;
  RTCPeerConnection.prototype.setLocalDescription = function (description) {
    if (description && description.sdp) window.localSdps.push(description.sdp);
    return setLocal.apply(this, arguments);
  };
  const audio = document.createElement('audio');
  document.body.append(audio);
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 8192;
  let source;
  window.playerStates = [];
  const pointUrls = ${JSON.stringify(options.pointUrls ?? {})};
  const create = (server) => JanusStreamPlayer.createJanusStreamPlayer({
    server,
    token: ${JSON.stringify(options.token)},
    withCredentials: ${JSON.stringify(options.withCredentials ?? false)},
    iceServers: [],
    disconnectGraceMs: ${options.disconnectGraceMs ?? 1500},
    onState: (state) => window.playerStates.push(state),
    onTrack: (track) => {
      source?.disconnect();
      source = undefined;
      audio.srcObject = track ? new MediaStream([track]) : null;
      if (!track) return;
      void audio.play();
      source = context.createMediaStreamSource(new MediaStream([track]));
      source.connect(analyser);
    },
  });
  const players = new Map();
  let current;
  const playerFor = (id) => {
    const server = pointUrls[id] ?? ${JSON.stringify(options.janusUrl)};
    if (!players.has(server)) players.set(server, create(server));
    return players.get(server);
  };
  window.player = {
    watch(id) {
      const next = playerFor(id);
      if (current && current !== next) current.stop();
      current = next;
      next.watch(id);
    },
    stop() { current?.stop(); },
  };
  window.measure = () => {
    const samples = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    const spectrum = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(spectrum);
    let peak = 0;
    for (let i = 1; i < spectrum.length; i++) if (spectrum[i] > spectrum[peak]) peak = i;
    return { rms: Math.sqrt(sum / samples.length), frequency: (peak * context.sampleRate) / analyser.fftSize };
  };
})()`;
}
