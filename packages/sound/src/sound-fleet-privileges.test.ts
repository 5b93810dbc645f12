// The fleet as an attacker with an editor account sees it (issue 14 item 4) and as a crashed
// backend leaves it (issue 15 item 5): a real launcher in its own process, a real one-point fleet.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFleetStatus } from './fleet-status.ts';
import type { PidRecord } from './fleet-pid-files.ts';
import { readJanusSecrets } from './janus-secrets.ts';
import { isPidAlive, readProcStat, readProcUids, waitUntil } from './process-tools.ts';
import { missingSoundBinaries } from './sound-binaries.ts';
import { FIXTURE_STARTUP_FILE } from './sound-fleet.ts';
import { resolveSoundUser, type SoundUser } from './sound-user.ts';
import { startOscTestBackend, type OscTestBackend } from './testing/osc-test-backend.ts';

const missing = missingSoundBinaries();
const asRoot = process.getuid?.() === 0;
if (!asRoot) console.warn('fleet privilege tests skipped: only root can drop to the sound user');
const CANARY = 'gencaster-canary-7f3a';

interface Launcher {
  child: ChildProcess;
  ready: { id: string; user: SoundUser; points: Array<{ ports: { lang: number } }> };
  output: () => string;
}

/** Every pid of the fleet in `status.json`, scsynth included (waits until it is there). */
async function fleetPids(runDir: string): Promise<Map<string, number>> {
  return waitUntil(
    'every fleet process in status.json',
    () => {
      const status = readFleetStatus(runDir);
      const pids = new Map<string, number>();
      if (status.janus.process.pid) pids.set('janus', status.janus.process.pid);
      for (const point of status.points)
        for (const p of point.processes) if (p.pid !== null) pids.set(p.name, p.pid);
      return pids.size >= 5 ? pids : undefined;
    },
    { timeoutMs: 20_000 },
  );
}

