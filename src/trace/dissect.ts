// A connection's transcript as Wireshark shows it: each record as a tree of fields, each field
// with its byte range (for a hex view) and, where Wireshark has one, its display-filter name
// (tls.handshake.session_id, …: the capture test compares both with tshark's). With the
// connection's key log, encrypted records are opened (./decrypt.ts) and their content dissected
// the same way, over the decrypted bytes.
import type { Side } from '../core/constants.js';
import { hex } from '../core/bytes.js';
import { ALERTS, CIPHER_SUITES, CONTENT_TYPES, EXTENSIONS, GROUPS, HANDSHAKE_TYPES, VERSIONS, name } from './names.js';
import { COMPATIBILITY_SESSION_ID, decodeHandshake, isCompatibilitySessionId, parseRecords, type HandshakeMessage } from './decode.js';
import { AEAD_SUITES, RecordKeys, parseKeyLog, type KeyLog } from './decrypt.js';
import type { WireChunk } from './pcapng.js';

/** One line of the tree. */
export interface Field {
  /** What the tree shows, for example "Cipher Suite: TLS_AES_256_GCM_SHA384 (0x1302)". */
  label: string;
  /** Wireshark's display-filter field name, when Wireshark has one for it. */
  filter?: string;
  /** Its bytes: [start, end) in the bytes the tree is over (the record, or its decrypted content). */
  start: number;
  end: number;
  /** An explanation the bytes alone do not give (a compatibility session id, …). */
  note?: string;
  children?: Field[];
}

export interface DissectedRecord {
  /** The record's number in its connection, from 1, in the order records crossed the wire. */
  number: number;
  /** Its flight (the transcript's chunk) and its place in it, from 0, as RecordEvent has them. */
  flight: number;
  index: number;
  from: Side;
  /** The whole record, header included. */
  bytes: Uint8Array;
  /** The record layer, and what it carries in clear; over `bytes`. */
  fields: Field[];
  /** An encrypted record opened with the key log: its content (without TLS 1.3's inner type and padding) and its fields. */
  decrypted?: { bytes: Uint8Array; fields: Field[]; type: string; secret: string };
  /** Why an encrypted record stays encrypted. */
  encrypted?: string;
  /** The handshake messages it carries (decrypted or not), decoded as the event log has them. */
  messages: HandshakeMessage[];
  /** One line: "handshake: ClientHello", "application_data → handshake: EncryptedExtensions", …; "(encrypted)" when it stays so. */
  summary: string;
}

const TLS13 = 0x0304;
const TYPE = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23 } as const;
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

const code = (v: number, width: number) => `0x${v.toString(16).padStart(width * 2, '0')}`;
const named = (table: Record<number, string>, width = 2) => (v: number) => `${name(table, v)} (${code(v, width)})`;

/** Reads fields off a byte range, adding each to a list: a truncated field ends at the data's end. */
class Cursor {
  constructor(readonly bytes: Uint8Array, public at: number, readonly end: number) {}

  get left(): number {
    return this.end - this.at;
  }

  /** An unsigned big-endian integer field of `size` bytes, labelled `label: value` (or by `show`). */
  num(out: Field[], size: number, label: string, filter?: string, show: (v: number) => string = String): number {
    const start = this.at;
    const n = Math.min(size, this.left);
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 256 + this.bytes[this.at + i];
    this.at += n;
    out.push({ label: n < size ? `${label}: (truncated)` : `${label}: ${show(value)}`, ...(filter && { filter }), start, end: this.at });
    return n < size ? 0 : value;
  }

  /** `size` bytes as one field, shown in hex (or by `show`). */
  raw(out: Field[], size: number, label: string, filter?: string, show: (b: Uint8Array) => string = hex): Field {
    const start = this.at;
    this.at += Math.min(size, this.left);
    const field: Field = { label: `${label}: ${show(this.bytes.subarray(start, this.at))}`, ...(filter && { filter }), start, end: this.at };
    out.push(field);
    return field;
  }

  /** A sub-range of `size` bytes (the body of a vector whose length was just read). */
  take(size: number): Cursor {
    const sub = new Cursor(this.bytes, this.at, this.at + Math.min(size, this.left));
    this.at = sub.end;
    return sub;
  }

