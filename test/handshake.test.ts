import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachVariant, tls12SessionIdPair } from './helpers.js';

forEachVariant('handshakes', (withSandbox, variant) => {
  it('completes a full TLS 1.3 handshake by default', withSandbox(async (sb) => {
    const server = await sb.context({ role: 'server' });
    const client = await sb.context({ role: 'client' });
    const hs = await sb.handshake({ client, server });
    assert.equal(hs.version, 'TLSv1.3');
    assert.match(hs.cipher, /^TLS_/);
    assert.deepEqual(hs.reused, { client: false, server: false });
    assert.ok(hs.bytes.client > 0 && hs.bytes.server > 0);
    if (variant === '3.5') {
      // 3.5 offers the hybrid X25519MLKEM768 key share: a ClientHello of more than a kilobyte.
      assert.ok(hs.bytes.client > 1200, `client sent ${hs.bytes.client} bytes`);
    }
  }));

  it('completes a full TLS 1.2 handshake', withSandbox(async (sb) => {
    const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2' });
    const client = await sb.context({ role: 'client' });
    const hs = await sb.handshake({ client, server });
    assert.equal(hs.version, 'TLSv1.2');
    assert.match(hs.cipher, /^ECDHE-ECDSA-/);
    assert.equal(hs.reused.server, false);
  }));

  it('uses an RSA certificate when asked', withSandbox(async (sb) => {
    const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', keyType: 'rsa-2048' });
    const client = await sb.context({ role: 'client' });
    assert.match((await sb.handshake({ client, server })).cipher, /^ECDHE-RSA-/);
  }));

  it('resumes a TLS 1.2 session by id: the server echoes the offered id', withSandbox(async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const first = await sb.handshake({ client, server });
    assert.equal(first.sessionId.server.length, 64);
    const info = await first.session.info();
    assert.equal(info.hasTicket, false);
    assert.equal(info.id, first.sessionId.server);
    const second = await sb.handshake({ client, server, session: first.session });
    assert.deepEqual(second.reused, { client: true, server: true });
    assert.equal(second.sessionId.server, first.sessionId.server);
    assert.ok(second.bytes.server < first.bytes.server, 'an abbreviated handshake sends no certificate');
    assert.equal((await server.counters()).hits, 1);
  }));

  it('resumes a TLS 1.2 session with a ticket', withSandbox(async (sb) => {
    const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2' });
    const client = await sb.context({ role: 'client' });
    const first = await sb.handshake({ client, server });
    assert.equal((await first.session.info()).hasTicket, true);
    const second = await sb.handshake({ client, server, session: first.session });
    assert.deepEqual(second.reused, { client: true, server: true });
  }));

  it('resumes a TLS 1.3 session with a ticket (PSK)', withSandbox(async (sb) => {
    const server = await sb.context({ role: 'server' });
    const client = await sb.context({ role: 'client' });
    const first = await sb.handshake({ client, server });
    const info = await first.session.info();
    assert.equal(info.protocol, 'TLSv1.3');
    assert.equal(info.hasTicket, true);
    assert.ok(info.ticketLifetimeHint > 0);
    const second = await sb.handshake({ client, server, session: first.session });
    assert.deepEqual(second.reused, { client: true, server: true });
    assert.equal(second.version, 'TLSv1.3');
  }));

  it('falls back to a full handshake when the server does not know the session', withSandbox(async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const other = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
    const first = await sb.handshake({ client, server });
    const second = await sb.handshake({ client, server: other, session: first.session });
    assert.deepEqual(second.reused, { client: false, server: false });
    assert.equal((await other.counters()).misses, 1);
  }));

  it('keeps the TLS 1.3 server cache empty (stateless tickets) but stores TLS 1.2 sessions without tickets', withSandbox(async (sb) => {
    const client = await sb.context({ role: 'client' });
    const tls13 = await sb.context({ role: 'server' });
    await sb.handshake({ client, server: tls13 });
    assert.equal(await tls13.sessionCount(), 0);
    const { server: tls12 } = await tls12SessionIdPair(sb);
    await sb.handshake({ client, server: tls12 });
    assert.equal(await tls12.sessionCount(), 1);
  }));

  it('drops the session from the cache when the connection ends uncleanly', withSandbox(async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    await sb.handshake({ client, server, shutdown: 'clean' });
    assert.equal(await server.sessionCount(), 1);
    await sb.handshake({ client, server, shutdown: 'unclean' });
    assert.equal(await server.sessionCount(), 1, 'the clean one stays, the unclean one is removed by SSL_free');
  }));
});
