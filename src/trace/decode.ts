// Decodes what crosses the wire: TLS records (from the transcript) and handshake messages
// (as OpenSSL's message callback reports them, decrypted), keeping the fields that matter
// for resumption.
import { hex } from '../core/bytes.js';
import { CIPHER_SUITES, CONTENT_TYPES, EXTENSIONS, GROUPS, HANDSHAKE_TYPES, VERSIONS, name } from './names.js';

export interface TlsRecord {
  /** content_type, for example "handshake"; TLS 1.3 encrypts most as "application_data". */
  type: string;
  /** legacy_record_version */
  version: string;
  length: number;
  /** Offset of the record in its flight. */
  offset: number;
  /** The whole record, header included. */
  bytes: Uint8Array;
}

/**
 * Walks a flight's records without copying them: `visit` gets each one's offset and end, its
 * content type (-1: a trailing partial record), its legacy_record_version (-1: cut before it)
 * and its length.
 */
export function walkRecords(flight: Uint8Array, visit: (offset: number, end: number, type: number, version: number, length: number) => void): void {
  for (let at = 0; at < flight.length;) {
    const length = at + 5 <= flight.length ? (flight[at + 3] << 8) | flight[at + 4] : Infinity;
    const end = Math.min(flight.length, at + 5 + length);
    const complete = at + 5 + length <= flight.length;
    visit(at, end, complete ? flight[at] : -1, at + 3 <= flight.length ? (flight[at + 1] << 8) | flight[at + 2] : -1, complete ? length : end - at);
    at = end;
  }
}

/** A record's content type and version by name, as walkRecords gives their codes. */
export const recordType = (code: number) => (code < 0 ? 'partial' : name(CONTENT_TYPES, code));
export const recordVersion = (code: number) => (code < 0 ? '' : name(VERSIONS, code));

/** Splits a flight into records; a trailing partial record is returned with `type` "partial". */
export function parseRecords(flight: Uint8Array): TlsRecord[] {
  const records: TlsRecord[] = [];
  walkRecords(flight, (offset, end, type, version, length) => records.push({
    type: recordType(type), version: recordVersion(version), length, offset, bytes: flight.slice(offset, end),
  }));
  return records;
}

/** A byte reader that fails softly: a truncated field ends decoding, it never throws. */
class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array, readonly end = bytes.length) {}
  get left() {
    return this.end - this.at;
  }
  u8() {
    return this.left >= 1 ? this.bytes[this.at++] : NaN;
  }
  u16() {
    return (this.u8() << 8) | this.u8();
  }
  u24() {
    return (this.u8() << 16) | this.u16();
  }
  u32() {
    return ((this.u8() << 24) >>> 0) + (this.u24() >>> 0);
  }
  take(n: number) {
    const n2 = Math.max(0, Math.min(n, this.left));
    const out = this.bytes.subarray(this.at, this.at + n2);
    this.at += n2;
    return out;
  }
  /** A sub-reader over a vector with a length prefix of `width` bytes. */
  vector(width: 1 | 2 | 3) {
    const n = width === 1 ? this.u8() : width === 2 ? this.u16() : this.u24();
    const sub = new Reader(this.bytes, Math.min(this.end, this.at + (Number.isNaN(n) ? 0 : n)));
    sub.at = this.at;
    this.at = sub.end;
    return sub;
  }
}

const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

export interface Extension {
  type: string;
  length: number;
  /** Decoded fields, for the extensions that matter to sessions and key exchange. */
  fields?: Record<string, unknown>;
}

export interface HandshakeMessage {
  /** HandshakeType, for example "ClientHello"; a ServerHello that is a HelloRetryRequest says so. */
  type: string;
  length: number;
  fields: Record<string, unknown>;
}

/** Decodes one handshake message (type, length, body) as OpenSSL's message callback gives it. */
export function decodeHandshake(bytes: Uint8Array, tls13 = false): HandshakeMessage {
  const r = new Reader(bytes);
  const typeCode = r.u8();
  const length = r.u24();
  const body = new Reader(bytes, Math.min(bytes.length, 4 + length));
  body.at = 4;
  let type = name(HANDSHAKE_TYPES, typeCode);
  const fields: Record<string, unknown> = {};
  switch (typeCode) {
    case 1: { // ClientHello
      fields.legacyVersion = name(VERSIONS, body.u16());
      body.take(32);
      fields.sessionId = hex(body.vector(1).take(32));
      const suites = body.vector(2);
      const offered: string[] = [];
      while (suites.left >= 2) offered.push(name(CIPHER_SUITES, suites.u16()));
      fields.cipherSuites = offered;
      body.vector(1); // compression methods
      fields.extensions = extensions(body, 'client');
      break;
    }
    case 2: { // ServerHello, or HelloRetryRequest
      fields.legacyVersion = name(VERSIONS, body.u16());
      if (hex(body.take(32)) === HRR_RANDOM) type = 'HelloRetryRequest';
      fields.sessionId = hex(body.vector(1).take(32));
      fields.cipherSuite = name(CIPHER_SUITES, body.u16());
      body.u8();
      fields.extensions = extensions(body, type === 'HelloRetryRequest' ? 'hrr' : 'server');
      break;
    }
    case 4: // NewSessionTicket
      if (tls13) {
        fields.lifetime = body.u32();
        fields.ageAdd = body.u32();
        fields.nonce = hex(body.vector(1).take(255));
        fields.ticketLength = body.vector(2).left;
        fields.extensions = extensions(body, 'ticket');
      } else {
        fields.lifetimeHint = body.u32();
        fields.ticketLength = body.vector(2).left;
      }
      break;
    case 11: { // Certificate
      if (tls13) body.vector(1);
      const list = body.vector(3);
      let count = 0;
      while (list.left > 0) {
        list.vector(3);
        if (tls13) list.vector(2);
        count++;
      }
      fields.certificates = count;
      break;
    }
    case 8: // EncryptedExtensions
      fields.extensions = extensions(body, 'server', false);
      break;
  }
  return { type, length, fields };
}