  /** A node over [start, this.at) holding `children`. */
  group(out: Field[], start: number, label: string, children: Field[], filter?: string): Field {
    const field: Field = { label, ...(filter && { filter }), start, end: this.at, children };
    out.push(field);
    return field;
  }
}

/** A list of `size`-byte code points after a length: each item a field, under a node named `listFilter`. */
function list(c: Cursor, out: Field[], lengthWidth: number, lengthLabel: string, lengthFilter: string, item: { size: number; label: string; filter: string; show?: (v: number) => string; plural: string; listFilter?: string }): number[] {
  const length = c.num(out, lengthWidth, lengthLabel, lengthFilter);
  const start = c.at;
  const body = c.take(length);
  const items: Field[] = [];
  const values: number[] = [];
  while (body.left > 0) values.push(body.num(items, item.size, item.label, item.filter, item.show));
  c.group(out, start, `${item.plural} (${values.length})`, items, item.listFilter);
  return values;
}

type Context = 'client' | 'server' | 'hrr' | 'ticket' | 'encrypted_extensions' | 'certificate';

function extensions(c: Cursor, out: Field[], from: Context): void {
  if (c.left === 0) return;
  const length = c.num(out, 2, 'Extensions Length', 'tls.handshake.extensions_length');
  const body = c.take(length);
  while (body.left > 0) {
    const start = body.at;
    const children: Field[] = [];
    const type = body.num(children, 2, 'Type', 'tls.handshake.extension.type', (v) => `${name(EXTENSIONS, v)} (${v})`);
    const size = body.num(children, 2, 'Length', 'tls.handshake.extension.len');
    const data = body.take(size);
    extension(type, data, children, from);
    if (data.left > 0) data.raw(children, data.left, 'Data', 'tls.handshake.extension.data');
    body.group(out, start, `Extension: ${name(EXTENSIONS, type)} (len=${size})`, children);
  }
}

