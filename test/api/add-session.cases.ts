// The statements of the manual page SSL_CTX_add_session(3), checked with real objects.
import { HandleError } from '../../src/index.js';
import * as check from './check.js';
import { tls12SessionIdPair, type ApiSuite } from './suite.js';

export const addRemove: ApiSuite = {
  title: 'SSL_CTX_add_session / SSL_CTX_remove_session',
  cases: [
    { name: 'adding a new session returns 1 and the cache grows', run: async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    const empty = await sb.context({ role: 'server' });
    check.equal(await empty.sessionCount(), 0);
    check.equal(await empty.addSession(session), 1);
    check.equal(await empty.sessionCount(), 1);
  } },

    { name: 'adding the identical object again returns 0 and changes nothing', run: async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    const ctx = await sb.context({ role: 'server' });
    check.equal(await ctx.addSession(session), 1);
    check.equal(await ctx.addSession(session), 0);
    check.equal(await ctx.sessionCount(), 1);
  } },

    { name: 'a different object with the same id returns 1 and replaces the old one; the count stays', run: async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    const copy = await session.dup();
    check.equal((await copy.info()).id, (await session.info()).id);
    const ctx = await sb.context({ role: 'server' });
    check.equal(await ctx.addSession(session), 1);
    check.equal(await ctx.addSession(copy), 1);
    check.equal(await ctx.sessionCount(), 1);
    // The cache looks sessions up by id: removing the original object removes the copy that replaced it.
    check.equal(await ctx.removeSession(session), 1);
    check.equal(await ctx.sessionCount(), 0);
    check.equal(await ctx.removeSession(copy), 0);
  } },

    { name: 'removing a cached session returns 1; removing one that is not cached returns 0', run: async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    check.equal(await server.sessionCount(), 1);
    check.equal(await server.removeSession(session), 1);
    check.equal(await server.sessionCount(), 0);
    check.equal(await server.removeSession(session), 0);
  } },

    { name: 'a removed session is no longer resumed, and removal marks it not resumable', run: async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    await server.removeSession(session);
    check.equal((await session.info()).resumable, false);
    const next = await sb.handshake({ client, server, session });
    check.equal(next.reused.server, false);
  } },

    { name: 'SSL_SESS_CACHE_NO_INTERNAL_STORE leaves the cache empty until SSL_CTX_add_session fills it', run: async (sb) => {
    const server = await sb.context({
      role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'],
      cacheMode: ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_STORE'],
    });
    const client = await sb.context({ role: 'client' });
    const first = await sb.handshake({ client, server });
    check.equal(await server.sessionCount(), 0);
    check.equal((await sb.handshake({ client, server, session: first.session })).reused.server, false);

    const third = await sb.handshake({ client, server });
    check.equal(await server.addSession(third.session), 1);
    check.equal((await sb.handshake({ client, server, session: third.session })).reused.server, true);
  } },

    { name: 'a batch runs many cache calls in one step; a bad entry fails alone', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const { session } = await sb.handshake({ client, server });
      const gone = await session.dup();
      await gone.dispose();
      const results = await sb.batch([
        ['removeSession', server, session], ['removeSession', server, session], ['addSession', server, gone],
        ['addSession', server, session], ['sessionCount', server],
      ]);
      check.deepEqual(results.map((r) => (r.ok ? r.value : 'error')), [1, 0, 'error', 1, 1]);
      const failed = results[2].ok ? undefined : results[2].error;
      check.ok(failed instanceof HandleError && failed.code === 'HANDLE_DISPOSED', `a typed HandleError, got ${String(failed)}`);
      check.match(failed.message, /freed/);
    } },

    { name: 'logs each call in C, with the objects it destroyed right after it', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const { session } = await sb.handshake({ client, server });
      const from = await sb.eventCount();
      await server.removeSession(session);
      await server.addSession(session);
      const events = await sb.events(from);
      check.deepEqual(events.filter((e) => e.kind === 'call').map((e) => e.c), [
        `SSL_CTX_remove_session(${server.name}, ${session.name}) = 1`,
        `SSL_CTX_add_session(${server.name}, ${session.name}) = 1`,
      ]);
      // The cache held the server's own object for this id, its only reference: removal destroyed it.
      const destroyed = events.find((e) => e.kind === 'destroyed');
      check.ok(destroyed, 'an SSL_SESSION was destroyed');
      check.equal(destroyed.during, events[0].seq);
      check.equal(destroyed.kind === 'destroyed' && destroyed.session.id, (await session.info()).id);
    } },
  ],
};
