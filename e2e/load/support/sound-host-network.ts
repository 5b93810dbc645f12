import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

/** One simulated sound host: a network namespace with its own address on the test bridge. */
export interface SoundHostNamespace {
  /** `ip netns` name. */
  name: string;
  /** The host's address, as backends see its beacons. */
  ip: string;
}

/**
 * Sound hosts on separate network namespaces joined by a bridge in the test's namespace, so each
 * launcher really has its own address (a loopback alias would not do: sclang cannot bind its OSC
 * port to an address, so its beacons would all come from 127.0.0.1). The bridge address is where
 * the backends bind their OSC servers. Nothing touches the host's real interfaces.
 */
export interface SoundHostNetwork {
  bridgeIp: string;
  hosts: SoundHostNamespace[];
  /** `ip netns exec <ns> <command> …`: the arguments to spawn a process inside host i. */
  command(host: number, command: string, args: readonly string[]): [string, string[]];
  close(): void;
}

/** Why namespaces cannot be created here (not root, no `ip`), or undefined. */
export function soundHostNetworkUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return undefined;
  } catch (error) {
    return `ip netns is not usable: ${String(error)}`;
  }
}

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

/** Creates `count` sound host namespaces on a fresh bridge with a random 10.x.y.0/24 subnet. */
export function createSoundHostNetwork(count: number): SoundHostNetwork {
  const tag = `${(process.pid % 10_000).toString(36)}${randomInt(36 ** 2).toString(36)}`;
  const subnet = `10.${randomInt(200, 250)}.${randomInt(1, 254)}`;
  const bridge = `gcb${tag}`;
  const hosts: SoundHostNamespace[] = [];
  const links: string[] = [];
  const close = (): void => {
    for (const host of hosts) {
      try {
        ip('netns', 'del', host.name);
      } catch {
        // already gone
      }
    }
    for (const link of [...links, bridge]) {
      try {
        ip('link', 'del', link);
      } catch {
        // removed with its namespace
      }
    }
  };
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${subnet}.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (let i = 0; i < count; i++) {
      const name = `gcns${tag}${i}`;
      const outer = `gco${tag}${i}`;
      const inner = `gci${tag}${i}`;
      ip('netns', 'add', name);
      hosts.push({ name, ip: `${subnet}.${i + 2}` });
      ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
      links.push(outer);
      ip('link', 'set', inner, 'netns', name);
      ip('link', 'set', outer, 'master', bridge);
      ip('link', 'set', outer, 'up');
      ip('-n', name, 'addr', 'add', `${subnet}.${i + 2}/24`, 'dev', inner);
      ip('-n', name, 'link', 'set', inner, 'up');
      ip('-n', name, 'link', 'set', 'lo', 'up');
    }
  } catch (error) {
    close();
    throw error;
  }
  return {
    bridgeIp: `${subnet}.1`,
    hosts,
    command: (host, command, args) => {
      const ns = hosts[host];
      if (!ns) throw new Error(`no sound host ${host}`);
      return ['ip', ['netns', 'exec', ns.name, command, ...args]];
    },
    close,
  };
}