function extension(type: number, d: Cursor, out: Field[], from: Context): void {
  switch (type) {
    case 0: { // server_name
      if (d.left === 0) return;
      const body = d.take(d.num(out, 2, 'Server Name list length', 'tls.handshake.extensions_server_name_list_len'));
      while (body.left > 0) {
        body.num(out, 1, 'Server Name Type', 'tls.handshake.extensions_server_name_type');
        body.raw(out, body.num(out, 2, 'Server Name length', 'tls.handshake.extensions_server_name_len'), 'Server Name', 'tls.handshake.extensions_server_name', (b) => new TextDecoder().decode(b));
      }
      return;
    }
    case 10:
      list(d, out, 2, 'Supported Groups List Length', 'tls.handshake.extensions_supported_groups_length',
        { size: 2, label: 'Supported Group', filter: 'tls.handshake.extensions_supported_group', show: named(GROUPS), plural: 'Supported Groups', listFilter: 'tls.handshake.extensions_supported_groups' });
      return;
    case 11:
      list(d, out, 1, 'EC point formats Length', 'tls.handshake.extensions_ec_point_formats_length',
        { size: 1, label: 'EC point format', filter: 'tls.handshake.extensions_ec_point_format', plural: 'Elliptic curves point formats', listFilter: 'tls.handshake.extensions_ec_point_formats' });
      return;
    case 13:
      list(d, out, 2, 'Signature Hash Algorithms Length', 'tls.handshake.sig_hash_alg_len',
        { size: 2, label: 'Signature Algorithm', filter: 'tls.handshake.sig_hash_alg', show: (v) => code(v, 2), plural: 'Signature Hash Algorithms', listFilter: 'tls.handshake.sig_hash_algs' });
      return;
    case 16: { // application_layer_protocol_negotiation
      const body = d.take(d.num(out, 2, 'ALPN Extension Length', 'tls.handshake.extensions_alpn_len'));
      while (body.left > 0) {
        body.raw(out, body.num(out, 1, 'ALPN string length', 'tls.handshake.extensions_alpn_str_len'), 'ALPN Next Protocol', 'tls.handshake.extensions_alpn_str', (b) => new TextDecoder().decode(b));
      }
      return;
    }
    case 35: // session_ticket: empty asks for a ticket, non-empty offers one (left to the generic Data field)
      return;
    case 41: { // pre_shared_key
      if (from !== 'client') {
        d.num(out, 2, 'Selected Identity', 'tls.handshake.extensions.psk.identity.selected');
        return;
      }
      const ids = d.take(d.num(out, 2, 'Identities Length', 'tls.handshake.extensions.psk.identities.length'));
      let count = 0;
      while (ids.left > 0) {
        const start = ids.at;
        const identity: Field[] = [];
        const length = ids.num(identity, 2, 'Identity Length', 'tls.handshake.extensions.psk.identity.identity_length');
        ids.raw(identity, length, 'Identity', 'tls.handshake.extensions.psk.identity.identity');
        ids.num(identity, 4, 'Obfuscated Ticket Age', 'tls.handshake.extensions.psk.identity.obfuscated_ticket_age');
        ids.group(out, start, `PSK Identity ${++count} (length: ${length})`, identity);
      }
      const bindersLength = d.num(out, 2, 'PSK Binders length', 'tls.handshake.extensions.psk.binders_len');
      const bindersStart = d.at;
      const binders = d.take(bindersLength);
      const entries: Field[] = [];
      while (binders.left > 0) binders.raw(entries, binders.num(entries, 1, 'Binder length'), 'Binder');
      out.push({ label: `PSK Binders (${entries.length / 2})`, filter: 'tls.handshake.extensions.psk.binders', start: bindersStart, end: d.at, children: entries });
      return;
    }
    case 42: // early_data
      if (from === 'ticket') d.num(out, 4, 'Maximum Early Data Size');
      return;
    case 43: // supported_versions
      if (from === 'client') {
        const body = d.take(d.num(out, 1, 'Supported Versions length', 'tls.handshake.extensions.supported_versions_len'));
        while (body.left > 0) body.num(out, 2, 'Supported Version', 'tls.handshake.extensions.supported_version', named(VERSIONS));
      } else {
        d.num(out, 2, 'Supported Version', 'tls.handshake.extensions.supported_version', named(VERSIONS));
      }
      return;
    case 44: // cookie
      d.raw(out, d.num(out, 2, 'Cookie length', 'tls.handshake.extensions.cookie_len'), 'Cookie', 'tls.handshake.extensions.cookie');
      return;
    case 45:
      list(d, out, 1, 'PSK Key Exchange Modes Length', 'tls.extension.psk_ke_modes_length',
        { size: 1, label: 'PSK Key Exchange Mode', filter: 'tls.extension.psk_ke_mode', show: (v) => `${['psk_ke', 'psk_dhe_ke'][v] ?? 'unknown'} (${v})`, plural: 'PSK Key Exchange Modes' });
      return;
    case 51: { // key_share
      if (from === 'hrr') {
        d.num(out, 2, 'Selected Group', 'tls.handshake.extensions_key_share_selected_group', named(GROUPS));
        return;
      }
      const shares = from === 'client' ? d.take(d.num(out, 2, 'Client Key Share Length', 'tls.handshake.extensions_key_share_client_length')) : d;
      while (shares.left > 0) {
        const start = shares.at;
        const entry: Field[] = [];
        const group = shares.num(entry, 2, 'Group', 'tls.handshake.extensions_key_share_group', named(GROUPS));
        const length = shares.num(entry, 2, 'Key Exchange Length', 'tls.handshake.extensions_key_share_key_exchange_length');
        shares.raw(entry, length, 'Key Exchange', 'tls.handshake.extensions_key_share_key_exchange');
        shares.group(out, start, `Key Share Entry: Group: ${name(GROUPS, group)}, Key Exchange length: ${length}`, entry);
      }
      return;
    }
    case 65281: { // renegotiation_info: empty on a first handshake
      const length = d.num(out, 1, 'Renegotiation info extension length', 'tls.handshake.extensions_reneg_info_len');
      if (length > 0) d.raw(out, length, 'Renegotiation info', 'tls.handshake.extensions_reneg_info');
      return;
    }
  }
}

