import type { Sandbox } from '../../src/index.js';
import { hex } from '../../src/core/bytes.js';

/**
 * SHA-256 of every byte a seeded full handshake and resumption put on the wire: equal in
 * Node and in a browser when deterministic mode really is deterministic.
 */
export async function transcriptFingerprint(sb: Sandbox): Promise<string> {
  const server = await sb.context({ role: 'server' });
  const client = await sb.context({ role: 'client' });
  const first = await sb.handshake({ client, server });
  const second = await sb.handshake({ client, server, session: first.session });
  const chunks = [...await sb.transcript(first.connection), ...await sb.transcript(second.connection)];
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.bytes.length + 1, 0));
  let at = 0;
  for (const c of chunks) {
    all[at++] = c.from === 'client' ? 0 : 1;
    all.set(c.bytes, at);
    at += c.bytes.length;
  }
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', all)));
}
