// Turns a connection's transcript into a pcapng capture that Wireshark and tshark open: the
// in-memory wire has no packets, so the bytes are carried by a synthetic IPv4/TCP connection
// (10.0.0.1:49152 → 10.0.0.2:443). With a key log, a Decryption Secrets Block embeds it, so
// TLS 1.3 decrypts without a separate key file. The output depends only on the input.
import { concat } from '../core/bytes.js';
import type { Side } from '../core/constants.js';

/** Bytes that crossed the in-memory wire in one delivery (a flight of records). */
export interface WireChunk {
  from: Side;
  bytes: Uint8Array;
}

export interface PcapngOptions {
  /** NSS key log text (SSLKEYLOGFILE), embedded in a Decryption Secrets Block when not empty. */
  keylog?: string;
  /** Time of the first packet, seconds since the epoch; 0 (default) means 2025-01-01T00:00:00Z. */
  startTime?: number;
}

/** Fixed default start, so that captures are byte-for-byte repeatable. */
const DEFAULT_START = Date.UTC(2025, 0, 1) / 1000;
/** Segment payload limit: below a 1500-byte Ethernet MTU with room for the headers. */
const MSS = 1400;
/** LINKTYPE_RAW: each packet starts with its IPv4 header, no link layer to invent. */
const LINKTYPE_RAW = 101;
const BLOCK = { section: 0x0a0d0d0a, interface: 0x00000001, packet: 0x00000006, secrets: 0x0000000a } as const;
const SECRETS_TLS_KEYLOG = 0x544c534b; // "TLSK"

const TCP = { FIN: 0x01, SYN: 0x02, PSH: 0x08, ACK: 0x10 } as const;

interface Endpoint {
  ip: readonly [number, number, number, number];
  port: number;
  /** The next sequence number this side sends. */
  seq: number;
  /** IPv4 identification, counted per sender. */
  ipId: number;
}

/** A pcapng file (little-endian) of `transcript` carried over one synthetic TCP connection. */
export function toPcapng(transcript: WireChunk[], options: PcapngOptions = {}): Uint8Array {
  const blocks = [sectionHeader(), interfaceDescription()];
  if (options.keylog) blocks.push(decryptionSecrets(new TextEncoder().encode(options.keylog)));

  // Fixed initial sequence numbers: Wireshark shows them relative anyway.
  const client: Endpoint = { ip: [10, 0, 0, 1], port: 49152, seq: 0x1000_0000, ipId: 1 };
  const server: Endpoint = { ip: [10, 0, 0, 2], port: 443, seq: 0x2000_0000, ipId: 1 };
  const start = Math.round((options.startTime || DEFAULT_START) * 1e6);
  let packets = 0;
  const send = (from: Endpoint, to: Endpoint, flags: number, payload: Uint8Array = new Uint8Array(0)): void => {
    const ack = flags & TCP.ACK ? to.seq : 0;
    blocks.push(enhancedPacket(start + packets++ * 1000, ipv4Packet(from, to, tcpSegment(from, to, from.seq, ack, flags, payload))));
    // SYN and FIN each take one sequence number, as data bytes do.
    from.seq = (from.seq + payload.length + (flags & (TCP.SYN | TCP.FIN) ? 1 : 0)) >>> 0;
  };

  send(client, server, TCP.SYN);
  send(server, client, TCP.SYN | TCP.ACK);
  send(client, server, TCP.ACK);
  for (const chunk of transcript) {
    const [from, to] = chunk.from === 'client' ? [client, server] : [server, client];
    for (let at = 0; at < chunk.bytes.length; at += MSS) {
      const last = at + MSS >= chunk.bytes.length;
      // PSH on the flight's last segment, as a stack does when the writer's buffer is drained.
      send(from, to, TCP.ACK | (last ? TCP.PSH : 0), chunk.bytes.subarray(at, at + MSS));
    }
  }
  send(client, server, TCP.FIN | TCP.ACK);
  send(server, client, TCP.FIN | TCP.ACK);
  send(client, server, TCP.ACK);
  return concat(blocks);
}

