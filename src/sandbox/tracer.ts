// Turns OpenSSL's message, info and key log callbacks, and the records on the wire, into
// events of the log: what a student sees of each handshake.
import type { OpenSSL } from '../core/openssl.js';
import type { GlueHooks, Ptr } from '../core/pointers.js';
import type { EventLog } from './events.js';
import type { SslNames } from './ssl-names.js';
import type { WireChunk } from './wire.js';
import { ALERTS, name } from '../trace/names.js';
import { decodeHandshake, parseRecords } from '../trace/decode.js';

const SSL3_RT_CHANGE_CIPHER_SPEC = 20;
const SSL3_RT_HANDSHAKE = 22;
const TLS1_3_VERSION = 0x0304;
const CB = { LOOP: 0x01, READ: 0x04, HANDSHAKE_START: 0x10, HANDSHAKE_DONE: 0x20, ALERT: 0x4000 } as const;

export class Tracer {
  /** NSS key log lines, by connection name; both sides report the same secrets, kept once. */
  readonly #keylogs = new Map<string, Set<string>>();
  /** Records logged so far, by connection: each record's number is the next. */
  readonly #records = new Map<string, number>();

  constructor(private readonly openssl: OpenSSL, private readonly log: EventLog, private readonly ssls: SslNames) {}

  hooks(): Pick<GlueHooks, 'message' | 'info' | 'keylog'> {
    return {
      message: (ssl, writeP, version, contentType, buf, length) => {
        const who = this.ssls.get(ssl);
        if (!who || !writeP) return; // each message once: as its sender wrote it
        if (contentType === SSL3_RT_HANDSHAKE) {
          const { type, length: size, fields } = decodeHandshake(this.openssl.copyOut(buf, length), version === TLS1_3_VERSION);
          this.log.add({ kind: 'message', connection: who.connection, from: who.side, type, length: size, fields,
            c: `/* ${who.name} sends ${type} (${size} bytes) */` });
        } else if (contentType === SSL3_RT_CHANGE_CIPHER_SPEC) {
          this.log.add({ kind: 'message', connection: who.connection, from: who.side, type: 'ChangeCipherSpec', length: 1, fields: {},
            c: `/* ${who.name} sends ChangeCipherSpec */` });
        }
      },
      info: (ssl, where, ret) => {
        const who = this.ssls.get(ssl);
        if (!who) return;
        if (where & CB.ALERT) {
          const direction = where & CB.READ ? 'received' : 'sent';
          const level = ret >> 8 === 1 ? 'warning' : 'fatal';
          const description = name(ALERTS, ret & 0xff);
          this.log.add({ kind: 'alert', connection: who.connection, side: who.side, direction, level, description,
            c: `/* ${who.name} ${direction} alert: ${level} ${description} */` });
          return;
        }
        const state = where & CB.HANDSHAKE_START ? 'handshake start' : where & CB.HANDSHAKE_DONE ? 'handshake done'
          : where & CB.LOOP ? this.openssl.glue.osb_ssl_state(ssl as Ptr<'SSL'>) : undefined;
        if (state) this.log.add({ kind: 'state', connection: who.connection, side: who.side, state, c: `/* ${who.name}: ${state} */` });
      },
      keylog: (ssl, line) => {
        const who = this.ssls.get(ssl);
        if (!who) return;
        const lines = this.#keylogs.get(who.connection) ?? new Set();
        lines.add(this.openssl.text(line));
        this.#keylogs.set(who.connection, lines);
      },
    };
  }

  /** Logs the records of a flight that just crossed the wire. */
  flight(connection: string, chunk: WireChunk, flight: number): void {
    parseRecords(chunk.bytes).forEach((record, index) => {
      const number = (this.#records.get(connection) ?? 0) + 1;
      this.#records.set(connection, number);
      this.log.add({
        kind: 'record', connection, number, from: chunk.from, flight, index, type: record.type, version: record.version, length: record.length,
        c: `/* ${connection} record ${number}: ${chunk.from} → ${chunk.from === 'client' ? 'server' : 'client'}, ${record.type}, ${record.length} bytes */`,
      });
    });
  }

  /** The connection's secrets in the NSS key log format (SSLKEYLOGFILE), for Wireshark. */
  keylog(connection: string): string {
    return [...(this.#keylogs.get(connection) ?? [])].map((l) => `${l}\n`).join('');
  }

  forget(connection: string): void {
    this.#keylogs.delete(connection);
    this.#records.delete(connection);
  }
}
