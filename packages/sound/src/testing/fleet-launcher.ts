// A launcher in its own process for tests that kill it: starts a fleet from the JSON options in
// argv[2], prints one line `READY <json>` (fleet id, user, points with ports) once it runs, and
// stops the fleet on SIGINT/SIGTERM. Run with: node --import tsx fleet-launcher.ts '<json>'.
import { startSoundFleet, type SoundFleetOptions } from '../sound-fleet.ts';

type LauncherOptions = Omit<SoundFleetOptions, 'logger'>;

const options = JSON.parse(process.argv[2] ?? '{}') as LauncherOptions;
const log = (level: string) => (obj: object, msg?: string) => {
  if (level !== 'debug') process.stderr.write(`${level} ${msg ?? ''} ${JSON.stringify(obj)}\n`);
};
const fleet = await startSoundFleet({
  ...options,
  logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
});
process.stdout.write(
  `READY ${JSON.stringify({ id: fleet.id, user: fleet.user, points: fleet.points, janus: fleet.janus.url })}\n`,
);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void fleet.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
