import { readFileSync } from 'node:fs';
import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

const JANUS_JS = '/usr/share/javascript/janus-gateway/janus.js';
const ADAPTER_JS = '/usr/share/javascript/webrtc-adapter/adapter.js';

/**
 * AudioWorklet that marks click onsets: the first sample above 0.1 after 250 ms of hold-off. It
 * posts the context time of that sample; the main thread stamps the arrival on the host clock
 * (`performance.timeOrigin + performance.now()`), which is when the energy reached the graph
 * (plus the worklet → main-thread hop, so the figure errs on the slow side).
 */
const ONSET_WORKLET = `
class Onset extends AudioWorkletProcessor {
  constructor() { super(); this.hold = 0; }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) for (let i = 0; i < channel.length; i++) {
      if (this.hold > 0) { this.hold--; continue; }
      if (Math.abs(channel[i]) > 0.1) {
        this.port.postMessage({ contextTime: currentTime + i / sampleRate });
        this.hold = Math.round(sampleRate * 0.25);
      }
    }
    return true;
  }
}
registerProcessor('onset', Onset);`;

/**
 * In-page code: `window.listenWebrtc(room, apiSecret, jitterBufferTargetMs, pin)` (straight to the
 * fleet's Janus, the benchmark's own page server, with the mountpoint's pin), `window.listenIcecast(path)`.
 */
const PAGE_SCRIPT = `
window.onsets = { webrtc: [], icecast: [] };
window.now = () => performance.timeOrigin + performance.now();
const context = new AudioContext({ latencyHint: 'interactive' });
const sink = context.createGain();
sink.gain.value = 0;
sink.connect(context.destination);
const ready = context.audioWorklet.addModule(
  URL.createObjectURL(new Blob([${JSON.stringify(ONSET_WORKLET)}], { type: 'text/javascript' })));
async function detector(kind, source) {
  await ready;
  const node = new AudioWorkletNode(context, 'onset');
  node.port.onmessage = (event) => window.onsets[kind].push({ at: window.now(), contextTime: event.data.contextTime });
  source.connect(node);
  node.connect(sink);
}
window.listenWebrtc = (room, apiSecret, jitterBufferTarget, pin) => new Promise((resolve, reject) => {
  Janus.init({ debug: false, callback: () => {
    let handle;
    let attached = false;
    const janus = new Janus({ server: location.origin + '/janus', apisecret: apiSecret, iceServers: [],
      error: reject,
      success: () => janus.attach({ plugin: 'janus.plugin.streaming',
        error: reject,
        success: (h) => { handle = h; handle.send({ message: { request: 'watch', id: room, pin } }); },
        onmessage: (message, jsep) => {
          if (!jsep) return;
          handle.createAnswer({ jsep, tracks: [{ type: 'audio', capture: false, recv: true }],
            success: (answer) => handle.send({ message: { request: 'start' }, jsep: answer }),
            error: reject });
        },
        onremotetrack: (track, mid, on) => {
          if (!on || attached) return;
          attached = true;
          window.peerConnection = handle.webrtcStuff.pc;
          for (const receiver of window.peerConnection.getReceivers())
            if (jitterBufferTarget !== null) receiver.jitterBufferTarget = jitterBufferTarget;
          const audio = document.createElement('audio');
          audio.muted = true;
          audio.srcObject = new MediaStream([track]);
          document.body.append(audio);
          void audio.play();
          detector('webrtc', context.createMediaStreamSource(new MediaStream([track]))).then(resolve, reject);
        } }) });
  } });
});
window.listenIcecast = async (path) => {
  const audio = document.createElement('audio');
  audio.src = path;
  document.body.append(audio);
  await detector('icecast', context.createMediaElementSource(audio));
  await audio.play();
};
window.webrtcStats = async () => {
  const stats = [...(await window.peerConnection.getStats()).values()];
  const inbound = stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'audio') || {};
  const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
  const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
  const remote = stats.find((s) => s.id === pair?.remoteCandidateId);
  return { packetsReceived: inbound.packetsReceived, packetsLost: inbound.packetsLost,
    concealedSamples: inbound.concealedSamples, totalSamplesReceived: inbound.totalSamplesReceived,
    jitterBufferMs: inbound.jitterBufferEmittedCount ? 1000 * inbound.jitterBufferDelay / inbound.jitterBufferEmittedCount : null,
    remoteAddress: remote?.address ?? null, baseLatencyMs: 1000 * context.baseLatency,
    outputLatencyMs: 1000 * (context.outputLatency || 0) };
};`;

/** Forwards a request to 127.0.0.1:port (same-origin access to Janus and Icecast for the page). */
function proxy(port: number, path: string, req: IncomingMessage, res: ServerResponse) {
  const upstream = request(
    {
      host: '127.0.0.1',
      port,
      path,
      method: req.method,
      headers: { ...req.headers, host: `127.0.0.1:${port}` },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
  res.on('close', () => upstream.destroy());
}

/** The measuring page's HTTP server; `url` is its origin. */
export interface LatencyPageServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the measuring page (janus.js, adapter, the onset detector) and proxies `/janus` to the
 * fleet's Janus and `/icecast/` to Icecast, so the page reads both streams same-origin (a
 * MediaElementSource of a cross-origin stream would be silent).
 */
export async function startLatencyPage(ports: {
  janus: number;
  icecast?: number;
}): Promise<LatencyPageServer> {
  const html = `<!doctype html><meta charset="utf-8"><title>latency</title>
<script src="/adapter.js"></script><script src="/janus.js"></script><script>${PAGE_SCRIPT}</script>`;
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/janus' || url.startsWith('/janus/')) return proxy(ports.janus, url, req, res);
    if (url.startsWith('/icecast/') && ports.icecast)
      return proxy(ports.icecast, url.slice('/icecast'.length), req, res);
    const files: Record<string, [string, string]> = {
      '/': ['text/html', html],
      '/janus.js': ['text/javascript', readFileSync(JANUS_JS, 'utf8')],
      '/adapter.js': ['text/javascript', readFileSync(ADAPTER_JS, 'utf8')],
    };
    const file = files[url];
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
