import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseLevelLine } from '../level-meter.ts';

/** A GStreamer receiver decoding a point's Opus RTP copy and reporting its levels. */
export interface RtpLevelProbe {
  readonly pid: number;
  /** Every level reading (loudest channel) since start. */
  readonly levels: Array<{ at: number; peakDb: number; rmsDb: number }>;
  stop(): Promise<void>;
}

/** Starts `udpsrc → rtpjitterbuffer → rtpopusdepay → opusdec → level → fakesink` on 127.0.0.1:`port`. */
export function startRtpLevelProbe(port: number): RtpLevelProbe {
  const caps = 'application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=111';
  const args = [
    '-oL',
    'gst-launch-1.0',
    '-m',
    'udpsrc',
    'address=127.0.0.1',
    `port=${port}`,
    `caps=${caps}`,
    '!',
    'rtpjitterbuffer',
    'latency=50',
    '!',
    'rtpopusdepay',
    '!',
    'opusdec',
    '!',
    'audioconvert',
    '!',
    'level',
    'interval=200000000',
    '!',
    'fakesink',
    'sync=false',
  ];
  const proc = spawn('stdbuf', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const levels: RtpLevelProbe['levels'] = [];
  createInterface({ input: proc.stdout }).on('line', (line) => {
    const level = parseLevelLine(line);
    if (level) levels.push({ at: Date.now(), ...level });
  });
  return {
    pid: proc.pid ?? -1,
    levels,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGINT');
        setTimeout(() => proc.kill('SIGKILL'), 3000).unref();
      }),
  };
}
