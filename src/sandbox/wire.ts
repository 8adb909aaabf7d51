import type { OpenSSL } from '../core/openssl.js';
import type { Ptr } from '../core/pointers.js';
import { SIDES, type Side } from '../core/constants.js';
import type { WireChunk } from '../trace/pcapng.js';

export type { WireChunk };

export const peer = (side: Side): Side => (side === 'client' ? 'server' : 'client');

/**
 * The in-memory network between a connection's two sides: it takes what one side wrote to
 * its memory BIO and delivers it (or whatever the caller makes of it) to the other,
 * keeping a transcript of what crossed. What the glue moves itself (a whole handshake,
 * osb_conn_run; transfer()) it reports here as it crosses (crossed()).
 */
export class Wire {
  readonly transcript: WireChunk[] = [];

  constructor(
    private readonly openssl: OpenSSL, private readonly conn: Ptr<'osb_conn'>,
    private readonly onFlight: (chunk: WireChunk, index: number) => void = () => {},
  ) {}

  /** What `from` has written and nobody has taken yet (empty when nothing). */
  take(from: Side): Uint8Array {
    const { glue } = this.openssl;
    const pending = glue.osb_conn_pending(this.conn, SIDES[from]);
    if (pending === 0) return new Uint8Array(0);
    return this.openssl.readBytes(pending, (out) => glue.osb_conn_take(this.conn, SIDES[from], out, pending));
  }

  /** Gives `bytes` to the peer of `from`, as if they had crossed a network. */
  deliver(from: Side, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.crossed(from, bytes);
    this.openssl.withBytes(bytes, (ptr, length) => this.openssl.glue.osb_conn_feed(this.conn, SIDES[peer(from)], ptr, length));
  }

  /** Records a flight that crossed: in the transcript, and for the trace. */
  crossed(from: Side, bytes: Uint8Array): void {
    const chunk = { from, bytes };
    this.transcript.push(chunk);
    this.onFlight(chunk, this.transcript.length - 1);
  }

  /** Moves everything `from` has written to its peer, unchanged (in the glue, which reports it to crossed()); returns the number of bytes moved. */
  transfer(from: Side): number {
    return this.openssl.glue.osb_conn_transfer(this.conn, SIDES[from]);
  }
}
