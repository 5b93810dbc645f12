import { GencasterError } from '@gencaster/domain';
import osc, { type OscMessage, type OscPacket } from 'osc';
import { toOscArgument, type OutgoingOscValue } from './osc-values.ts';

/** Bundles nested deeper than this are rejected (the protocol itself never uses bundles). */
export const MAX_BUNDLE_DEPTH = 4;
/** Largest number of messages accepted from one packet. */
export const MAX_MESSAGES_PER_PACKET = 64;

/** Encodes one OSC message with explicit type tags (integers `i`, other numbers `d`, booleans `T`/`F`, bytes `b`). */
export function encodeOscMessage(address: string, values: readonly OutgoingOscValue[]): Uint8Array {
  return osc.writePacket({ address, args: values.map(toOscArgument) }, { metadata: true });
}

function isMessage(packet: OscPacket): packet is OscMessage {
  return 'address' in packet;
}

/**
 * Decodes a UDP datagram into its messages (bundles flattened). Anything osc.js cannot read, deep
 * bundles and packets with too many messages become INVALID_INPUT; this never throws anything else.
 */
export function decodeOscPacket(data: Uint8Array): OscMessage[] {
  let packet: OscPacket;
  try {
    // a copy, so osc.js sees a buffer of its own (it ignores byteOffset for blobs)
    packet = osc.readPacket(new Uint8Array(data), { metadata: true });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new GencasterError('INVALID_INPUT', `undecodable OSC packet: ${text.slice(0, 200)}`, {
      cause: error,
    });
  }
  const messages: OscMessage[] = [];
  const walk = (current: OscPacket, depth: number): void => {
    if (isMessage(current)) {
      if (typeof current.address !== 'string' || !Array.isArray(current.args)) {
        throw new GencasterError('INVALID_INPUT', 'OSC message without address or arguments');
      }
      messages.push(current);
      if (messages.length > MAX_MESSAGES_PER_PACKET) {
        throw new GencasterError(
          'INVALID_INPUT',
          `more than ${MAX_MESSAGES_PER_PACKET} messages in one packet`,
        );
      }
      return;
    }
    if (depth >= MAX_BUNDLE_DEPTH) {
      throw new GencasterError(
        'INVALID_INPUT',
        `OSC bundles nested deeper than ${MAX_BUNDLE_DEPTH}`,
      );
    }
    if (!Array.isArray(current.packets))
      throw new GencasterError('INVALID_INPUT', 'OSC bundle without packets');
    for (const inner of current.packets) walk(inner, depth + 1);
  };
  walk(packet, 0);
  return messages;
}
