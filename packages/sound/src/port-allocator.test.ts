import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPortAllocator, isPortFree } from './port-allocator.ts';

describe('createPortAllocator', () => {
  const dirs: string[] = [];
  const lockDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'gencaster-ports-test-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('never hands the same port to two allocators sharing a lock dir', async () => {
    const dir = lockDir();
    const a = createPortAllocator({ lockDir: dir, min: 26000, max: 26040 });
    const b = createPortAllocator({ lockDir: dir, min: 26000, max: 26040 });
    const ports = [];
    for (let i = 0; i < 10; i++) ports.push(await a.allocate('udp'), await b.allocate('udp'));
    expect(new Set(ports).size).toBe(ports.length);
    a.releaseAll();
    b.releaseAll();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('skips a port that is bound by someone else', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '0.0.0.0', resolve));
    const taken = socket.address().port;
    try {
      expect(await isPortFree(taken, 'udp')).toBe(false);
      const allocator = createPortAllocator({ lockDir: lockDir(), min: taken, max: taken + 1 });
      await expect(allocator.allocate('udp')).rejects.toThrow(/no 1 free udp port/);
    } finally {
      socket.close();
    }
  });

  it('returns consecutive free ports for a range', async () => {
    const allocator = createPortAllocator({ lockDir: lockDir(), min: 27000, max: 28000 });
    const first = await allocator.allocateRange('udp', 20);
    for (let port = first; port < first + 20; port++)
      expect(await isPortFree(port, 'udp')).toBe(true);
    allocator.releaseAll();
  });

  it('reclaims the lock of a dead process', async () => {
    const dir = lockDir();
    const port = 29123;
    writeFileSync(join(dir, String(port)), '999999999'); // no such PID
    const allocator = createPortAllocator({ lockDir: dir, min: port, max: port + 1 });
    expect(await allocator.allocate('udp')).toBe(port);
    allocator.releaseAll();
    expect(existsSync(join(dir, String(port)))).toBe(false);
  });
});