/** The body of a handshake message, after its type and length. */
function handshakeBody(type: number, b: Cursor, out: Field[], tls13: boolean): void {
  switch (type) {
    case 1: { // ClientHello
      b.num(out, 2, 'Version', 'tls.handshake.version', named(VERSIONS));
      b.raw(out, 32, 'Random', 'tls.handshake.random');
      sessionId(b, out);
      list(b, out, 2, 'Cipher Suites Length', 'tls.handshake.cipher_suites_length',
        { size: 2, label: 'Cipher Suite', filter: 'tls.handshake.ciphersuite', show: named(CIPHER_SUITES), plural: 'Cipher Suites', listFilter: 'tls.handshake.ciphersuites' });
      list(b, out, 1, 'Compression Methods Length', 'tls.handshake.comp_methods_length',
        { size: 1, label: 'Compression Method', filter: 'tls.handshake.comp_method', show: (v) => (v === 0 ? 'null (0)' : String(v)), plural: 'Compression Methods', listFilter: 'tls.handshake.comp_methods' });
      extensions(b, out, 'client');
      return;
    }
    case 2: { // ServerHello, or HelloRetryRequest
      b.num(out, 2, 'Version', 'tls.handshake.version', named(VERSIONS));
      const random = b.raw(out, 32, 'Random', 'tls.handshake.random');
      const hrr = hex(b.bytes.subarray(random.start, random.end)) === HRR_RANDOM;
      if (hrr) random.note = 'the HelloRetryRequest value (RFC 8446 4.1.3): this ServerHello asks for another ClientHello';
      sessionId(b, out);
      b.num(out, 2, 'Cipher Suite', 'tls.handshake.ciphersuite', named(CIPHER_SUITES));
      b.num(out, 1, 'Compression Method', 'tls.handshake.comp_method');
      extensions(b, out, hrr ? 'hrr' : 'server');
      return;
    }
    case 4: // NewSessionTicket
      if (tls13) {
        b.num(out, 4, 'Ticket Lifetime', 'tls.handshake.session_ticket_lifetime_hint', (v) => `${v} seconds`);
        b.num(out, 4, 'Ticket Age Add', 'tls.handshake.session_ticket_age_add');
        b.raw(out, b.num(out, 1, 'Ticket Nonce Length', 'tls.handshake.session_ticket_nonce_length'), 'Ticket Nonce', 'tls.handshake.session_ticket_nonce');
        b.raw(out, b.num(out, 2, 'Session Ticket Length', 'tls.handshake.session_ticket_length'), 'Session Ticket', 'tls.handshake.session_ticket');
        extensions(b, out, 'ticket');
      } else {
        b.num(out, 4, 'Session Ticket Lifetime Hint', 'tls.handshake.session_ticket_lifetime_hint', (v) => `${v} seconds`);
        b.raw(out, b.num(out, 2, 'Session Ticket Length', 'tls.handshake.session_ticket_length'), 'Session Ticket', 'tls.handshake.session_ticket');
      }
      return;
    case 8: // EncryptedExtensions
      extensions(b, out, 'encrypted_extensions');
      return;
    case 11: { // Certificate
      if (tls13) b.raw(out, b.num(out, 1, 'Certificate Request Context Length', 'tls.handshake.certificate_request_context_length'), 'Certificate Request Context', 'tls.handshake.certificate_request_context');
      const length = b.num(out, 3, 'Certificates Length', 'tls.handshake.certificates_length');
      const start = b.at;
      const certs = b.take(length);
      const entries: Field[] = [];
      while (certs.left > 0) {
        certs.raw(entries, certs.num(entries, 3, 'Certificate Length', 'tls.handshake.certificate_length'), 'Certificate', 'tls.handshake.certificate', (c) => `${c.length} bytes of DER`);
        if (tls13) extensions(certs.take(2 + ((certs.bytes[certs.at] << 8) | certs.bytes[certs.at + 1])), entries, 'certificate');
      }
      b.group(out, start, `Certificates (${length} bytes)`, entries, 'tls.handshake.certificates');
      return;
    }
    case 12: { // ServerKeyExchange (ECDHE with a named curve; other key exchanges stay raw)
      if (b.bytes[b.at] !== 3) break;
      b.num(out, 1, 'Curve Type', 'tls.handshake.server_curve_type', (v) => `named_curve (${code(v, 1)})`);
      b.num(out, 2, 'Named Curve', 'tls.handshake.server_named_curve', named(GROUPS));
      b.raw(out, b.num(out, 1, 'Pubkey Length', 'tls.handshake.server_point_len'), 'Pubkey', 'tls.handshake.server_point');
      b.num(out, 2, 'Signature Algorithm', 'tls.handshake.sig_hash_alg', (v) => code(v, 2));
      b.raw(out, b.num(out, 2, 'Signature Length', 'tls.handshake.sig_len'), 'Signature', 'tls.handshake.sig');
      return;
    }
    case 15: // CertificateVerify
      b.num(out, 2, 'Signature Algorithm', 'tls.handshake.sig_hash_alg', (v) => code(v, 2));
      b.raw(out, b.num(out, 2, 'Signature length', 'tls.handshake.client_cert_vrfy.sig_len'), 'Signature', 'tls.handshake.client_cert_vrfy.sig');
      return;
    case 16: // ClientKeyExchange: an ECDHE point when its length fills the message
      if (b.bytes[b.at] + 1 !== b.left) break;
      b.raw(out, b.num(out, 1, 'Pubkey Length', 'tls.handshake.client_point_len'), 'Pubkey', 'tls.handshake.client_point');
      return;
    case 20: // Finished
      b.raw(out, b.left, 'Verify Data', 'tls.handshake.verify_data');
      return;
  }
  if (b.left > 0) b.raw(out, b.left, 'Body');
}

