import { ConstantError, type CallbackEvent, type ContextConfig, type SessionCacheMode } from '../../src/index.js';
import * as check from './check.js';
import { tls12SessionIdPair, type ApiSuite } from './suite.js';

const T0 = 1_800_000_000;

export const cacheSuite: ApiSuite = {
  title: 'the internal cache',
  cases: [
    { name: 'SSL_SESS_CACHE_OFF on the server: nothing is cached, nothing is resumed by id', run: async (sb) => {
      const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'], cacheMode: [] });
      const client = await sb.context({ role: 'client' });
      const first = await sb.handshake({ client, server });
      check.equal(await server.sessionCount(), 0);
      check.equal((await sb.handshake({ client, server, session: first.session })).reused.server, false);
      check.deepEqual((await server.settings()).cacheMode, ['SSL_SESS_CACHE_OFF']);
    } },

    { name: 'SSL_SESS_CACHE_CLIENT makes a client context cache its sessions, counting connects', run: async (sb) => {
      const { server } = await tls12SessionIdPair(sb);
      const client = await sb.context({ role: 'client', cacheMode: ['SSL_SESS_CACHE_CLIENT'] });
      const plain = await sb.context({ role: 'client' });
      await sb.handshake({ client, server });
      await sb.handshake({ client: plain, server });
      check.equal(await client.sessionCount(), 1);
      check.equal(await plain.sessionCount(), 0, "a client's default mode (SSL_SESS_CACHE_SERVER) stores nothing");
      const counters = await client.counters();
      check.equal(counters.connect, 1);
      check.equal(counters.connect_good, 1);
      check.equal(counters.accept, 0);
    } },

    { name: 'the server counts accepts, hits and misses', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const other = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
      const first = await sb.handshake({ client, server });
      await server.counters();
      await sb.handshake({ client, server, session: first.session });
      check.deepEqual(await server.counterChanges(), { accept: 1, accept_good: 1, hits: 1 });
      await sb.handshake({ client, server: other, session: first.session });
      check.deepEqual(await other.counterChanges(), { accept: 1, accept_good: 1, misses: 1 });
    } },

    { name: 'a full cache evicts the oldest; after an add it holds one less than its size from 3.0 (evict while number >= size), its size in 1.1.1 (> size)', run: async (sb, { variant }) => {
      await sb.clock.set(T0);
      const server = await sb.context({
        role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'], cacheSize: 3, callbacks: { removeSession: true },
      });
      const client = await sb.context({ role: 'client' });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        ids.push((await sb.handshake({ client, server })).sessionId.server);
        await sb.clock.advance(1);
      }
      const evicted = variant === '1.1' ? 1 : 2;
      const cached = await server.cachedSessions();
      check.deepEqual(cached.map((s) => s.id), ids.slice(evicted));
      check.equal((await server.counters()).cache_full, evicted);
      const removed = (await sb.events()).filter((e): e is CallbackEvent => e.kind === 'callback' && e.callback === 'remove_session');
      check.deepEqual(removed.map((e) => e.session?.id), ids.slice(0, evicted), 'oldest first');
    } },

    { name: 'timeouts: an expired session is not resumed and counts as a timeout; flush removes the expired ones', run: async (sb) => {
      await sb.clock.set(T0);
      const { server, client } = await tls12SessionIdPair(sb);
      await server.configure({ timeout: 100 });
      await sb.handshake({ client, server }); // the old session
      await sb.clock.advance(60);
      const young = await sb.handshake({ client, server });
      check.deepEqual((await server.cachedSessions()).map((s) => s.timeout), [100, 100], 'the server context\'s timeout');
      await sb.clock.advance(50); // old: 110 s, young: 50 s
      check.equal(await server.sessionCount(), 2, 'nothing expires by itself');
      await server.flushSessions();
      check.deepEqual((await server.cachedSessions()).map((s) => s.id), [young.sessionId.server]);
      check.equal((await sb.handshake({ client, server, session: young.session })).reused.server, true);
      await sb.clock.advance(100);
      check.equal((await sb.handshake({ client, server, session: young.session })).reused.server, false);
      check.equal((await server.counters()).timeouts, 1);
    } },

    { name: 'SSL_SESS_CACHE_UPDATE_TIME renews the time when a session is added again, not when it is resumed (1.1.1 has no such mode: the bit is ignored)', run: async (sb, { variant }) => {
      await sb.clock.set(T0);
      const settings: ContextConfig = { role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] };
      const mode: SessionCacheMode[] = ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_UPDATE_TIME'];
      // 1.1.1's headers have no such name: the setting is refused; C may still pass the bit (0x400 from 3.0), which 1.1.1 ignores.
      if (variant === '1.1') check.ok(await check.rejects(sb.context({ ...settings, cacheMode: mode })) instanceof ConstantError);
      const server = await sb.context(variant === '1.1' ? settings : { ...settings, cacheMode: mode });
      if (variant === '1.1') await sb.call('SSL_CTX_set_session_cache_mode', server, 0x402);
      const client = await sb.context({ role: 'client' });
      const first = await sb.handshake({ client, server });
      await sb.clock.advance(50);
      await sb.handshake({ client, server, session: first.session });
      check.deepEqual((await server.cachedSessions()).map((s) => s.time), [T0], 'resumption leaves the time');
      await server.addSession(first.session);
      check.deepEqual((await server.cachedSessions()).map((s) => s.time), [variant === '1.1' ? T0 : T0 + 50], 're-adding renews it');
    } },

    { name: 'TLS 1.3 with SSL_OP_NO_TICKET uses stateful tickets: the server caches one session per ticket', run: async (sb) => {
      const server = await sb.context({ role: 'server', options: ['SSL_OP_NO_TICKET'], numTickets: 2 });
      const client = await sb.context({ role: 'client' });
      const first = await sb.handshake({ client, server });
      check.equal(first.version, 'TLSv1.3');
      check.equal(await server.sessionCount(), 2);
      const again = await sb.handshake({ client, server, session: first.session });
      check.equal(again.reused.server, true);
      check.equal((await server.counters()).hits, 1);
    } },

    { name: 'a session id context mismatch prevents resumption', run: async (sb) => {
      const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'], sessionIdContext: 'app-A' });
      const client = await sb.context({ role: 'client' });
      const first = await sb.handshake({ client, server });
      check.equal((await sb.handshake({ client, server, session: first.session })).reused.server, true);
      await server.configure({ sessionIdContext: 'app-B' });
      check.equal((await sb.handshake({ client, server, session: first.session })).reused.server, false);
    } },

    { name: 'the 256th accepted connection flushes expired sessions (the "every 255" check runs before the count), unless NO_AUTO_CLEAR', run: async (sb) => {
      for (const noAutoClear of [false, true]) {
        await sb.clock.set(T0);
        const server = await sb.context({
          role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'], timeout: 10,
          cacheMode: noAutoClear ? ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_AUTO_CLEAR'] : ['SSL_SESS_CACHE_SERVER'],
        });
        const client = await sb.context({ role: 'client', maxProtocol: 'TLSv1.2' });
        const expired = await sb.handshake({ client, server });
        await sb.clock.advance(20);
        const fresh = await sb.handshake({ client, server });
        for (let accepted = 2; accepted < 255; accepted++) await sb.handshake({ client, server, session: fresh.session });
        check.equal((await server.counters()).accept_good, 255);
        check.equal(await server.sessionCount(), 2, 'nothing flushed after 255');
        // ssl_update_cache() flushes when sess_accept_good & 0xff == 0xff, and is called before the counter moves on.
        await sb.handshake({ client, server, session: fresh.session });
        const left = (await server.cachedSessions()).map((c) => c.id);
        check.equal(left.includes((await expired.session.info()).id), noAutoClear, noAutoClear ? 'kept with NO_AUTO_CLEAR' : 'flushed by the 256th');
        check.ok(left.includes((await fresh.session.info()).id), 'the fresh one stays');
        await Promise.all([server.dispose(), client.dispose()]);
      }
    } },

    { name: 'a TLS 1.3 server caches its stateless-ticket sessions only once a remove callback is set', run: async (sb) => {
      const client = await sb.context({ role: 'client' });
      const plain = await sb.context({ role: 'server' });
      const watched = await sb.context({ role: 'server', callbacks: { removeSession: true } });
      await sb.handshake({ client, server: plain });
      await sb.handshake({ client, server: watched });
      check.equal(await plain.sessionCount(), 0);
      check.ok((await watched.sessionCount()) > 0, 'ssl_update_cache() stores them so that the callback can report timeouts');
    } },

    { name: 'settings read back as OpenSSL reports them', run: async (sb) => {
      const ctx = await sb.context({ role: 'server', cacheSize: 5, timeout: 30, numTickets: 1, minProtocol: 'TLSv1.2',
        cacheMode: ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_AUTO_CLEAR'] });
      const state = await ctx.settings();
      check.deepEqual([state.cacheSize, state.timeout, state.numTickets, state.minProtocol], [5, 30, 1, 'TLSv1.2']);
      check.deepEqual(state.cacheMode, ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_AUTO_CLEAR']);
    } },
  ],
};