/** A block: type, total length, body padded to 32 bits, total length again. */
function block(type: number, body: Uint8Array): Uint8Array {
  const padded = pad4(body.length);
  const out = new Uint8Array(12 + padded);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, out.length, true);
  out.set(body, 8);
  view.setUint32(8 + padded, out.length, true);
  return out;
}

/** Section Header Block: byte-order magic, version 1.0, section length unknown (-1), no options. */
function sectionHeader(): Uint8Array {
  const body = new DataView(new ArrayBuffer(16));
  body.setUint32(0, 0x1a2b3c4d, true);
  body.setUint16(4, 1, true);
  body.setUint16(6, 0, true);
  body.setBigInt64(8, -1n, true);
  return block(BLOCK.section, new Uint8Array(body.buffer));
}

/** Interface Description Block: raw IPv4, no snap length limit; timestamps in µs (the default). */
function interfaceDescription(): Uint8Array {
  const body = new DataView(new ArrayBuffer(8));
  body.setUint16(0, LINKTYPE_RAW, true);
  body.setUint32(4, 0, true);
  return block(BLOCK.interface, new Uint8Array(body.buffer));
}

/** Decryption Secrets Block holding a TLS key log. */
function decryptionSecrets(keylog: Uint8Array): Uint8Array {
  const body = new Uint8Array(8 + pad4(keylog.length));
  const view = new DataView(body.buffer);
  view.setUint32(0, SECRETS_TLS_KEYLOG, true);
  view.setUint32(4, keylog.length, true);
  body.set(keylog, 8);
  return block(BLOCK.secrets, body);
}

/** Enhanced Packet Block on interface 0 at `micros` since the epoch, captured whole. */
function enhancedPacket(micros: number, packet: Uint8Array): Uint8Array {
  const body = new Uint8Array(20 + pad4(packet.length));
  const view = new DataView(body.buffer);
  view.setUint32(0, 0, true);
  view.setUint32(4, Math.floor(micros / 2 ** 32), true);
  view.setUint32(8, micros % 2 ** 32, true);
  view.setUint32(12, packet.length, true);
  view.setUint32(16, packet.length, true);
  body.set(packet, 20);
  return block(BLOCK.packet, body);
}

/** IPv4 header (20 bytes, Don't Fragment, TTL 64, protocol TCP) in front of `segment`. */
function ipv4Packet(from: Endpoint, to: Endpoint, segment: Uint8Array): Uint8Array {
  const out = new Uint8Array(20 + segment.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, 0x45);
  view.setUint16(2, out.length);
  view.setUint16(4, from.ipId++ & 0xffff);
  view.setUint16(6, 0x4000);
  view.setUint8(8, 64);
  view.setUint8(9, 6);
  out.set(from.ip, 12);
  out.set(to.ip, 16);
  view.setUint16(10, checksum(out.subarray(0, 20)));
  out.set(segment, 20);
  return out;
}

/** TCP header (20 bytes, no options, window 65535) and payload, checksummed over the IPv4 pseudo-header. */
function tcpSegment(from: Endpoint, to: Endpoint, seq: number, ack: number, flags: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(20 + payload.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, from.port);
  view.setUint16(2, to.port);
  view.setUint32(4, seq);
  view.setUint32(8, ack);
  view.setUint8(12, 5 << 4);
  view.setUint8(13, flags);
  view.setUint16(14, 0xffff);
  out.set(payload, 20);
  const pseudo = new Uint8Array(12);
  pseudo.set(from.ip, 0);
  pseudo.set(to.ip, 4);
  new DataView(pseudo.buffer).setUint16(8, 6);
  new DataView(pseudo.buffer).setUint16(10, out.length);
  view.setUint16(16, checksum(pseudo, out));
  return out;
}

/** The Internet checksum (RFC 1071) over the concatenation of `parts` (each but the last of even length). */
function checksum(...parts: Uint8Array[]): number {
  let sum = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i += 2) sum += (part[i] << 8) | (part[i + 1] ?? 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const pad4 = (n: number): number => (n + 3) & ~3;

