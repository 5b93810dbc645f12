import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  defaultSuperColliderPaths,
  formatFleetStatus,
  readFleetStatus,
  startSoundFleet,
  type FleetStatus,
  type SoundFleet,
  type SoundLogger,
} from '@gencaster/sound';
import { loadConfig, type BackendConfig } from '../config.ts';
import { resolveOscSecret } from '../osc-secret.ts';
import { createLogger, type Logger } from '../logger.ts';
import { waitForShutdownSignal } from '../shutdown.ts';

const repoRoot = resolve(import.meta.dirname, '../../../..');

/** Where a launcher keeps its generated configs and `status.json`. */
export function soundRunDir(config: BackendConfig): string {
  return join(config.dataDir, 'sound');
}

/** Own-property methods: the fleet copies loggers with object spread, which drops pino's prototype. */
function plainLogger(logger: Logger): SoundLogger {
  return {
    debug: (obj, msg) => logger.debug(obj, msg),
    info: (obj, msg) => logger.info(obj, msg),
    warn: (obj, msg) => logger.warn(obj, msg),
    error: (obj, msg) => logger.error(obj, msg),
  };
}

/** Where this host's Janus listens and how other hosts reach it (several sound hosts). */
export interface SoundHostOptions {
  /** Address the Janus HTTP API binds to (default 127.0.0.1). */
  janusBind?: string;
  /** Janus HTTP API URL beaconed to the backends (default http://<janusBind>:<port>/janus). */
  janusUrl?: string;
  /** Public IP of this host for WebRTC (Janus nat_1_1_mapping, beacon janus_public_ip). */
  publicIp?: string;
}

/** Starts N stream points that beacon to this backend's OSC port. */
export async function startConfiguredSoundFleet(
  config: BackendConfig,
  points: number,
  input: boolean,
  host: SoundHostOptions = {},
): Promise<SoundFleet> {
  const paths = defaultSuperColliderPaths(repoRoot);
  const oscSecret = resolveOscSecret(config).osc.secret;
  return startSoundFleet({
    points,
    input,
    backendOsc: {
      host: config.osc.host === '0.0.0.0' ? '127.0.0.1' : config.osc.host,
      port: config.osc.port,
    },
    runDir: soundRunDir(config),
    // The fleet runs as an unprivileged user: it may read the media library, never the database,
    // the secrets or uploads still being converted.
    dataDir: {
      dir: config.dataDir,
      readable: [join(config.dataDir, 'media')],
      private: [join(config.dataDir, 'media', 'incoming')],
    },
    ...(config.sound.user ? { user: config.sound.user } : {}),
    profile: config.sound.profile,
    // auto: the profile's wish (low-latency asks for SCHED_FIFO), tried and logged where refused
    ...(config.sound.realtime === 'off' ? { jack: { realtime: false } } : {}),
    janus: {
      dataDir: config.dataDir,
      ...(host.janusBind ? { httpBind: host.janusBind } : {}),
      ...(host.janusUrl ? { publicUrl: host.janusUrl } : {}),
      ...(host.publicIp ? { publicIp: host.publicIp } : {}),
    },
    superColliderStartupFile: paths.startupFile,
    extensionDir: paths.extensionDir,
    // the same secret as a backend of this data dir (generated there when GENCASTER_OSC_SECRET is unset)
    ...(oscSecret ? { oscSecret } : {}),
    logger: plainLogger(createLogger('sound')),
  });
}

/** The launcher's status, or undefined when no launcher ever wrote one in this data dir. */
export function readFleetStatusIfAny(runDir: string): FleetStatus | undefined {
  try {
    return readFleetStatus(runDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** `gencaster sound [--points N] [--input]` and `gencaster sound status`. */
export function registerSoundCommands(program: Command): void {
  const sound = program
    .command('sound')
    .description('run N stream points (jackd, scsynth/sclang, gstreamer, janus) until stopped')
    .option('--points <n>', 'number of stream points', '')
    .option('--input', 'accept listener microphones (Janus audiobridge per point)')
    .option('--janus-bind <address>', "address of this host's Janus HTTP API (default 127.0.0.1)")
    .option('--janus-url <url>', 'Janus HTTP API URL the backends use (beaconed per point)')
    .option('--public-ip <address>', 'public IP of this host for WebRTC (Janus nat_1_1_mapping)')
    .action(
      async (options: {
        points: string;
        input?: boolean;
        janusBind?: string;
        janusUrl?: string;
        publicIp?: string;
      }) => {
        const config = loadConfig();
        const points = options.points ? Number(options.points) : Math.max(config.sound.points, 1);
        if (!Number.isInteger(points) || points < 1)
          throw new Error(`--points must be a positive integer, got "${options.points}"`);
        const fleet = await startConfiguredSoundFleet(
          config,
          points,
          options.input ?? config.sound.input,
          { janusBind: options.janusBind, janusUrl: options.janusUrl, publicIp: options.publicIp },
        );
        console.log(
          `sound fleet running with ${points} stream point(s), Janus ${fleet.janus.publicUrl}; status: gencaster sound status`,
        );
        await waitForShutdownSignal();
        await fleet.stop();
      },
    );

  sound
    .command('status')
    .description("show each stream point's processes, uptime, restarts, CPU and audio level")
    .action(() => {
      const status = readFleetStatusIfAny(soundRunDir(loadConfig()));
      if (!status) {
        console.log('no sound fleet is running (start one with: gencaster sound --points 2)');
        process.exitCode = 1;
        return;
      }
      console.log(formatFleetStatus(status));
    });
}
