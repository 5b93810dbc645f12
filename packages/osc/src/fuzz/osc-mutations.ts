// Generators of hostile OSC datagrams for the fuzz suites: random bytes and mutations of valid
// protocol messages. Deterministic for a seed, so a failing run can be replayed.
import { encodeOscMessage } from '../osc-codec.ts';
import { signRecord } from '../message-auth.ts';
import type { OscValue } from '../osc-values.ts';

/** Deterministic PRNG (mulberry32) returning numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Largest datagram sent over loopback (UDP payload limit is 65 507 bytes). */
const MAX_DATAGRAM = 60_000;

function flat(record: Record<string, OscValue>): OscValue[] {
  return Object.entries(record).flat();
}

/** Valid messages of protocol 0.1, one of them signed with `secret`. */
export function validSeeds(secret: string, remotePassword: string): Uint8Array[] {
  const beacon = { name: 'fuzz', lang_port: 50_000, janus_out_room: '3', use_input: 1 };
  const ack = {
    uuid: '6f1c3a4e-0000-4000-8000-000000000001',
    status: 'FINISHED',
    return_value: '2',
  };
  return [
    encodeOscMessage('/beacon', flat(beacon)),
    encodeOscMessage('/beacon', flat(signRecord('/beacon', beacon, secret))),
    encodeOscMessage('/acknowledge', flat(ack)),
    encodeOscMessage('/acknowledge', flat(signRecord('/acknowledge', ack, secret))),
    encodeOscMessage('/remote/action', [
      'protocol_version',
      '0.1',
      'action',
      'code',
      'password',
      remotePassword,
      'cmd',
      '1',
      'target',
      'all',
    ]),
    encodeOscMessage('/log', ['level', 20, 'message', 'hello', 'stream_point', 'x']),
  ];
}

/** Offset of the type-tag string (`,…`) of an encoded message, or -1. */
function typeTagOffset(packet: Uint8Array): number {
  const end = packet.indexOf(0);
  if (end < 0) return -1;
  const offset = (end + 4) & ~3;
  return packet[offset] === 0x2c ? offset : -1;
}

function bundle(inner: Uint8Array[], depth: number, rand: () => number): Uint8Array {
  const parts: number[] = [...new TextEncoder().encode('#bundle\0'), 0, 0, 0, 0, 0, 0, 0, 1];
  for (const element of inner) {
    const content = depth > 0 ? bundle([element], depth - 1, rand) : element;
    // sometimes lie about the element size
    const size = rand() < 0.2 ? Math.floor(rand() * 2 ** 31) : content.length;
    parts.push(size >>> 24, (size >>> 16) & 255, (size >>> 8) & 255, size & 255, ...content);
  }
  return new Uint8Array(parts);
}

/** The mutation kinds, for reporting. */
export const MUTATIONS = [
  'random-bytes',
  'truncate',
  'bit-flips',
  'type-tags',
  'huge-string',
  'bundle',
  'invalid-utf8',
  'valid',
] as const;
/** One of {@link MUTATIONS}. */
export type Mutation = (typeof MUTATIONS)[number];

/**
 * One hostile datagram: random bytes, or a valid seed truncated, bit-flipped, with wrong type tags,
 * with a huge string, wrapped in (nested, many-element, mis-sized) bundles, with invalid UTF-8, or
 * unchanged (a few valid packets keep the handlers busy, too).
 */
export function hostilePacket(
  seeds: readonly Uint8Array[],
  rand: () => number,
): { kind: Mutation; packet: Uint8Array } {
  // huge strings are expensive to send and decode: 3 % of the packets, the rest evenly spread
  const others = MUTATIONS.filter((m) => m !== 'huge-string');
  const kind: Mutation =
    rand() < 0.03 ? 'huge-string' : (others[Math.floor(rand() * others.length)] ?? 'valid');
  const seed = seeds[Math.floor(rand() * seeds.length)] ?? new Uint8Array(4);
  let packet: Uint8Array = new Uint8Array(seed);
  switch (kind) {
    case 'random-bytes':
      packet = new Uint8Array(1 + Math.floor(rand() * 300)).map(() => Math.floor(rand() * 256));
      if (rand() < 0.5) packet[0] = 0x2f; // starts like an address
      break;
    case 'truncate':
      packet = packet.slice(0, Math.max(1, Math.floor(rand() * packet.length)));
      break;
    case 'bit-flips':
      for (let i = 0, n = 1 + Math.floor(rand() * 8); i < n; i += 1) {
        const at = Math.floor(rand() * packet.length);
        packet[at] = (packet[at] ?? 0) ^ (1 << Math.floor(rand() * 8));
      }
      break;
    case 'type-tags': {
      const offset = typeTagOffset(packet);
      const tags = 'ifsbhtdSrmcTFNI[]?';
      for (let i = offset + 1; offset >= 0 && i < packet.length && packet[i] !== 0; i += 1) {
        if (rand() < 0.5) packet[i] = tags.charCodeAt(Math.floor(rand() * tags.length));
      }
      break;
    }
    case 'huge-string': {
      const size = 1000 + Math.floor(rand() * (MAX_DATAGRAM - 1000));
      const text = 'A'.repeat(size);
      packet =
        rand() < 0.5
          ? encodeOscMessage('/log', ['level', 20, 'message', text])
          : encodeOscMessage('/beacon', ['name', text, 'lang_port', 1]);
      if (rand() < 0.3) packet = packet.slice(0, packet.length - 4 - Math.floor(rand() * 100)); // unterminated
      break;
    }
    case 'bundle': {
      const count = rand() < 0.3 ? 100 : 1 + Math.floor(rand() * 4);
      const elements = Array.from(
        { length: count },
        () => seeds[Math.floor(rand() * seeds.length)] ?? seed,
      );
      packet = bundle(elements, Math.floor(rand() * 7), rand).slice(0, MAX_DATAGRAM);
      break;
    }
    case 'invalid-utf8': {
      const bad = [0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0xed, 0xa0, 0x80, 0xf8];
      for (let i = 0, n = 1 + Math.floor(rand() * 4); i < n; i += 1) {
        const at = Math.floor(rand() * packet.length);
        if (packet[at] !== 0) packet[at] = bad[Math.floor(rand() * bad.length)] ?? 0xff;
      }
      break;
    }
    case 'valid':
      break;
  }
  return { kind, packet: packet.length === 0 ? new Uint8Array([0]) : packet };
}