/** Live processes whose command line contains `needle` (and, optionally, of one uid). */
function processesMatching(needle: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((entry) => {
      try {
        return (
          isPidAlive(Number(entry)) &&
          readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(needle)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

// retry: real JACK, scsynth, sclang or Janus processes on a loaded 2-core CI machine can lose a race with the scheduler (start-up, ports, audio clock); one retry, reported as (retry x1).
describe.skipIf(missing.binaries.length > 0 || !asRoot)(
  'sound fleet as the unprivileged sound user (real launcher process, jackd, sclang, janus)',
  { retry: 1 },
  () => {
    const soundUser = asRoot ? resolveSoundUser() : undefined;
    let dataDir: string;
    let runDir: string;
    let media: string;
    let backend: OscTestBackend;
    let first: Launcher | undefined;
    let second: Launcher | undefined;
    let sequence = 0;

    const launch = async (): Promise<Launcher> => {
      const options = {
        points: 1,
        backendOsc: { host: '127.0.0.1', port: backend.port },
        runDir,
        dataDir: { dir: dataDir, readable: [media], private: [join(media, 'incoming')] },
        janus: { dataDir },
        superColliderStartupFile: FIXTURE_STARTUP_FILE,
      };
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(import.meta.dirname, 'testing', 'fleet-launcher.ts'),
          JSON.stringify(options),
        ],
        {
          env: { ...process.env, GENCASTER_TEST_CANARY: CANARY },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const ready = await waitUntil(
        'the launcher says READY',
        () => {
          if (child.exitCode !== null) throw new Error(`launcher exited:\n${out.slice(-3000)}`);
          const line = /^READY (.*)$/m.exec(out)?.[1];
          return line ? (JSON.parse(line) as Launcher['ready']) : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 250 },
      );
      return { child, ready, output: () => out };
    };

    /** Runs sclang code on the point and returns the acknowledged return value. */
    const run = async (launcher: Launcher, code: string): Promise<string> => {
      const uuid = `priv-${++sequence}`;
      await backend.sendInstruction(launcher.ready.points[0]!.ports.lang, uuid, code);
      const ack = await waitUntil(
        `acknowledgement of ${code}`,
        () =>
          backend.received.find(
            (m) =>
              m.address === '/acknowledge' &&
              m.fields.uuid === uuid &&
              m.fields.status !== 'RECEIVED',
          ),
        { timeoutMs: 15_000 },
      );
      expect(ack.fields.status, `status of ${code}`).toBe('FINISHED');
      const value = ack.fields.return_value;
      return typeof value === 'string' ? value : '';
    };

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'gencaster-priv-test-'));
      runDir = join(dataDir, 'sound');
      media = join(dataDir, 'media');
      // What a backend keeps in its data dir: the database, an upload in conversion, the library.
      mkdirSync(join(dataDir, 'db'));
      writeFileSync(join(dataDir, 'db', 'PG_VERSION'), 'database-content\n');
      mkdirSync(join(media, 'incoming'), { recursive: true });
      writeFileSync(join(media, 'incoming', 'upload.wav'), 'upload-in-progress\n');
      // A library a umask of 0077 made owner-only: the fleet start opens it to its group, read-only.
      mkdirSync(join(media, 'audio_files'), { mode: 0o700 });
      writeFileSync(join(media, 'audio_files', 'tone.txt'), 'MEDIA-OK\n', { mode: 0o600 });
      const wav = join(media, 'audio_files', 'tone.wav');
      execFileSync('sox', ['-n', '-r', '48000', '-c', '2', wav, 'synth', '0.5', 'sine', '440']);
      chmodSync(wav, 0o600);
      backend = await startOscTestBackend();
      first = await launch();
    }, 150_000);

    afterAll(async () => {
      for (const launcher of [first, second]) {
        if (launcher && launcher.child.exitCode === null && launcher.child.signalCode === null) {
          launcher.child.kill('SIGTERM');
          await new Promise((resolve) => launcher.child.once('exit', resolve));
        }
      }
      await backend?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('every fleet process runs as the sound user with no_new_privs', async () => {
      const pids = await fleetPids(runDir);
      console.warn(
        `fleet processes: ${[...pids].map(([name, pid]) => `${name}=${pid}`).join(' ')}; user ${soundUser!.name} (uid ${soundUser!.uid})`,
      );
      expect([...pids.keys()].sort()).toEqual(
        ['janus', 'point-1/gst-out', 'point-1/jackd', 'point-1/sclang', 'point-1/scsynth'].sort(),
      );
      for (const [name, pid] of pids) {
        const uids = readProcUids(pid);
        expect(uids, `uids of ${name}`).toEqual({
          real: soundUser!.uid,
          effective: soundUser!.uid,
        });
        expect(readFileSync(`/proc/${pid}/status`, 'utf8'), `${name}`).toMatch(
          /^NoNewPrivs:\s+1$/m,
        );
      }
      expect(first!.ready.user).toMatchObject({ name: soundUser!.name, switchUser: true });
    });

    it('SuperCollider code cannot read the database, the secrets, uploads or the launcher; it can read media', async () => {
      const secrets = readJanusSecrets(dataDir);
      const launcherPid = first!.child.pid!;
      const attacks: Array<[string, string]> = [
        [
          'the Janus secrets',
          `"cat '${join(dataDir, 'janus-secrets.json')}' 2>&1".unixCmdGetStdOut`,
        ],
        ['the database', `"cat '${join(dataDir, 'db', 'PG_VERSION')}' 2>&1".unixCmdGetStdOut`],
        ['the data dir listing', `"ls '${dataDir}' 2>&1".unixCmdGetStdOut`],
        [
          'an upload being converted',
          `"cat '${join(media, 'incoming', 'upload.wav')}' 2>&1".unixCmdGetStdOut`,
        ],
        ['the launcher environment', `"cat /proc/${launcherPid}/environ 2>&1".unixCmdGetStdOut`],
        [
          'writing the media library',
          `"{ echo x > '${join(media, 'evil.txt')}'; } 2>&1".unixCmdGetStdOut`,
        ],
        [
          'rewriting Janus config',
          `"{ echo x >> '${join(runDir, 'janus', 'janus.jcfg')}'; } 2>&1".unixCmdGetStdOut`,
        ],
        [
          'forging a pid file',
          `"{ echo x > '${join(runDir, 'pids', 'x.json')}'; } 2>&1".unixCmdGetStdOut`,
        ],
      ];
      for (const [what, code] of attacks) {
        const output = await run(first!, code);
        console.warn(`attack: ${what} → ${output.trim()}`);
        expect(output, what).toMatch(/Permission denied/);
        for (const secret of [
          secrets.apiSecret,
          secrets.adminSecret,
          'database-content',
          'upload-in-progress',
          CANARY,
        ])
          expect(output, what).not.toContain(secret);
      }
      expect(existsSync(join(media, 'evil.txt'))).toBe(false);
      // The launcher's environment (database URLs, passwords) never reaches sclang.
      expect(await run(first!, `"GENCASTER_TEST_CANARY".getenv`)).toMatch(/^nil$/);
      // Legitimate use still works: the media library is readable, code runs.
      expect(
        await run(first!, `"cat '${join(media, 'audio_files', 'tone.txt')}'".unixCmdGetStdOut`),
      ).toContain('MEDIA-OK');
      expect(await run(first!, '6 * 7')).toBe('42');
      // scsynth (the sound user too) loads an audio file of the library, as a cell playing it does.
      const wav = join(media, 'audio_files', 'tone.wav');
      await run(first!, `~gcTone = Buffer.read(Server.default, "${wav}"); 1`);
      const frames = await waitUntil(
        'scsynth loaded the library file',
        async () => {
          const value = Number(await run(first!, '~gcTone.numFrames ? 0'));
          return value > 0 ? value : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 300 },
      );
      expect(frames).toBe(24_000);
      expect(await run(first!, `"id -un".unixCmdGetStdOut`)).toContain(soundUser!.name);
    });

    it('kill -9 of the launcher leaves no fleet process (nor one a cell started) after 2 s', async () => {
      const pids = await fleetPids(runDir);
      // A cell that starts a background process, as an editor could.
      await run(first!, `"sleep 6123 > /dev/null 2>&1 &".unixCmd; 1`);
      const cellChild = await waitUntil(
        'the cell-started sleep',
        () => processesMatching('sleep 6123')[0],
        {
          timeoutMs: 5000,
        },
      );
      const all = [...pids.values(), cellChild, first!.child.pid!];
      const killedAt = Date.now();
      first!.child.kill('SIGKILL');
      const alive = () => all.filter((pid) => isPidAlive(pid));
      await waitUntil('every fleet process gone', () => alive().length === 0, {
        timeoutMs: 2000,
        intervalMs: 50,
      }).catch(() => {
        throw new Error(`alive 2 s after kill -9 of the launcher: ${alive().join(', ')}`);
      });
      console.warn(
        `kill -9 of the launcher → all ${all.length - 1} fleet processes gone in ${Date.now() - killedAt} ms`,
      );
      expect(processesMatching(`gencaster-${first!.ready.id}-`)).toEqual([]);
      // Killed by pdeathsig, the children left their pid records: the next start reads them.
      expect(readdirSync(join(runDir, 'pids')).length).toBeGreaterThan(0);
    });

    it('a restart ends a planted leftover, spares a reused pid and runs exactly one point', async () => {
      const pidDir = join(runDir, 'pids');
      const leftover = spawn('sleep', ['6124'], { detached: true, stdio: 'ignore' });
      const bystander = spawn('sleep', ['6125'], { detached: true, stdio: 'ignore' });
      try {
        await waitUntil(
          'both sleepers',
          () => readProcStat(leftover.pid!) && readProcStat(bystander.pid!),
          {
            timeoutMs: 2000,
          },
        );
        const plant = (name: string, pid: number, startTime: number) => {
          const record: PidRecord = {
            name,
            pid,
            startTime,
            launcherPid: first!.child.pid!, // dead now
            launcherStartTime: 0,
          };
          writeFileSync(join(pidDir, `${name.replaceAll('/', '__')}.json`), JSON.stringify(record));
        };
        plant('point-7/jackd', leftover.pid!, readProcStat(leftover.pid!)!.startTime);
        // The pid of a live, unrelated process, recorded with another start time: pid reuse.
        plant('point-7/sclang', bystander.pid!, readProcStat(bystander.pid!)!.startTime + 5);
        const restartAt = Date.now();
        second = await launch();
        expect(isPidAlive(leftover.pid!), 'the planted leftover was ended').toBe(false);
        expect(isPidAlive(bystander.pid!), 'the reused pid was left alone').toBe(true);
        expect(second.output()).toContain(`ended point-7/jackd (pid ${leftover.pid})`);
        const status = readFleetStatus(runDir);
        expect(status.fleetId).toBe(second.ready.id);
        expect(status.points).toHaveLength(1);
        // Exactly one jackd and one sclang of this run dir, and nothing of the first run.
        expect(processesMatching(`jackd -n gencaster-${second.ready.id}-`)).toHaveLength(1);
        expect(
          processesMatching(`-l ${join(runDir, 'point-1', 'sclang', 'sclang_conf.yaml')}`).length,
        ).toBeGreaterThanOrEqual(1);
        expect(processesMatching(`gencaster-${first!.ready.id}-`)).toEqual([]);
        const beaconPorts = await waitUntil(
          'a beacon of the restarted point',
          () => {
            const ports = new Set(
              backend.received
                .filter((m) => m.address === '/beacon' && m.at > restartAt)
                .map((m) => Number(m.fields.lang_port)),
            );
            return ports.size > 0 ? ports : undefined;
          },
          { timeoutMs: 15_000 },
        );
        expect([...beaconPorts]).toEqual([second.ready.points[0]!.ports.lang]);
      } finally {
        leftover.kill('SIGKILL');
        bystander.kill('SIGKILL');
      }
    });

    it('SIGTERM stops the launcher and leaves nothing behind', async () => {
      const pids = await fleetPids(runDir);
      second!.child.kill('SIGTERM');
      const code = await new Promise((resolve) => second!.child.once('exit', (c) => resolve(c)));
      expect(code).toBe(0);
      expect([...pids.values()].filter((pid) => isPidAlive(pid))).toEqual([]);
      expect(readdirSync(join(runDir, 'pids'))).toEqual([]);
    });
  },
);
