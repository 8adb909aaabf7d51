// Turns OpenSSL's message, info and key log callbacks, and the records on the wire, into
// events of the log: what a student sees of each handshake.
import type { OpenSSL } from '../core/openssl.js';
import type { GlueHooks, Ptr } from '../core/pointers.js';
import type { EventLog, Expander } from './events.js';
import type { SslName, SslNames } from './ssl-names.js';
import type { WireChunk } from './wire.js';
import { ALERTS, name } from '../trace/names.js';
import { decodeHandshake, recordType, recordVersion, walkRecords } from '../trace/decode.js';

const SSL3_RT_CHANGE_CIPHER_SPEC = 20;
const SSL3_RT_HANDSHAKE = 22;
const TLS1_3_VERSION = 0x0304;
const CB = { LOOP: 0x01, READ: 0x04, HANDSHAKE_START: 0x10, HANDSHAKE_DONE: 0x20, ALERT: 0x4000 } as const;

// The trace's events are logged as compact rows (EventLog.addRow): the SSL's name, the message's
// bytes or the state's words, and numbers. These make them into events when they are read: a
// message is decoded then, not when it is sent.
/** A handshake message: `bytes` as the message callback gave them (undefined: ChangeCipherSpec), `tls13` 1 or 0. */
const message: Expander = (who, bytes, tls13) => {
  const { connection, side, name: ssl } = who as SslName;
  if (!bytes) return { kind: 'message', connection, from: side, type: 'ChangeCipherSpec', length: 1, fields: {}, c: `/* ${ssl} sends ChangeCipherSpec */` };
  const { type, length, fields } = decodeHandshake(bytes as Uint8Array, tls13 === 1);
  return { kind: 'message', connection, from: side, type, length, fields, c: `/* ${ssl} sends ${type} (${length} bytes) */` };
};
/** An alert: `received` 1 or 0, the level and description codes. */
const alert: Expander = (who, _, received, levelCode, code) => {
  const { connection, side, name: ssl } = who as SslName;
  const [direction, level, description] = [received ? 'received' : 'sent', levelCode === 1 ? 'warning' : 'fatal', name(ALERTS, code)] as const;
  return { kind: 'alert', connection, side, direction, level, description, c: `/* ${ssl} ${direction} alert: ${level} ${description} */` };
};
const state: Expander = (who, words) => {
  const { connection, side, name: ssl } = who as SslName;
  return { kind: 'state', connection, side, state: words as string, c: `/* ${ssl}: ${words} */` };
};
/**
 * A record of a flight, numbered in its connection from 1: walkRecords' codes in `d`, the type's
 * in the low 9 bits and the version's above them (each plus one), bit 26 set when the server sent it.
 */
const record: Expander = (connection, index, flight, number, length, d) => {
  const [type, version] = [recordType((d & 0x1ff) - 1), recordVersion(((d >> 9) & 0x1ffff) - 1)];
  const [from, to] = d & (1 << 26) ? ['server', 'client'] as const : ['client', 'server'] as const;
  return {
    kind: 'record', connection: connection as string, number, from, flight, index: index as number, type, version, length,
    c: `/* ${connection} record ${number}: ${from} → ${to}, ${type}, ${length} bytes */`,
  };
};

const UTF8 = new TextDecoder();

export class Tracer {
  /** NSS key log lines as OpenSSL wrote them, by connection name: decoded (and each secret kept once: both sides report it) when read. */
  readonly #keylogs = new Map<string, Uint8Array[]>();
  /** SSL_state_string_long's words, one string each however often they are logged. */
  readonly #states = new Map<string, string>();
  /** Records logged so far, by connection: each record's number is the next. */
  readonly #records = new Map<string, number>();

  constructor(private readonly openssl: OpenSSL, private readonly log: EventLog, private readonly ssls: SslNames) {}

  hooks(): Pick<GlueHooks, 'message' | 'info' | 'keylog'> {
    return {
      message: (ssl, writeP, version, contentType, buf, length) => {
        const who = this.ssls.get(ssl);
        if (!who || !writeP) return; // each message once: as its sender wrote it
        if (contentType === SSL3_RT_HANDSHAKE) {
          this.log.addRow(who, this.openssl.copyOut(buf, length), message, version === TLS1_3_VERSION ? 1 : 0, 0, 0, 0);
        } else if (contentType === SSL3_RT_CHANGE_CIPHER_SPEC) {
          this.log.addRow(who, undefined, message, 0, 0, 0, 0);
        }
      },
      info: (ssl, where, ret) => {
        const who = this.ssls.get(ssl);
        if (!who) return;
        if (where & CB.ALERT) {
          this.log.addRow(who, undefined, alert, where & CB.READ ? 1 : 0, ret >> 8, ret & 0xff, 0);
          return;
        }
        const words = where & CB.HANDSHAKE_START ? 'handshake start' : where & CB.HANDSHAKE_DONE ? 'handshake done'
          : where & CB.LOOP ? this.#state(this.openssl.glue.osb_ssl_state(ssl as Ptr<'SSL'>)) : undefined;
        if (words) this.log.addRow(who, words, state, 0, 0, 0, 0);
      },
      keylog: (ssl, line) => {
        const who = this.ssls.get(ssl);
        if (!who) return;
        const lines = this.#keylogs.get(who.connection);
        if (lines) lines.push(this.openssl.textBytes(line));
        else this.#keylogs.set(who.connection, [this.openssl.textBytes(line)]);
      },
    };
  }

  /** Logs the records of a flight that just crossed the wire. */
  flight(connection: string, chunk: WireChunk, flight: number): void {
    let [index, number] = [0, this.#records.get(connection) ?? 0];
    walkRecords(chunk.bytes, (_offset, _end, type, version, length) => {
      this.log.addRow(connection, index++, record, flight, ++number, length, (type + 1) | ((version + 1) << 9) | (chunk.from === 'server' ? 1 << 26 : 0));
    });
    this.#records.set(connection, number);
  }

  #state(words: string): string {
    const kept = this.#states.get(words);
    if (kept !== undefined) return kept;
    this.#states.set(words, words);
    return words;
  }

  /** The connection's secrets in the NSS key log format (SSLKEYLOGFILE), for Wireshark. */
  keylog(connection: string): string {
    const lines = new Set((this.#keylogs.get(connection) ?? []).map((bytes) => UTF8.decode(bytes)));
    return [...lines].map((l) => `${l}\n`).join('');
  }

  forget(connection: string): void {
    this.#keylogs.delete(connection);
    this.#records.delete(connection);
  }
}
