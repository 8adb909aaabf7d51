import { CallError, SandboxError, type CallbackEvent, type Sandbox, type Ssl, type SandboxEvent } from '../../src/index.js';
import * as check from './check.js';
import type { ApiSuite } from './suite.js';

const callbacks = (events: SandboxEvent[]) => events.filter((e): e is CallbackEvent => e.kind === 'callback');

/**
 * A TLS 1.2 session-id server whose new-session callback keeps every session (an external
 * cache's first half), and a TLS 1.2-only client: a TLS 1.3-capable one would send a random
 * legacy session id (middlebox compatibility) that the server looks up too.
 */
async function keepingServer(sb: Sandbox, cacheMode: Parameters<Sandbox['context']>[0]['cacheMode'] = ['SSL_SESS_CACHE_SERVER']) {
  const server = await sb.context({
    role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'], cacheMode,
    callbacks: { newSession: 'keep', removeSession: true, getSession: true },
  });
  return { server, client: await sb.context({ role: 'client', maxProtocol: 'TLSv1.2' }) };
}

/** Two servers a and b whose shared callbacks use the store 'shared', tickets off, and a client. */
async function sharingServers(sb: Sandbox, maxProtocol: 'TLSv1.2' | 'TLSv1.3') {
  const server = () => sb.context({ role: 'server', maxProtocol, options: ['SSL_OP_NO_TICKET'] });
  const [a, b] = [await server(), await server()];
  for (const ctx of [a, b]) {
    await sb.call('SSL_CTX_sess_set_new_cb', ctx, { store: 'shared' });
    await sb.call('SSL_CTX_sess_set_get_cb', ctx, { store: 'shared' });
    await sb.call('SSL_CTX_sess_set_remove_cb', ctx, { store: 'shared' });
  }
  return { a, b, client: await sb.context({ role: 'client', maxProtocol }) };
}

