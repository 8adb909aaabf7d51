// The statements of the manual page SSL_CTX_add_session(3), checked with real objects.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachVariant, tls12SessionIdPair } from './helpers.js';

forEachVariant('SSL_CTX_add_session / SSL_CTX_remove_session', (withSandbox) => {
  it('adding a new session returns 1 and the cache grows', withSandbox(async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    const empty = await sb.context({ role: 'server' });
    assert.equal(await empty.sessionCount(), 0);
    assert.equal(await empty.addSession(session), 1);
    assert.equal(await empty.sessionCount(), 1);
  }));

  it('adding the identical object again returns 0 and changes nothing', withSandbox(async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    const ctx = await sb.context({ role: 'server' });
    assert.equal(await ctx.addSession(session), 1);
    assert.equal(await ctx.addSession(session), 0);
    assert.equal(await ctx.sessionCount(), 1);
  }));

  it('a different object with the same id returns 1 and replaces the old one; the count stays', withSandbox(async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    const copy = await session.dup();
    assert.equal((await copy.info()).id, (await session.info()).id);
    const ctx = await sb.context({ role: 'server' });
    assert.equal(await ctx.addSession(session), 1);
    assert.equal(await ctx.addSession(copy), 1);
    assert.equal(await ctx.sessionCount(), 1);
    // The cache looks sessions up by id: removing the original object removes the copy that replaced it.
    assert.equal(await ctx.removeSession(session), 1);
    assert.equal(await ctx.sessionCount(), 0);
    assert.equal(await ctx.removeSession(copy), 0);
  }));

  it('removing a cached session returns 1; removing one that is not cached returns 0', withSandbox(async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    assert.equal(await server.sessionCount(), 1);
    assert.equal(await server.removeSession(session), 1);
    assert.equal(await server.sessionCount(), 0);
    assert.equal(await server.removeSession(session), 0);
  }));

  it('a removed session is no longer resumed, and removal marks it not resumable', withSandbox(async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    await server.removeSession(session);
    assert.equal((await session.info()).resumable, false);
    const next = await sb.handshake({ client, server, session });
    assert.equal(next.reused.server, false);
  }));

  it('SSL_SESS_CACHE_NO_INTERNAL_STORE leaves the cache empty until SSL_CTX_add_session fills it', withSandbox(async (sb) => {
    const server = await sb.context({
      role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'],
      cacheMode: ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_STORE'],
    });
    const client = await sb.context({ role: 'client' });
    const first = await sb.handshake({ client, server });
    assert.equal(await server.sessionCount(), 0);
    assert.equal((await sb.handshake({ client, server, session: first.session })).reused.server, false);

    const third = await sb.handshake({ client, server });
    assert.equal(await server.addSession(third.session), 1);
    assert.equal((await sb.handshake({ client, server, session: third.session })).reused.server, true);
  }));

  it('logs each call with its C form and return value', withSandbox(async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    const from = (await sb.events()).length;
    await server.removeSession(session);
    await server.addSession(session);
    const calls = (await sb.events(from)).map((e) => e.c);
    assert.deepEqual(calls, [
      `SSL_CTX_remove_session(${server.name}, ${session.name}) = 1`,
      `SSL_CTX_add_session(${server.name}, ${session.name}) = 1`,
    ]);
  }));
});
