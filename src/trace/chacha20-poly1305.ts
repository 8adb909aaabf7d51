// ChaCha20-Poly1305 decryption (RFC 8439), for TLS records WebCrypto cannot open. It reads
// captures of the sandbox's own handshakes: plain and simple, not constant-time.

function chacha20Block(key: DataView, counter: number, nonce: DataView): Uint8Array {
  const state = new Uint32Array(16);
  state.set([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
  for (let i = 0; i < 8; i++) state[4 + i] = key.getUint32(i * 4, true);
  state[12] = counter;
  for (let i = 0; i < 3; i++) state[13 + i] = nonce.getUint32(i * 4, true);
  const x = state.slice();
  const quarter = (a: number, b: number, c: number, d: number) => {
    const rotl = (v: number, n: number) => (v << n) | (v >>> (32 - n));
    x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 16);
    x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 12);
    x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 8);
    x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 7);
  };
  for (let round = 0; round < 10; round++) {
    quarter(0, 4, 8, 12); quarter(1, 5, 9, 13); quarter(2, 6, 10, 14); quarter(3, 7, 11, 15);
    quarter(0, 5, 10, 15); quarter(1, 6, 11, 12); quarter(2, 7, 8, 13); quarter(3, 4, 9, 14);
  }
  const out = new Uint8Array(64);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 16; i++) view.setUint32(i * 4, (x[i] + state[i]) >>> 0, true);
  return out;
}

/** ChaCha20 from block `counter` on: encryption and decryption are the same XOR. */
export function chacha20(key: Uint8Array, nonce: Uint8Array, counter: number, data: Uint8Array): Uint8Array {
  const k = new DataView(key.buffer, key.byteOffset, 32);
  const n = new DataView(nonce.buffer, nonce.byteOffset, 12);
  const out = new Uint8Array(data.length);
  for (let at = 0; at < data.length; at += 64) {
    const stream = chacha20Block(k, counter + at / 64, n);
    for (let i = 0; i < 64 && at + i < data.length; i++) out[at + i] = data[at + i] ^ stream[i];
  }
  return out;
}

const littleEndian = (bytes: Uint8Array): bigint => bytes.reduceRight((n, b) => (n << 8n) | BigInt(b), 0n);

export function poly1305(key: Uint8Array, message: Uint8Array): Uint8Array {
  const p = (1n << 130n) - 5n;
  const r = littleEndian(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = littleEndian(key.subarray(16, 32));
  let acc = 0n;
  for (let at = 0; at < message.length; at += 16) {
    const block = message.subarray(at, at + 16);
    acc = ((acc + littleEndian(block) + (1n << BigInt(8 * block.length))) * r) % p;
  }
  acc = (acc + s) & ((1n << 128n) - 1n);
  return Uint8Array.from({ length: 16 }, (_, i) => Number((acc >> BigInt(8 * i)) & 0xffn));
}

/** Opens `sealed` (ciphertext then 16-byte tag); throws when the tag does not match. */
export function chacha20Poly1305Open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  if (sealed.length < 16) throw new Error('ChaCha20-Poly1305: shorter than its tag');
  const ciphertext = sealed.subarray(0, sealed.length - 16);
  const pad = (n: number) => new Uint8Array((16 - (n % 16)) % 16);
  const lengths = new Uint8Array(16);
  new DataView(lengths.buffer).setBigUint64(0, BigInt(aad.length), true);
  new DataView(lengths.buffer).setBigUint64(8, BigInt(ciphertext.length), true);
  const macData = new Uint8Array([...aad, ...pad(aad.length), ...ciphertext, ...pad(ciphertext.length), ...lengths]);
  const tag = poly1305(chacha20(key, nonce, 0, new Uint8Array(32)), macData);
  if (tag.some((b, i) => b !== sealed[ciphertext.length + i])) throw new Error('ChaCha20-Poly1305: the tag does not match');
  return chacha20(key, nonce, 1, ciphertext);
}
