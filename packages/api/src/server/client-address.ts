import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** Who is calling, as far as the network says: the client's address and whether it used HTTPS. */
export interface ClientAddress {
  ip: string;
  secure: boolean;
}

/** Resolves a request's client address and scheme (see {@link createClientAddressResolver}). */
export type ClientAddressResolver = (request: IncomingMessage) => ClientAddress;

function normalise(address: string): string {
  const trimmed = address.trim().replace(/^\[|\]$/g, '');
  return trimmed.startsWith('::ffff:') && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
}

/**
 * A trusted-proxy list (`GENCASTER_TRUSTED_PROXIES`: addresses or CIDR ranges, IPv4 or IPv6).
 * Throws on an entry that is neither, so a typo fails at start instead of trusting nobody.
 */
export function parseTrustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry.length === 0) continue;
    const [address = '', prefix] = entry.split('/');
    const family = isIP(normalise(address));
    if (family === 0) throw new Error(`not an IP address or CIDR range: "${entry}"`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(normalise(address), type);
    else {
      const bits = Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128))
        throw new Error(`bad prefix length in "${entry}"`);
      list.addSubnet(normalise(address), bits, type);
    }
  }
  return list;
}

function trusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * The client address and scheme of a request. `X-Forwarded-For` and `X-Forwarded-Proto` count only
 * when the peer that connected is a trusted proxy; then the client is the right-most forwarded
 * address that is not itself a trusted proxy (entries left of it could be made up by the client).
 * Without trusted proxies, the socket's peer and TLS decide and forwarded headers are ignored.
 *
 * @example
 * const resolve = createClientAddressResolver(['10.0.0.0/8']);
 * resolve(request); // { ip: '203.0.113.9', secure: true } behind nginx with X-Forwarded-Proto https
 */
export function createClientAddressResolver(
  trustedProxies: readonly string[],
): ClientAddressResolver {
  const list = parseTrustedProxies(trustedProxies);
  const any = trustedProxies.some((entry) => entry.trim().length > 0);
  return (request) => {
    const peer = normalise(request.socket.remoteAddress ?? 'unknown');
    const tls = 'encrypted' in request.socket && request.socket.encrypted === true;
    if (!any || !trusted(list, peer)) return { ip: peer, secure: tls };
    const hops = (header(request, 'x-forwarded-for') ?? '')
      .split(',')
      .map(normalise)
      .filter((hop) => hop.length > 0);
    let ip = peer;
    for (let index = hops.length - 1; index >= 0; index -= 1) {
      const hop = hops[index] ?? '';
      if (isIP(hop) === 0) break;
      ip = hop;
      if (!trusted(list, hop)) break;
    }
    const proto = (header(request, 'x-forwarded-proto') ?? '').split(',')[0]?.trim().toLowerCase();
    return { ip, secure: tls || proto === 'https' };
  };
}
