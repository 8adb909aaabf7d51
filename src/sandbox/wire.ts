import type { OpenSSL } from '../core/openssl.js';
import type { Ptr } from '../core/pointers.js';
import { SIDES, type Side } from '../core/constants.js';

/** Bytes that crossed the in-memory wire in one transfer. */
export interface WireChunk {
  from: Side;
  bytes: Uint8Array;
}

const peer = (side: Side): Side => (side === 'client' ? 'server' : 'client');

/**
 * The in-memory network between a connection's two sides: it takes what one side wrote
 * to its memory BIO and feeds it to the other, keeping a transcript of what passed.
 */
export class Wire {
  readonly transcript: WireChunk[] = [];

  constructor(
    private readonly openssl: OpenSSL, private readonly conn: Ptr<'osb_conn'>,
    private readonly onFlight: (chunk: WireChunk, index: number) => void = () => {},
  ) {}

  /** Moves everything `from` has written to its peer; returns the number of bytes moved. */
  transfer(from: Side): number {
    const { glue } = this.openssl;
    const pending = glue.osb_conn_pending(this.conn, SIDES[from]);
    if (pending === 0) return 0;
    const bytes = this.openssl.readBytes(pending, (out) => glue.osb_conn_take(this.conn, SIDES[from], out, pending));
    const chunk = { from, bytes };
    this.transcript.push(chunk);
    this.onFlight(chunk, this.transcript.length - 1);
    this.openssl.withBytes(bytes, (ptr, length) => glue.osb_conn_feed(this.conn, SIDES[peer(from)], ptr, length));
    return bytes.length;
  }
}