export const callbackSuite: ApiSuite = {
  title: 'session callbacks',
  cases: [
    { name: 'new_session with keep returns 1 and hands the reference to the application', run: async (sb) => {
      const { server, client } = await keepingServer(sb);
      const from = await sb.eventCount();
      const first = await sb.handshake({ client, server });
      const [event] = callbacks(await sb.events(from));
      check.equal(event.callback, 'new_session');
      check.equal(event.result, 1);
      check.equal(event.session?.id, first.sessionId.server);
      const kept = await server.keptSessions();
      check.deepEqual(kept.map((s) => s.name), [event.kept]);
      check.equal((await kept[0].info()).id, first.sessionId.server);
      check.equal(await server.sessionCount(), 1, 'the internal cache stores it as well');
    } },

    { name: 'new_session with decline returns 0 and keeps nothing', run: async (sb) => {
      const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'], callbacks: { newSession: 'decline' } });
      const client = await sb.context({ role: 'client' });
      const from = await sb.eventCount();
      await sb.handshake({ client, server });
      check.deepEqual(callbacks(await sb.events(from)).map((e) => [e.callback, e.result]), [['new_session', 0]]);
      check.equal((await server.keptSessions()).length, 0);
    } },

    { name: 'remove_session fires inside SSL_CTX_remove_session, even when the session was not cached (return 0)', run: async (sb) => {
      const { server, client } = await keepingServer(sb);
      const { session } = await sb.handshake({ client, server });
      const from = await sb.eventCount();
      check.equal(await server.removeSession(session), 1);
      check.equal(await server.removeSession(session), 0);
      const events = await sb.events(from);
      const calls = events.filter((e) => e.kind === 'call');
      const removed = callbacks(events).filter((e) => e.callback === 'remove_session');
      // ssl_sess.c, remove_session_lock(): the callback runs whether or not the lookup found it,
      // and it is given the caller's object, not the one the cache held.
      check.deepEqual(removed.map((e) => e.during), calls.map((e) => e.seq));
      check.deepEqual(removed.map((e) => e.session?.object), [(await session.info()).object, (await session.info()).object]);
    } },

    { name: 'a TLS 1.3-capable client\'s compatibility session id makes a TLS 1.2 server look up, and miss', run: async (sb) => {
      const { server } = await keepingServer(sb);
      const modern = await sb.context({ role: 'client' });
      const from = await sb.eventCount();
      const hs = await sb.handshake({ client: modern, server });
      check.equal(hs.version, 'TLSv1.2');
      const asked = callbacks(await sb.events(from)).filter((e) => e.callback === 'get_session');
      check.equal(asked.length, 1);
      check.equal(asked[0].result, null);
      check.equal(asked[0].id?.length, 64, 'a random 32-byte id');
      check.equal((await server.counters()).misses, 1);
    } },

    { name: 'with NO_INTERNAL_STORE, the get callback answers from the kept sessions (sess_cb_hit)', run: async (sb) => {
      const { server, client } = await keepingServer(sb, ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_STORE']);
      const first = await sb.handshake({ client, server });
      check.equal(await server.sessionCount(), 0);
      const from = await sb.eventCount();
      const second = await sb.handshake({ client, server, session: first.session });
      check.equal(second.reused.server, true);
      const asked = callbacks(await sb.events(from)).filter((e) => e.callback === 'get_session');
      check.equal(asked.length, 1);
      check.equal(asked[0].id, first.sessionId.server);
      check.equal(asked[0].result, (await server.keptSessions())[0].name);
      const counters = await server.counters();
      check.equal(counters.cb_hits, 1);
      check.equal(counters.misses, 1, 'the internal lookup missed first');
      check.equal(await server.sessionCount(), 0, 'NO_INTERNAL_STORE: the answer is not stored either');
    } },

    { name: 'with NO_INTERNAL_LOOKUP, the get callback is asked although the internal cache has the session', run: async (sb) => {
      const { server, client } = await keepingServer(sb, ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_LOOKUP']);
      const first = await sb.handshake({ client, server });
      check.equal(await server.sessionCount(), 1);
      const from = await sb.eventCount();
      check.equal((await sb.handshake({ client, server, session: first.session })).reused.server, true);
      check.equal(callbacks(await sb.events(from)).filter((e) => e.callback === 'get_session').length, 1);
      check.equal((await server.counters()).cb_hits, 1);
    } },

    { name: 'without NO_INTERNAL_LOOKUP, an internal hit never reaches the get callback', run: async (sb) => {
      const { server, client } = await keepingServer(sb);
      const first = await sb.handshake({ client, server });
      const from = await sb.eventCount();
      check.equal((await sb.handshake({ client, server, session: first.session })).reused.server, true);
      check.equal(callbacks(await sb.events(from)).filter((e) => e.callback === 'get_session').length, 0);
      check.equal((await server.counters()).hits, 1);
    } },

    { name: 'callbacks come in order: new during the first handshake, get during the resumption, remove on flush', run: async (sb) => {
      await sb.clock.set(1_800_000_000);
      const { server, client } = await keepingServer(sb, ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_LOOKUP']);
      await server.configure({ timeout: 60 });
      const from = await sb.eventCount();
      const first = await sb.handshake({ client, server });
      await sb.handshake({ client, server, session: first.session });
      await sb.clock.advance(61);
      await server.flushSessions();
      check.deepEqual(callbacks(await sb.events(from)).map((e) => e.callback), ['new_session', 'get_session', 'remove_session']);
    } },

    { name: 'an asynchronous get handler on the caller\'s side answers while the handshake waits', run: async (sb) => {
      const { server, client } = await keepingServer(sb, ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_STORE']);
      const first = await sb.handshake({ client, server });
      const external = new Map((await Promise.all((await server.keptSessions()).map(async (s) => [(await s.info()).id, s] as const))));
      const asked: string[] = [];
      await server.setGetSessionHandler(async (id) => {
        asked.push(id);
        await new Promise((resolve) => setTimeout(resolve, 20)); // a slow external store
        return external.get(id) ?? null;
      });
      const from = await sb.eventCount();
      const second = await sb.handshake({ client, server, session: first.session });
      check.equal(second.reused.server, true);
      check.deepEqual(asked, [first.sessionId.server]);
      check.deepEqual(callbacks(await sb.events(from)).map((e) => [e.callback, e.result]),
        [['client_hello', 0], ['get_session', external.get(first.sessionId.server)!.name]]);
      check.equal((await server.counters()).cb_hits, 1);
    } },

    { name: 'the asynchronous get handler answers SSL objects driven step by step: SSL_do_handshake wants the ClientHello callback, the next call goes on once it answered', run: async (sb) => {
      const { server, client } = await keepingServer(sb, ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_STORE']);
      const first = await sb.handshake({ client, server });
      const external = new Map((await Promise.all((await server.keptSessions()).map(async (s) => [(await s.info()).id, s] as const))));
      let answered = 0;
      await server.setGetSessionHandler(async (id) => {
        await new Promise((resolve) => setTimeout(resolve, 20)); // a slow external store
        answered++;
        return external.get(id) ?? null;
      });
      const resume = async (drive: (c: Ssl, s: Ssl) => Promise<void>) => {
        const [c, s] = [await sb.call('SSL_new', client), await sb.call('SSL_new', server)];
        await sb.call('SSL_set_session', c, first.session);
        await sb.call('sandbox_join', c, s);
        await drive(c, s);
        return [await sb.call('SSL_session_reused', c), await sb.call('SSL_session_reused', s)];
      };
      const byHand = await resume(async (c, s) => {
        check.equal(await sb.call('SSL_do_handshake', c), -1);
        check.equal(await sb.call('SSL_do_handshake', s), -1);
        check.equal(await sb.call('SSL_get_error', s, -1), (await sb.constants()).SSL_ERROR_WANT_CLIENT_HELLO_CB);
        check.equal(answered, 0, 'the lookup is out');
        const done = { c: false, s: false };
        for (let i = 0; i < 8 && !(done.c && done.s); i++) done[i % 2 ? 'c' : 's'] ||= await sb.call('SSL_do_handshake', i % 2 ? c : s) === 1;
        check.equal(answered, 1, 'the server went on once the handler answered');
      });
      check.deepEqual(byHand, [1, 1]);
      check.deepEqual(await resume(async (c, s) => check.equal(await sb.call('sandbox_handshake', c, s), 1)), [1, 1]);
      check.equal(answered, 2);
      check.equal((await server.counters()).cb_hits, 2);
    } },

    { name: 'a get handler that never answers fails the handshake after its timeout, and the sandbox goes on', run: async (sb) => {
      const { server, client } = await keepingServer(sb, ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_STORE']);
      const first = await sb.handshake({ client, server });
      await server.setGetSessionHandler(() => new Promise(() => {}), 100);
      const e = await check.rejects(sb.handshake({ client, server, session: first.session }));
      check.ok(e instanceof SandboxError && e.code === 'TIMEOUT', e.message);
      await server.setGetSessionHandler(null);
      check.equal((await sb.handshake({ client, server, session: first.session })).reused.server, true);
    } },

    { name: 'two servers share an external store: the second resumes the first\'s session, decoded from the stored DER', run: async (sb) => {
      const { a, b, client } = await sharingServers(sb, 'TLSv1.2');
      const first = await sb.handshake({ client, server: a, serverSession: true });
      const [stored] = (await sb.externalStores()).shared;
      check.deepEqual({ ...stored, bytes: stored.bytes > 0 }, { id: first.sessionId.server, context: a.name, bytes: true, hits: 0 });
      const from = await sb.eventCount();
      const second = await sb.handshake({ client, server: b, session: first.session, serverSession: true });
      check.deepEqual(second.reused, { client: true, server: true });
      const [asked] = callbacks(await sb.events(from)).filter((e) => e.callback === 'get_session');
      check.deepEqual([asked.context, asked.store, asked.id], [b.name, 'shared', first.sessionId.server]);
      const [answered, made] = await Promise.all([second.serverSession!.info(), first.serverSession!.info()]);
      check.equal(asked.result, answered.object, 'b resumed the object its get callback returned');
      check.ok(answered.object !== made.object, 'a copy decoded from the store, not a\'s own object');
      check.equal(answered.id, made.id);
      check.equal((await sb.externalStores()).shared[0].hits, 1);
      check.deepEqual(await b.counters().then((c) => [c.misses, c.cb_hits, c.hits]), [1, 1, 1]);
    } },

    { name: 'TLS 1.3 stateful tickets (SSL_OP_NO_TICKET): the second server looks the PSK identity up in the shared store and resumes', run: async (sb) => {
      const { a, b, client } = await sharingServers(sb, 'TLSv1.3');
      const first = await sb.handshake({ client, server: a });
      check.equal(first.version, 'TLSv1.3');
      check.ok((await sb.externalStores()).shared.every((e) => e.context === a.name), 'a stored its tickets\' sessions');
      const from = await sb.eventCount();
      const second = await sb.handshake({ client, server: b, session: first.session });
      check.deepEqual(second.reused, { client: true, server: true });
      const hits = callbacks(await sb.events(from)).filter((e) => e.callback === 'get_session' && e.result !== null);
      check.deepEqual(hits.map((e) => [e.context, e.store]), [[b.name, 'shared']]);
    } },

    { name: 'a removal on one server makes the shared store forget the session: a later lookup misses', run: async (sb) => {
      const { a, client } = await sharingServers(sb, 'TLSv1.2');
      const first = await sb.handshake({ client, server: a, serverSession: true });
      check.equal(await a.removeSession(first.serverSession!), 1);
      check.deepEqual((await sb.externalStores()).shared, []);
      const from = await sb.eventCount();
      check.equal((await sb.handshake({ client, server: a, session: first.session })).reused.server, false);
      const asked = callbacks(await sb.events(from)).filter((e) => e.callback === 'get_session');
      check.deepEqual(asked.map((e) => [e.store, e.result]), [['shared', null]]);
    } },

    { name: 'a store name that is not a plain identifier is refused before any C runs', run: async (sb) => {
      const server = await sb.context({ role: 'server' });
      for (const store of ['', 'a "b"', 'x'.repeat(65)]) {
        const e = await check.rejects(sb.call('SSL_CTX_sess_set_new_cb', server, { store }));
        check.ok(e instanceof CallError && e.argument === 2 && /store: name/.test(e.message), e.message);
      }
      check.deepEqual(await sb.externalStores(), {});
    } },

    { name: 'events reach subscribers in the order of the log', run: async (sb) => {
      const seen: number[] = [];
      const stop = await sb.onEvent((e) => seen.push(e.seq));
      const { server, client } = await keepingServer(sb);
      await sb.handshake({ client, server });
      await new Promise((resolve) => setTimeout(resolve, 50)); // events from a worker arrive on their own channel
      await stop();
      const log = (await sb.events()).map((e) => e.seq);
      check.ok(seen.length > 5, `saw ${seen.length} events`);
      check.deepEqual(seen, log.slice(log.length - seen.length));
    } },
  ],
};
