import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** True when nftables can be used (root and the `nft` binary). */
export function canBlockNetwork(): boolean {
  return existsSync('/usr/sbin/nft') && process.getuid?.() === 0;
}

/** A firewall block that drops all traffic of one Janus instance; `unblock` removes it. */
export interface NetworkBlock {
  unblock(): Promise<void>;
}

/**
 * Drops every packet to or from one Janus instance: its ICE/RTP port range (UDP) and, when given,
 * its HTTP API port (TCP), in an nftables table of its own so nothing else on the host is touched.
 */
export async function blockJanus(
  httpPort: number | null,
  rtpRange: [number, number],
): Promise<NetworkBlock> {
  const table = `gencaster_listener_${process.pid}_${rtpRange[0]}`;
  const range = `${rtpRange[0]}-${rtpRange[1]}`;
  const chain = (hook: string) =>
    [
      `  chain ${hook} {`,
      `    type filter hook ${hook} priority -10; policy accept;`,
      ...(httpPort === null
        ? []
        : [`    tcp dport ${httpPort} drop`, `    tcp sport ${httpPort} drop`]),
      `    udp dport ${range} drop`,
      `    udp sport ${range} drop`,
      '  }',
    ].join('\n');
  const dir = await mkdtemp(join(tmpdir(), 'listener-nft-'));
  const file = join(dir, 'block.nft');
  await writeFile(file, `table inet ${table} {\n${chain('input')}\n${chain('output')}\n}\n`);
  try {
    await run('nft', ['-f', file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  let removed = false;
  return {
    async unblock() {
      if (removed) return;
      removed = true;
      await run('nft', ['delete', 'table', 'inet', table]);
    },
  };
}