function sessionId(b: Cursor, out: Field[]): void {
  const length = b.num(out, 1, 'Session ID Length', 'tls.handshake.session_id_length');
  if (length > 0) b.raw(out, length, 'Session ID', 'tls.handshake.session_id');
}

/** The handshake messages in `c`, each a node; a message cut by the end of the record is shown as a fragment. */
function handshakeMessages(c: Cursor, out: Field[], tls13: boolean, messages: Seen[]): void {
  while (c.left > 0) {
    const start = c.at;
    const length = c.left >= 4 ? (c.bytes[c.at + 1] << 16) | (c.bytes[c.at + 2] << 8) | c.bytes[c.at + 3] : Infinity;
    if (4 + length > c.left) {
      c.raw(out, c.left, 'Handshake fragment (the message continues in another record; not reassembled)');
      return;
    }
    const children: Field[] = [];
    const type = c.num(children, 1, 'Handshake Type', 'tls.handshake.type', (v) => `${name(HANDSHAKE_TYPES, v)} (${v})`);
    c.num(children, 3, 'Length', 'tls.handshake.length');
    handshakeBody(type, c.take(length), children, tls13);
    const bytes = c.bytes.subarray(start, c.at);
    const message = decodeHandshake(bytes, tls13);
    messages.push({ message, bytes });
    c.group(out, start, `Handshake Protocol: ${message.type}`, children, 'tls.handshake');
  }
}

/** What a record's content is, dissected into `out`. */
/** A handshake message found in a record, with its bytes (type and length included). */
interface Seen {
  message: HandshakeMessage;
  bytes: Uint8Array;
}

function content(type: number, c: Cursor, out: Field[], tls13: boolean, messages: Seen[]): void {
  if (type === TYPE.handshake) handshakeMessages(c, out, tls13, messages);
  else if (type === TYPE.changeCipherSpec) c.num(out, 1, 'Change Cipher Spec Message', 'tls.change_cipher_spec');
  else if (type === TYPE.alert) {
    const start = c.at;
    const alert: Field[] = [];
    const level = c.num(alert, 1, 'Level', 'tls.alert_message.level', (v) => `${v === 1 ? 'Warning' : v === 2 ? 'Fatal' : 'Unknown'} (${v})`);
    const description = c.num(alert, 1, 'Description', 'tls.alert_message.desc', (v) => `${name(ALERTS, v)} (${v})`);
    c.group(out, start, `Alert Message: ${level === 1 ? 'warning' : 'fatal'} ${name(ALERTS, description)}`, alert, 'tls.alert_message');
  } else if (c.left > 0) c.raw(out, c.left, 'Application Data', 'tls.app_data');
}

