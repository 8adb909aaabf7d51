// Byte helpers shared by the engine, the trace and the capture writer.

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function hex(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += HEX[b];
  return text;
}

/** Hex text to bytes; undefined when it is not whole bytes of hex. */
export function fromHex(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(text)) return undefined;
  return Uint8Array.from(text.match(/../g) ?? [], (b) => parseInt(b, 16));
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
