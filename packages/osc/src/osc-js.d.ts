// Types for the parts of the `osc` npm package (osc.js 2.4, CommonJS, no bundled types) we use.
declare module 'osc' {
  /** One argument with its OSC type tag (read/write with `metadata: true`). */
  export interface OscArgument {
    type: string;
    value?: unknown;
  }
  export interface OscMessage {
    address: string;
    args: OscArgument[];
  }
  export interface OscBundle {
    timeTag: { raw: [number, number]; native: number };
    packets: OscPacket[];
  }
  export type OscPacket = OscMessage | OscBundle;
  export interface OscOptions {
    metadata?: boolean;
    unpackSingleArgs?: boolean;
  }
  const osc: {
    readPacket(data: Uint8Array, options: OscOptions): OscPacket;
    writePacket(
      packet: OscMessage | { timeTag: unknown; packets: unknown[] },
      options: OscOptions,
    ): Uint8Array;
    timeTag(seconds: number): { raw: [number, number]; native: number };
  };
  export default osc;
}
