// Opens TLS records with the secrets of an NSS key log (SSLKEYLOGFILE), as Wireshark does:
// TLS 1.3 traffic keys come from HKDF-Expand-Label over the logged traffic secrets (RFC 8446
// 7.1, 7.3), TLS 1.2 keys from the PRF over the logged master secret (RFC 5246 6.3). AES-GCM
// runs in WebCrypto (browser and Node alike); WebCrypto has no ChaCha20-Poly1305, so that AEAD
// is RFC 8439's, in ./chacha20-poly1305.ts.
import { concat, fromHex } from '../core/bytes.js';
import { chacha20Poly1305Open } from './chacha20-poly1305.js';

/** The key log's secrets, by client random (hex), then by label (CLIENT_HANDSHAKE_TRAFFIC_SECRET, …). */
export type KeyLog = Map<string, Map<string, Uint8Array>>;

export function parseKeyLog(text: string): KeyLog {
  const log: KeyLog = new Map();
  for (const line of text.split('\n')) {
    const [label, random, secret] = line.trim().split(/\s+/);
    const bytes = secret ? fromHex(secret) : undefined;
    if (!bytes || !random) continue;
    const secrets = log.get(random.toLowerCase()) ?? new Map<string, Uint8Array>();
    secrets.set(label, bytes);
    log.set(random.toLowerCase(), secrets);
  }
  return log;
}

type Hash = 'SHA-256' | 'SHA-384';
type Aead = 'AES-GCM' | 'ChaCha20-Poly1305';

/** An AEAD cipher suite, as far as opening its records needs. */
export interface AeadSuite {
  hash: Hash;
  aead: Aead;
  keyLength: number;
  /** TLS 1.2's implicit part of the nonce (4 for AES-GCM, 12 for ChaCha20); TLS 1.3 always uses 12. */
  fixedIvLength: number;
}

const GCM128_256: AeadSuite = { hash: 'SHA-256', aead: 'AES-GCM', keyLength: 16, fixedIvLength: 4 };
const GCM256_384: AeadSuite = { hash: 'SHA-384', aead: 'AES-GCM', keyLength: 32, fixedIvLength: 4 };
const CHACHA: AeadSuite = { hash: 'SHA-256', aead: 'ChaCha20-Poly1305', keyLength: 32, fixedIvLength: 12 };

/**
 * The suites whose records this module opens, by code point. Others (CCM, CBC, …) stay
 * encrypted in the dissection, which says so.
 */
export const AEAD_SUITES: Record<number, AeadSuite> = {
  0x1301: GCM128_256, 0x1302: GCM256_384, 0x1303: CHACHA,
  0xc02b: GCM128_256, 0xc02c: GCM256_384, 0xc02f: GCM128_256, 0xc030: GCM256_384,
  0x009e: GCM128_256, 0x009f: GCM256_384, 0x009c: GCM128_256, 0x009d: GCM256_384,
  0xcca8: CHACHA, 0xcca9: CHACHA, 0xccaa: CHACHA,
};

const subtle = () => globalThis.crypto.subtle;
/** WebCrypto takes bytes backed by an ArrayBuffer (never a SharedArrayBuffer): a copy is. */
const own = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

async function hmac(hash: Hash, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await subtle().importKey('raw', own(key), { name: 'HMAC', hash }, false, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', k, own(data)));
}

/** HKDF-Expand-Label(secret, label, "", length) of RFC 8446 7.1 (one HMAC block is enough for keys and IVs). */
export async function hkdfExpandLabel(hash: Hash, secret: Uint8Array, label: string, length: number): Promise<Uint8Array> {
  const full = new TextEncoder().encode(`tls13 ${label}`);
  const info = concat([Uint8Array.of(length >> 8, length & 0xff, full.length), full, Uint8Array.of(0)]);
  return (await hmac(hash, secret, concat([info, Uint8Array.of(1)]))).slice(0, length);
}

/** TLS 1.2's PRF, P_hash(secret, label + seed) cut to `length` (RFC 5246 5). */
async function prf12(hash: Hash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Promise<Uint8Array> {
  const labelled = concat([new TextEncoder().encode(label), seed]);
  const out: Uint8Array[] = [];
  let a = labelled;
  for (let n = 0; n < length;) {
    a = await hmac(hash, secret, a);
    const block = await hmac(hash, secret, concat([a, labelled]));
    out.push(block);
    n += block.length;
  }
  return concat(out).slice(0, length);
}

/** The keys of one direction: open(seq, record) gives the record's plaintext (TLS 1.3: still with its inner type). */
export class RecordKeys {
  private constructor(private readonly suite: AeadSuite, private readonly key: Uint8Array, private readonly iv: Uint8Array, private readonly tls12: boolean) {}

  /** TLS 1.3: the keys of a traffic secret. */
  static async fromTrafficSecret(suite: AeadSuite, secret: Uint8Array): Promise<RecordKeys> {
    const key = await hkdfExpandLabel(suite.hash, secret, 'key', suite.keyLength);
    return new RecordKeys(suite, key, await hkdfExpandLabel(suite.hash, secret, 'iv', 12), false);
  }

  /** TLS 1.2: one side's keys from the key block of the master secret. */
  static async fromMasterSecret(suite: AeadSuite, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, side: 'client' | 'server'): Promise<RecordKeys> {
    const { keyLength: k, fixedIvLength: i } = suite;
    const block = await prf12(suite.hash, master, 'key expansion', concat([serverRandom, clientRandom]), 2 * k + 2 * i);
    const key = side === 'client' ? block.slice(0, k) : block.slice(k, 2 * k);
    const iv = side === 'client' ? block.slice(2 * k, 2 * k + i) : block.slice(2 * k + i, 2 * k + 2 * i);
    return new RecordKeys(suite, key, iv, true);
  }

  /** Opens a whole record (header included); throws when authentication fails. */
  async open(seq: number, record: Uint8Array): Promise<Uint8Array> {
    const header = record.subarray(0, 5);
    let body = record.subarray(5);
    const seqBytes = new Uint8Array(8);
    new DataView(seqBytes.buffer).setBigUint64(0, BigInt(seq));
    let nonce: Uint8Array;
    let aad: Uint8Array;
    if (this.tls12 && this.suite.aead === 'AES-GCM') {
      // RFC 5288: the salt, then the 8 explicit nonce bytes the record carries.
      nonce = concat([this.iv, body.subarray(0, 8)]);
      body = body.subarray(8);
    } else {
      nonce = this.iv.slice();
      for (let i = 0; i < 8; i++) nonce[4 + i] ^= seqBytes[i];
    }
    if (this.tls12) {
      const length = body.length - 16;
      aad = concat([seqBytes, header.subarray(0, 3), Uint8Array.of(length >> 8, length & 0xff)]);
    } else {
      aad = header;
    }
    if (this.suite.aead === 'ChaCha20-Poly1305') return chacha20Poly1305Open(this.key, nonce, body, aad);
    const key = await subtle().importKey('raw', own(this.key), 'AES-GCM', false, ['decrypt']);
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: own(nonce), additionalData: own(aad), tagLength: 128 }, key, own(body)));
  }
}