function extensions(body: Reader, from: 'client' | 'server' | 'hrr' | 'ticket', present = true): Extension[] {
  if (!present && body.left === 0) return [];
  const list = body.vector(2);
  const out: Extension[] = [];
  while (list.left >= 4) {
    const code = list.u16();
    const data = list.vector(2);
    const ext: Extension = { type: name(EXTENSIONS, code), length: data.end - data.at };
    const fields = extensionFields(code, data, from);
    if (fields) ext.fields = fields;
    out.push(ext);
  }
  return out;
}

function extensionFields(code: number, d: Reader, from: string): Record<string, unknown> | undefined {
  switch (code) {
    case 35: // session_ticket: empty asks for a ticket, non-empty offers one
      return { ticketLength: d.left };
    case 41: { // pre_shared_key
      if (from !== 'client') return { selectedIdentity: d.u16() };
      const ids = d.vector(2);
      const identities: { length: number; obfuscatedTicketAge: number }[] = [];
      while (ids.left > 0) {
        const identity = ids.vector(2);
        identities.push({ length: identity.left, obfuscatedTicketAge: ids.u32() });
      }
      const binders = d.vector(2);
      let count = 0;
      while (binders.left > 0) {
        binders.vector(1);
        count++;
      }
      return { identities, binders: count };
    }
    case 45: { // psk_key_exchange_modes
      const modes = d.vector(1);
      const names: string[] = [];
      while (modes.left > 0) names.push(['psk_ke', 'psk_dhe_ke'][modes.u8()] ?? 'unknown');
      return { modes: names };
    }
    case 42: // early_data
      return from === 'ticket' ? { maxEarlyDataSize: d.u32() } : {};
    case 43: { // supported_versions
      if (from !== 'client') return { selected: name(VERSIONS, d.u16()) };
      const list = d.vector(1);
      const versions: string[] = [];
      while (list.left >= 2) versions.push(name(VERSIONS, list.u16()));
      return { versions };
    }
    case 51: { // key_share
      if (from === 'hrr') return { selectedGroup: name(GROUPS, d.u16()) };
      if (from === 'server') return { group: name(GROUPS, d.u16()) };
      const shares = d.vector(2);
      const groups: string[] = [];
      while (shares.left >= 4) {
        groups.push(name(GROUPS, shares.u16()));
        shares.vector(2);
      }
      return { groups };
    }
  }
  return undefined;
}

/** What a TLS 1.3-capable client's random legacy_session_id is, wherever one is shown. */
export const COMPATIBILITY_SESSION_ID = 'random compatibility session id (RFC 8446 D.4), not a session: a server that looks it up in its cache misses';

/**
 * Whether a ClientHello's session id is the random one a TLS 1.3-capable client sends for
 * middlebox compatibility (OpenSSL's SSL_OP_ENABLE_MIDDLEBOX_COMPAT, on by default) rather than
 * the id of a TLS 1.2 session it offers. The bytes tell them apart only so far: a TLS 1.2 ticket
 * comes with its own id, and a TLS 1.2 server that echoes the id resumed that session; a TLS 1.2
 * session offered by id that the server does not find looks the same as a compatibility id.
 */
export function isCompatibilitySessionId(clientHello: HandshakeMessage, serverHello?: HandshakeMessage): boolean {
  const f = clientHello.fields;
  if (clientHello.type !== 'ClientHello' || typeof f.sessionId !== 'string' || f.sessionId.length !== 64) return false;
  const extension = (m: HandshakeMessage, type: string) => (m.fields.extensions as Extension[] | undefined)?.find((e) => e.type === type)?.fields;
  if (!((extension(clientHello, 'supported_versions')?.versions as string[] | undefined) ?? []).includes('TLSv1.3')) return false;
  if (Number(extension(clientHello, 'session_ticket')?.ticketLength ?? 0) > 0) return false;
  const tls12Resumed = serverHello?.type === 'ServerHello' && extension(serverHello, 'supported_versions')?.selected !== 'TLSv1.3'
    && serverHello.fields.sessionId === f.sessionId;
  return !tls12Resumed;
}
