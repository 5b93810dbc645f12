/** Tuning of the outgoing Opus/RTP pipeline (defaults: the `low-latency` sender profile's sizes). */
export interface OutPipelineTuning {
  /** jackaudiosrc ring buffer in µs (default 100000). */
  bufferTimeUs?: number;
  /** jackaudiosrc segment in µs (default 5000). */
  latencyTimeUs?: number;
  /** Opus frame size in ms (default 10). */
  opusFrameSizeMs?: number;
  /** Opus bitrate in bit/s (default 64000). */
  bitrate?: number;
  /**
   * Opus DTX (default true): a silent input is sent as one tiny packet every ~400 ms instead of
   * 100 a second (rtpopuspay drops the empty frames); sound resumes with the next frame, but
   * Chromium's jitter buffer grows across the gaps, so the low-latency profile turns it off.
   */
  dtx?: boolean;
}

/** Where the outgoing pipeline reads from and sends to. */
export interface OutPipelineOptions extends OutPipelineTuning {
  jackServer: string;
  /** JACK client name of the pipeline; its ports are `<client>:in_src_1/2`. */
  clientName: string;
  rtpPort: number;
  /** Extra 127.0.0.1 ports that get a copy of the RTP (monitoring, tests). */
  monitorPorts?: readonly number[];
  /** Interval of `level` messages in ms (default 250). */
  levelIntervalMs?: number;
}

/** The JACK input ports the out pipeline registers (scsynth connects its outputs to them). */
export function outPipelinePorts(clientName: string): [string, string] {
  return [`${clientName}:in_src_1`, `${clientName}:in_src_2`];
}

/**
 * `gst-launch-1.0 -m` arguments: jackaudiosrc (connect=none; scsynth connects itself via
 * SC_JACK_DEFAULT_OUTPUTS; JACK runs at 48 kHz, so no resampler) → F32 to S16 without dither
 * (dither turns digital silence into noise, which the encoder must then code at full rate and
 * which defeats DTX) → level (posts peak/RMS messages, parsed from -m output) → Opus (DTX) →
 * RTP pt 111 → UDP to Janus on 127.0.0.1 (plus optional monitor copies).
 */
export function outPipelineArgs(o: OutPipelineOptions): string[] {
  const levelNs = (o.levelIntervalMs ?? 250) * 1_000_000;
  const dtx = o.dtx ?? true;
  return [
    '-m',
    'jackaudiosrc',
    'name=src',
    `server=${o.jackServer}`,
    `client-name=${o.clientName}`,
    'connect=none',
    `buffer-time=${o.bufferTimeUs ?? 100_000}`,
    `latency-time=${o.latencyTimeUs ?? 2500}`,
    '!',
    'audio/x-raw,rate=48000,channels=2',
    '!',
    'audioconvert',
    'dithering=none',
    'noise-shaping=none',
    '!',
    'audio/x-raw,format=S16LE',
    '!',
    'level',
    'name=meter',
    `interval=${levelNs}`,
    'post-messages=true',
    '!',
    'opusenc',
    `bitrate=${o.bitrate ?? 64000}`,
    `frame-size=${o.opusFrameSizeMs ?? 10}`,
    'audio-type=restricted-lowdelay',
    `dtx=${dtx}`,
    '!',
    'rtpopuspay',
    'pt=111',
    `dtx=${dtx}`,
    '!',
    'multiudpsink',
    `clients=${[o.rtpPort, ...(o.monitorPorts ?? [])].map((port) => `127.0.0.1:${port}`).join(',')}`,
    'sync=false',
  ];
}

/** Where the microphone pipeline listens and which JACK server it plays into. */
export interface InPipelineOptions {
  jackServer: string;
  clientName: string;
  /** UDP port the audiobridge RTP forwarder sends to (bound on 127.0.0.1). */
  rtpPort: number;
  /** Payload type of the forwarder (Janus audiobridge default 100). */
  payloadType?: number;
}

/** The JACK output ports the in pipeline registers (scsynth connects its inputs to them). */
export function inPipelinePorts(clientName: string): [string, string] {
  return [`${clientName}:out_sink_1`, `${clientName}:out_sink_2`];
}

/** `gst-launch-1.0` arguments for the listener-microphone path: RTP Opus → jackaudiosink. */
export function inPipelineArgs(o: InPipelineOptions): string[] {
  const caps = `application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=${o.payloadType ?? 100}`;
  return [
    'udpsrc',
    'address=127.0.0.1',
    `port=${o.rtpPort}`,
    `caps=${caps}`,
    '!',
    'rtpjitterbuffer',
    'latency=60',
    '!',
    'rtpopusdepay',
    '!',
    'opusdec',
    '!',
    'audioconvert',
    '!',
    'audioresample',
    '!',
    'audio/x-raw,rate=48000,channels=2',
    '!',
    'jackaudiosink',
    'name=sink',
    `server=${o.jackServer}`,
    `client-name=${o.clientName}`,
    'connect=none',
  ];
}
