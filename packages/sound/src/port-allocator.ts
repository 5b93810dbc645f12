import { createSocket } from 'node:dgram';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Which protocols a port must be free for. */
export type PortKind = 'udp' | 'tcp' | 'both';

/** Options of {@link createPortAllocator}. */
export interface PortAllocatorOptions {
  /** Directory holding one lock file per reserved port, shared by every launcher on the host. */
  lockDir?: string;
  /** Lowest candidate port (default 20000; below Linux' ephemeral range 32768–60999). */
  min?: number;
  /** Highest candidate port (default 32000). */
  max?: number;
}

/**
 * Hands out ports that are free now and stay reserved for this process: each port is probed by
 * binding it (UDP and/or TCP on 0.0.0.0) and claimed with an exclusive lock file holding our PID, so
 * several launchers or test runs on one host never pick the same port. Locks of dead PIDs are
 * reclaimed. Candidates lie below the kernel's ephemeral range so outgoing sockets don't steal them.
 */
export interface PortAllocator {
  /** One free port. */
  allocate(kind: PortKind): Promise<number>;
  /** `count` consecutive free ports; returns the first. */
  allocateRange(kind: PortKind, count: number): Promise<number>;
  /** Releases every port this allocator handed out. */
  releaseAll(): void;
}

const MAX_ATTEMPTS = 200;

/** Creates a {@link PortAllocator} (see there). */
export function createPortAllocator(options: PortAllocatorOptions = {}): PortAllocator {
  const lockDir = options.lockDir ?? join(tmpdir(), 'gencaster-ports');
  const min = options.min ?? 20000;
  const max = options.max ?? 32000;
  mkdirSync(lockDir, { recursive: true });
  const held = new Set<number>();

  const claim = (port: number): boolean => {
    const file = join(lockDir, String(port));
    for (let i = 0; i < 2; i++) {
      try {
        writeFileSync(file, String(process.pid), { flag: 'wx' });
        held.add(port);
        return true;
      } catch {
        if (!isStaleLock(file)) return false;
        try {
          unlinkSync(file);
        } catch {
          return false;
        }
      }
    }
    return false;
  };
  const release = (port: number): void => {
    held.delete(port);
    try {
      unlinkSync(join(lockDir, String(port)));
    } catch {
      // already gone
    }
  };

  const allocateRange = async (kind: PortKind, count: number): Promise<number> => {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const first = min + Math.floor(Math.random() * (max - min - count));
      const claimed: number[] = [];
      let ok = true;
      for (let port = first; port < first + count; port++) {
        if (!claim(port)) {
          ok = false;
          break;
        }
        claimed.push(port);
        if (!(await isPortFree(port, kind))) {
          ok = false;
          break;
        }
      }
      if (ok) return first;
      claimed.forEach(release);
    }
    throw new Error(
      `no ${count} free ${kind} port(s) in ${min}-${max} after ${MAX_ATTEMPTS} attempts`,
    );
  };

  return {
    allocate: (kind) => allocateRange(kind, 1),
    allocateRange,
    releaseAll: () => [...held].forEach(release),
  };
}

function isStaleLock(file: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Whether `port` can be bound right now for the given protocol(s). */
export async function isPortFree(port: number, kind: PortKind): Promise<boolean> {
  if (kind !== 'tcp' && !(await canBindUdp(port))) return false;
  if (kind !== 'udp' && !(await canBindTcp(port))) return false;
  return true;
}

function canBindUdp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: '0.0.0.0', exclusive: true }, () =>
      socket.close(() => resolve(true)),
    );
  });
}

function canBindTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });
}
