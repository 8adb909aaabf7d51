// A Node script: a TLS 1.2 server cache, a full handshake, a resumption, then
// SSL_CTX_remove_session and a resumption that no longer happens.
//   npm install openssl-wasm-sandbox && node resumption.mjs [3.5|3.0|…] [in-process]
import { createSandbox } from 'openssl-wasm-sandbox';

const [, , variant = '3.5', where] = process.argv;
// OpenSSL runs in a worker thread unless `in-process` is asked for: the same calls, the same answers.
const sb = await createSandbox({ openssl: /** @type {import('openssl-wasm-sandbox').Variant} */ (variant), worker: where !== 'in-process' });
try {
  const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
  // A TLS 1.2 client sends no session id unless it offers a session: every lookup is one we asked for.
  const client = await sb.context({ role: 'client', maxProtocol: 'TLSv1.2' });
  const first = await sb.handshake({ client, server });
  const again = await sb.handshake({ client, server, session: first.session });
  const removed = await server.removeSession(first.session);
  const afterRemove = await sb.handshake({ client, server, session: first.session });
  const { hits, misses } = await server.counters();

  console.log(await sb.opensslVersion());
  console.log(`resumed: ${again.reused.server}`);
  console.log(`SSL_CTX_remove_session: ${removed}`);
  console.log(`resumed after remove: ${afterRemove.reused.server}`);
  console.log(`hits: ${hits}, misses: ${misses}`);
} finally {
  await sb.dispose(); // frees every SSL_CTX, SSL and SSL_SESSION, and stops the worker
}
