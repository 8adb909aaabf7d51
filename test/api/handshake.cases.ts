import * as check from './check.js';
import { tls12SessionIdPair, type ApiSuite } from './suite.js';

export const handshakes: ApiSuite = {
  title: 'handshakes',
  cases: [
    { name: 'completes a full TLS 1.3 handshake by default', run: async (sb, { variant }) => {
    const server = await sb.context({ role: 'server' });
    const client = await sb.context({ role: 'client' });
    const hs = await sb.handshake({ client, server });
    check.equal(hs.version, 'TLSv1.3');
    check.match(hs.cipher, /^TLS_/);
    check.deepEqual(hs.reused, { client: false, server: false });
    check.ok(hs.bytes.client > 0 && hs.bytes.server > 0);
    // From 3.5 the default groups start with the hybrid X25519MLKEM768, whose key share makes a
    // ClientHello of more than a kilobyte; 1.1.1 and 3.0 offer X25519 alone (32 bytes).
    if (['1.1', '3.0'].includes(variant)) check.ok(hs.bytes.client < 1000, `client sent ${hs.bytes.client} bytes`);
    else check.ok(hs.bytes.client > 1200, `client sent ${hs.bytes.client} bytes`);
  } },

    { name: 'completes a full TLS 1.2 handshake', run: async (sb) => {
    const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2' });
    const client = await sb.context({ role: 'client' });
    const hs = await sb.handshake({ client, server });
    check.equal(hs.version, 'TLSv1.2');
    check.match(hs.cipher, /^ECDHE-ECDSA-/);
    check.equal(hs.reused.server, false);
  } },

    { name: 'uses an RSA certificate when asked', run: async (sb) => {
    const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', keyType: 'rsa-2048' });
    const client = await sb.context({ role: 'client' });
    check.match((await sb.handshake({ client, server })).cipher, /^ECDHE-RSA-/);
  } },

    { name: 'resumes a TLS 1.2 session by id: the server echoes the offered id', run: async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const first = await sb.handshake({ client, server });
    check.equal(first.sessionId.server.length, 64);
    const info = await first.session.info();
    check.equal(info.hasTicket, false);
    check.equal(info.id, first.sessionId.server);
    const second = await sb.handshake({ client, server, session: first.session });
    check.deepEqual(second.reused, { client: true, server: true });
    check.equal(second.sessionId.server, first.sessionId.server);
    check.ok(second.bytes.server < first.bytes.server, 'an abbreviated handshake sends no certificate');
    check.equal((await server.counters()).hits, 1);
  } },

    { name: 'resumes a TLS 1.2 session with a ticket', run: async (sb) => {
    const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2' });
    const client = await sb.context({ role: 'client' });
    const first = await sb.handshake({ client, server });
    check.equal((await first.session.info()).hasTicket, true);
    const second = await sb.handshake({ client, server, session: first.session });
    check.deepEqual(second.reused, { client: true, server: true });
  } },

    { name: 'resumes a TLS 1.3 session with a ticket (PSK)', run: async (sb) => {
    const server = await sb.context({ role: 'server' });
    const client = await sb.context({ role: 'client' });
    const first = await sb.handshake({ client, server });
    const info = await first.session.info();
    check.equal(info.protocol, 'TLSv1.3');
    check.equal(info.hasTicket, true);
    check.ok(info.ticketLifetimeHint > 0);
    const second = await sb.handshake({ client, server, session: first.session });
    check.deepEqual(second.reused, { client: true, server: true });
    check.equal(second.version, 'TLSv1.3');
  } },

    { name: 'falls back to a full handshake when the server does not know the session', run: async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const other = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
    const first = await sb.handshake({ client, server });
    const second = await sb.handshake({ client, server: other, session: first.session });
    check.deepEqual(second.reused, { client: false, server: false });
    check.equal((await other.counters()).misses, 1);
  } },

    { name: 'keeps the TLS 1.3 server cache empty (stateless tickets) but stores TLS 1.2 sessions without tickets', run: async (sb) => {
    const client = await sb.context({ role: 'client' });
    const tls13 = await sb.context({ role: 'server' });
    await sb.handshake({ client, server: tls13 });
    check.equal(await tls13.sessionCount(), 0);
    const { server: tls12 } = await tls12SessionIdPair(sb);
    await sb.handshake({ client, server: tls12 });
    check.equal(await tls12.sessionCount(), 1);
  } },

    { name: 'drops the session from the cache when the connection ends uncleanly', run: async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    await sb.handshake({ client, server, shutdown: 'clean' });
    check.equal(await server.sessionCount(), 1);
    await sb.handshake({ client, server, shutdown: 'unclean' });
    check.equal(await server.sessionCount(), 1, 'the clean one stays, the unclean one is removed by SSL_free');
  } },
  ],
};
