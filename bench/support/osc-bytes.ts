/** Encodes one OSC message with string and int32 arguments (enough to talk to scsynth and sclang). */
export function oscMessage(address: string, ...args: Array<string | number>): Buffer {
  const padded = (text: string): Buffer => {
    const raw = Buffer.from(text, 'utf8');
    const out = Buffer.alloc(Math.ceil((raw.length + 1) / 4) * 4);
    raw.copy(out);
    return out;
  };
  const parts = [
    padded(address),
    padded(`,${args.map((arg) => (typeof arg === 'string' ? 's' : 'i')).join('')}`),
  ];
  for (const arg of args) {
    if (typeof arg === 'string') parts.push(padded(arg));
    else {
      const int = Buffer.alloc(4);
      int.writeInt32BE(arg);
      parts.push(int);
    }
  }
  return Buffer.concat(parts);
}