/** Per direction: the keys in force and the next record's sequence number. */
interface Direction {
  keys?: RecordKeys;
  /** The key log label of the secret the keys came from. */
  secret?: string;
  seq: number;
  /** TLS 1.3: the side sent its Finished, so its records use its application traffic secret. */
  finished: boolean;
  /** TLS 1.2: the side sent its ChangeCipherSpec, so its records are encrypted. */
  changed: boolean;
}

/** What the dissection learns from the hellos: the randoms, and the version and suite chosen. */
interface Negotiated {
  clientRandom?: Uint8Array;
  serverRandom?: Uint8Array;
  suite?: number;
  version?: number;
}

/**
 * The transcript's records, dissected; with the connection's key log (NSS format) the encrypted
 * ones are opened too. Records are numbered from 1 in the order they crossed the wire.
 */
export async function dissect(transcript: WireChunk[], keylog = ''): Promise<DissectedRecord[]> {
  const secrets = parseKeyLog(keylog);
  const negotiated: Negotiated = {};
  const direction = (): Direction => ({ seq: 0, finished: false, changed: false });
  const sides: Record<Side, Direction> = { client: direction(), server: direction() };
  const out: DissectedRecord[] = [];
  for (const [flight, chunk] of transcript.entries()) {
    for (const [index, record] of parseRecords(chunk.bytes).entries()) {
      const dissected = await dissectRecord(record.bytes, sides[chunk.from], chunk.from, negotiated, secrets);
      out.push({ number: out.length + 1, flight, index, from: chunk.from, bytes: record.bytes, ...dissected });
    }
  }
  labelCompatibilitySessionIds(out);
  return out;
}

/** Notes on a ClientHello's session id that is only the random compatibility one (a HelloRetryRequest makes two ClientHellos). */
function labelCompatibilitySessionIds(records: DissectedRecord[]): void {
  const serverHello = records.flatMap((r) => r.messages).find((m) => m.type === 'ServerHello');
  for (const record of records) {
    if (!record.messages.some((m) => isCompatibilitySessionId(m, serverHello))) continue;
    const id = findField(record.fields, 'tls.handshake.session_id');
    if (id) id.note = COMPATIBILITY_SESSION_ID;
  }
}

export function findField(fields: Field[], filter: string): Field | undefined {
  for (const field of fields) {
    const found = field.filter === filter ? field : findField(field.children ?? [], filter);
    if (found) return found;
  }
  return undefined;
}

type RecordPart = Omit<DissectedRecord, 'number' | 'flight' | 'index' | 'from' | 'bytes'>;

async function dissectRecord(bytes: Uint8Array, direction: Direction, from: Side, negotiated: Negotiated, secrets: KeyLog): Promise<RecordPart> {
  const c = new Cursor(bytes, 0, bytes.length);
  const layer: Field[] = [];
  const type = bytes[0];
  const tls13 = negotiated.version === TLS13;
  // TLS 1.3 hides the real type of an encrypted record behind application_data (RFC 8446 5.2).
  const opaque = tls13 && type === TYPE.applicationData;
  const protectedRecord = opaque || (direction.changed && type !== TYPE.changeCipherSpec);
  c.num(layer, 1, opaque ? 'Opaque Type' : 'Content Type', opaque ? 'tls.record.opaque_type' : 'tls.record.content_type', (v) => `${name(CONTENT_TYPES, v)} (${v})`);
  c.num(layer, 2, 'Version', 'tls.record.version', named(VERSIONS));
  const length = c.num(layer, 2, 'Length', 'tls.record.length');
  const body = c.take(length);
  const seen: Seen[] = [];
  let decrypted: DissectedRecord['decrypted'];
  let encrypted: string | undefined;
  if (body.end - 5 < length) encrypted = 'the record is cut short';
  else if (!protectedRecord) content(type, body, layer, tls13, seen);
  else {
    body.raw(layer, body.left, tls13 ? 'Encrypted Application Data' : 'Encrypted Record', undefined, (b) => `${b.length} bytes`);
    const opened = await openRecord(bytes, type, direction, from, negotiated, secrets);
    if (typeof opened === 'string') encrypted = opened;
    else {
      const fields: Field[] = [];
      content(opened.type, new Cursor(opened.bytes, 0, opened.bytes.length), fields, tls13, seen);
      decrypted = { bytes: opened.bytes, fields, secret: opened.secret, type: name(CONTENT_TYPES, opened.type) };
    }
  }
  if (type === TYPE.changeCipherSpec && negotiated.version !== undefined && !tls13) direction.changed = true;
  for (const { message, bytes: messageBytes } of seen) learn(message, messageBytes, direction, negotiated);
  const messages = seen.map((s) => s.message);
  const what = name(CONTENT_TYPES, type);
  const carried = messages.length ? `: ${messages.map((m) => m.type).join(', ')}` : '';
  const summary = decrypted ? `${what} → ${decrypted.type}${carried}` : `${what}${carried}${encrypted ? ' (encrypted)' : ''}`;
  // Named by the version in use, as Wireshark does (TLS 1.3 records say TLS 1.2 in their header).
  const version = negotiated.version ?? ((bytes[1] << 8) | bytes[2]);
  const fields = [{ label: `${name(VERSIONS, version)} Record Layer: ${decrypted ? `${decrypted.type} (decrypted)` : what}${carried}`, filter: 'tls.record', start: 0, end: c.at, children: layer }];
  return { fields, messages, summary, ...(decrypted && { decrypted }), ...(encrypted && { encrypted }) };
}

