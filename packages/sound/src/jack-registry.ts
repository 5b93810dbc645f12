import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { isPidAlive } from './process-tools.ts';

/** JACK2's shared registry of servers (one per /dev/shm, i.e. per host or private namespace). */
const REGISTRY_FILE = '/dev/shm/jack-shm-registry';
const MAGIC = 0x4a41434b; // "JACK"
const MAX_SERVERS = 8;
const HEADER_BYTES = 24; // magic u32, protocol u16 (+2 pad), type, size, hdr_len, entry_len (i32)
const SERVER_ENTRY_BYTES = 264; // pid i32 + name[JACK_SERVER_NAME_SIZE + 1], aligned to 4

/**
 * Frees registry slots of jackd servers that died without unregistering (kill -9, crashes).
 * jackd reclaims a dead slot only when a server of the *same name* starts again; our server names
 * are unique per fleet, so every killed jackd would otherwise keep one of the 8 slots for good and
 * later starts fail with "Too many servers already active". Only slots whose PID is gone are
 * zeroed; the file is left alone when its layout is not the one checked here. Returns the count.
 */
export function reclaimDeadJackServers(registryFile = REGISTRY_FILE): number {
  let fd: number;
  try {
    fd = openSync(registryFile, 'r+');
  } catch {
    return 0; // no registry yet: nothing to reclaim
  }
  try {
    const header = Buffer.alloc(HEADER_BYTES + MAX_SERVERS * SERVER_ENTRY_BYTES);
    if (readSync(fd, header, 0, header.length, 0) < header.length) return 0;
    const layoutMatches =
      header.readUInt32LE(0) === MAGIC && header.readInt32LE(16) === header.length;
    if (!layoutMatches) return 0;
    let reclaimed = 0;
    for (let slot = 0; slot < MAX_SERVERS; slot++) {
      const offset = HEADER_BYTES + slot * SERVER_ENTRY_BYTES;
      const pid = header.readInt32LE(offset);
      if (pid <= 0 || isPidAlive(pid)) continue;
      writeSync(fd, Buffer.alloc(SERVER_ENTRY_BYTES), 0, SERVER_ENTRY_BYTES, offset);
      reclaimed++;
    }
    return reclaimed;
  } finally {
    closeSync(fd);
  }
}
