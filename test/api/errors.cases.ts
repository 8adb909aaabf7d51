import { ArgumentError, HandleError, OpenSSLError, SandboxError } from '../../src/index.js';
import * as check from './check.js';
import { tls12SessionIdPair, type ApiSuite } from './suite.js';

export const errors: ApiSuite = {
  title: 'typed errors',
  cases: [
    { name: 'a disposed session passed to SSL_CTX_add_session is a use-after-free error, and C is never called', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const { session } = await sb.handshake({ client, server });
      await session.dispose();
      const before = await sb.eventCount();
      const e = await check.rejects(server.addSession(session));
      check.ok(e instanceof HandleError, `a HandleError, not ${e.name}`);
      check.equal(e.problem, 'disposed');
      check.match(e.message, /use after free/);
      check.equal(await sb.eventCount(), before, 'no OpenSSL call was made');
      check.equal((await session.info()).alive, false);
    } },

    { name: 'a session freed twice is refused the second time', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const { session } = await sb.handshake({ client, server });
      await session.dispose();
      const e = await check.rejects(session.dispose());
      check.ok(e instanceof HandleError && e.problem === 'disposed', e.message);
      check.match(e.message, /double free/);
    } },

    { name: 'a handle of another sandbox is refused as foreign', run: async (sb, { another }) => {
      const other = await another();
      const { server, client } = await tls12SessionIdPair(other);
      const { session } = await other.handshake({ client, server });
      const mine = await sb.context({ role: 'server' });
      const e = await check.rejects(mine.addSession(session));
      check.ok(e instanceof HandleError && e.problem === 'foreign', e.message);
    } },

    { name: 'a context where a session belongs is refused as the wrong kind', run: async (sb) => {
      const server = await sb.context({ role: 'server' });
      const wrong = await check.rejects(server.addSession(server as never));
      check.ok(wrong instanceof HandleError && wrong.problem === 'wrong-kind', wrong.message);
      const junk = await check.rejects(server.addSession({ not: 'a handle' } as never));
      check.ok(junk instanceof HandleError && junk.problem === 'not-a-handle', junk.message);
    } },

    { name: 'min protocol above max fails the handshake with OpenSSL\'s own reason', run: async (sb) => {
      const server = await sb.context({ role: 'server' });
      const client = await sb.context({ role: 'client', minProtocol: 'TLSv1.3', maxProtocol: 'TLSv1.2' });
      const e = await check.rejects(sb.handshake({ client, server }));
      check.ok(e instanceof OpenSSLError, `an OpenSSLError, not ${e.name}`);
      check.equal(e.call, 'SSL_do_handshake');
      check.ok(e.queue.some((entry) => entry.reason === 'no protocols available' && entry.library === 'SSL routines'),
        JSON.stringify(e.queue));
    } },

    { name: 'an unknown cipher list is OpenSSL\'s error at configuration time', run: async (sb) => {
      const e = await check.rejects(sb.context({ role: 'server', cipherList: 'NO-SUCH-CIPHER' }));
      check.ok(e instanceof OpenSSLError, `an OpenSSLError, not ${e.name}`);
      check.equal(e.call, 'SSL_CTX_set_cipher_list');
      check.ok(e.queue.some((entry) => entry.reason === 'no cipher match'), JSON.stringify(e.queue));
    } },

    { name: 'one SSL_SESSION object in two caches is refused before OpenSSL corrupts a cache list', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const { session } = await sb.handshake({ client, server });
      const other = await sb.context({ role: 'server' });
      check.equal(await server.addSession(session), 1);
      const e = await check.rejects(other.addSession(session));
      check.ok(e instanceof SandboxError && e.code === 'SESSION_IN_ANOTHER_CACHE', e.message);
      check.equal(await other.addSession(await session.dup()), 1, 'a copy may go in');
      await sb.reset(); // SSL_CTX_free of both contexts returns
    } },

    { name: 'a handle as JSON is its plain reference', run: async (sb) => {
      const server = await sb.context({ role: 'server' });
      const json = JSON.parse(JSON.stringify({ server }));
      check.deepEqual([json.server.kind, json.server.name], ['SSL_CTX', server.name]);
    } },

    { name: 'unknown flag names and bad numbers are argument errors naming the value', run: async (sb) => {
      const flag = await check.rejects(sb.context({ role: 'server', cacheMode: ['SSL_SESS_CACHE_SOMETIMES' as never] }));
      check.ok(flag instanceof ArgumentError, flag.message);
      check.match(flag.message, /SSL_SESS_CACHE_SOMETIMES/);
      const timeout = await check.rejects(sb.context({ role: 'server', timeout: -5 }));
      check.ok(timeout instanceof ArgumentError, timeout.message);
      check.match(timeout.message, /timeout/);
      check.ok((await check.rejects(sb.context({ role: 'nobody' as never }))) instanceof ArgumentError);
    } },
  ],
};