/** Opens a protected record with the keys in force for its direction: its content and real type, or why it stays closed. */
async function openRecord(bytes: Uint8Array, type: number, direction: Direction, from: Side, negotiated: Negotiated, secrets: KeyLog): Promise<{ bytes: Uint8Array; type: number; secret: string } | string> {
  const tls13 = negotiated.version === TLS13;
  if (!direction.keys) {
    const suite = negotiated.suite !== undefined ? AEAD_SUITES[negotiated.suite] : undefined;
    if (!suite) return `not decrypted: ${negotiated.suite === undefined ? 'no ServerHello seen' : `${name(CIPHER_SUITES, negotiated.suite)} is not a suite this viewer opens`}`;
    const known = secrets.get(negotiated.clientRandom ? hex(negotiated.clientRandom) : '');
    const label = !tls13 ? 'CLIENT_RANDOM' : `${from.toUpperCase()}_${direction.finished ? 'TRAFFIC_SECRET_0' : 'HANDSHAKE_TRAFFIC_SECRET'}`;
    const secret = known?.get(label);
    if (!secret) return `not decrypted: the key log has no ${label} line for this connection`;
    direction.keys = tls13 ? await RecordKeys.fromTrafficSecret(suite, secret)
      : await RecordKeys.fromMasterSecret(suite, secret, negotiated.clientRandom!, negotiated.serverRandom!, from);
    direction.secret = label;
    direction.seq = 0;
  }
  let plain: Uint8Array;
  try {
    plain = await direction.keys.open(direction.seq++, bytes);
  } catch {
    return `not decrypted: the record does not authenticate with the keys from ${direction.secret}`;
  }
  if (!tls13) return { bytes: plain, type, secret: direction.secret! };
  // TLSInnerPlaintext: the content, its real type, zero padding (RFC 8446 5.2).
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  return { bytes: plain.slice(0, end - 1), type: plain[end - 1], secret: direction.secret! };
}

/** What a handshake message tells the dissection: the randoms, the version and suite, when keys change. */
function learn(message: HandshakeMessage, bytes: Uint8Array, direction: Direction, negotiated: Negotiated): void {
  // Type (1), length (3), legacy_version (2), then the random.
  const random = bytes.slice(6, 38);
  if (message.type === 'ClientHello') negotiated.clientRandom = random;
  if (message.type === 'ServerHello') {
    negotiated.serverRandom = random;
    const suiteAt = 39 + bytes[38];
    negotiated.suite = (bytes[suiteAt] << 8) | bytes[suiteAt + 1];
    const versions = (message.fields.extensions as { type: string; fields?: { selected?: string } }[]).find((e) => e.type === 'supported_versions');
    negotiated.version = versions?.fields?.selected === 'TLSv1.3' ? TLS13 : (bytes[4] << 8) | bytes[5];
  }
  // TLS 1.3: after its Finished, a side's records use its application traffic secret.
  if (message.type === 'Finished' && negotiated.version === TLS13) {
    direction.finished = true;
    direction.keys = undefined;
  }
}
