import { readdirSync, readFileSync } from 'node:fs';
import { runCommand } from './process-tools.ts';
import { wrapCommand, type SoundUser } from './sound-user.ts';

/** SCHED_FIFO priority of jackd (`-P`); libjack runs client process threads just below it. */
export const JACK_RT_PRIORITY = 70;
/** SCHED_FIFO priority of the sender pipeline's own threads (reader, encoder, UDP). */
export const SENDER_RT_PRIORITY = 60;
/** Bit of CAP_SYS_NICE in the /proc capability masks. */
const CAP_SYS_NICE_BIT = 23n;

/** Result of {@link probeRealtime}: granted with the priority to use, or refused and why. */
export type RealtimeDecision =
  | { granted: true; jackPriority: number; senderPriority: number }
  | {
      granted: false;
      /** What refused it, in words (the failed try's error, the limit seen). */
      reason: string;
      /** What an operator can do about it. */
      hint: string;
      /** RLIMIT_RTPRIO of the launcher (soft), CAP_SYS_NICE in its effective/bounding sets. */
      rtprioLimit: number | 'unlimited' | null;
      capSysNice: { effective: boolean; bounding: boolean } | null;
    };

/** Options of {@link probeRealtime}. */
export interface ProbeRealtimeOptions {
  /** Who runs jackd and the sender (the probe runs as this user, with the same launch wrapper). */
  user: SoundUser;
  /** For tests: the /proc/self/status and /proc/self/limits text. */
  procStatus?: string;
  procLimits?: string;
}

/** Soft RLIMIT_RTPRIO from /proc/self/limits ("Max realtime priority"). */
export function readRtprioLimit(limits: string): number | 'unlimited' | null {
  const line = limits.split('\n').find((l) => l.startsWith('Max realtime priority'));
  const soft = line?.slice('Max realtime priority'.length).trim().split(/\s+/)[0];
  if (soft === undefined) return null;
  if (soft === 'unlimited') return 'unlimited';
  return Number.isFinite(Number(soft)) ? Number(soft) : null;
}

/** CAP_SYS_NICE in the effective and bounding sets of /proc/self/status. */
export function readCapSysNice(status: string): { effective: boolean; bounding: boolean } | null {
  const mask = (name: string) => {
    const hex = new RegExp(`^${name}:\\s*([0-9a-f]+)`, 'm').exec(status)?.[1];
    return hex === undefined ? null : ((BigInt(`0x${hex}`) >> CAP_SYS_NICE_BIT) & 1n) === 1n;
  };
  const effective = mask('CapEff');
  const bounding = mask('CapBnd');
  return effective === null || bounding === null ? null : { effective, bounding };
}

/**
 * Decides whether jackd and the sender pipeline may run SCHED_FIFO on this host, by trying it:
 * `chrt -f <prio> true` as the sound user through the same setpriv wrapper the fleet uses (which
 * keeps CAP_SYS_NICE when the launcher is root). Reading the limits alone is not enough: a
 * container can hold CAP_SYS_NICE and still have no realtime budget (cgroup `cpu.rt_runtime_us`).
 * Without the capability the priority is capped at RLIMIT_RTPRIO. A refusal says why and what to do.
 */
export async function probeRealtime(options: ProbeRealtimeOptions): Promise<RealtimeDecision> {
  const status = options.procStatus ?? safeRead('/proc/self/status');
  const limits = options.procLimits ?? safeRead('/proc/self/limits');
  const capSysNice = readCapSysNice(status);
  const rtprioLimit = readRtprioLimit(limits);
  // As root the children keep CAP_SYS_NICE (ambient) if the launcher has it; otherwise they inherit
  // the launcher's RLIMIT_RTPRIO and may use priorities up to it.
  const privileged = options.user.switchUser && capSysNice?.effective === true;
  const cap = privileged ? Infinity : rtprioLimit === 'unlimited' ? Infinity : (rtprioLimit ?? 0);
  const jackPriority = Math.min(JACK_RT_PRIORITY, cap);
  const senderPriority = Math.min(SENDER_RT_PRIORITY, jackPriority - 10);
  const refuse = (reason: string) => ({
    granted: false as const,
    reason,
    hint: options.user.switchUser
      ? 'give the launcher CAP_SYS_NICE and a realtime budget (e.g. docker run --cap-add SYS_NICE --cpu-rt-runtime 950000, or systemd AmbientCapabilities=CAP_SYS_NICE); or set GENCASTER_SOUND_REALTIME=off to run without it'
      : `allow realtime priorities for ${options.user.name}: a line "${options.user.name} - rtprio 95" in /etc/security/limits.d/gencaster.conf (or membership in the audio group that jackd2 sets up), then log in again; or grant CAP_SYS_NICE; or set GENCASTER_SOUND_REALTIME=off to run without it`,
    rtprioLimit,
    capSysNice,
  });
  if (senderPriority < 1)
    return refuse(
      `no realtime rights: ${privileged ? '' : `RLIMIT_RTPRIO is ${String(rtprioLimit ?? 'unknown')} (needs ≥ 11) and `}CAP_SYS_NICE is ${capSysNice?.effective ? 'present' : 'absent'}`,
    );
  const argv = wrapCommand(options.user, 'chrt', ['--fifo', String(jackPriority), 'true'], {
    realtime: true,
  });
  const tried = await runCommand(argv.command, argv.args, { timeoutMs: 3000 });
  if (tried.code !== 0)
    return refuse(
      `SCHED_FIFO ${jackPriority} was refused: ${(tried.stderr || tried.stdout).trim() || `chrt exited with ${tried.code}`}`,
    );
  return { granted: true, jackPriority, senderPriority };
}

/** Threads of `pid` running SCHED_FIFO or SCHED_RR (policy field of /proc/<pid>/task/<tid>/stat). */
export function realtimeThreads(pid: number): number {
  let count = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = safeRead(`/proc/${pid}/task/${tid}/stat`);
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // policy is field 41 of stat; fields[0] is field 3 (state).
      const policy = Number(fields[38]);
      if (policy === 1 || policy === 2) count++;
    }
  } catch {
    // gone
  }
  return count;
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
