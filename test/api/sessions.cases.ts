import { OpenSSLError } from '../../src/index.js';
import * as check from './check.js';
import { tls12SessionIdPair, type ApiSuite } from './suite.js';

export const sessionSuite: ApiSuite = {
  title: 'SSL_SESSION objects',
  cases: [
    { name: 'i2d_SSL_SESSION and d2i_SSL_SESSION round-trip a resumable session', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const { session } = await sb.handshake({ client, server });
      const der = await session.encode();
      check.ok(der instanceof Uint8Array && der.length > 50, `${der.length} bytes`);
      check.equal(der[0], 0x30, 'a DER SEQUENCE');
      const copy = await sb.decodeSession(der);
      const [a, b] = [await session.info(), await copy.info()];
      check.equal(b.id, a.id);
      check.ok(b.object !== a.object, 'a different object');
      check.equal((await sb.handshake({ client, server, session: copy })).reused.server, true);
    } },

    { name: 'd2i_SSL_SESSION of malformed bytes is OpenSSL\'s error', run: async (sb) => {
      const e = await check.rejects(sb.decodeSession(new Uint8Array([0x30, 0x03, 0x02, 0x01])));
      check.ok(e instanceof OpenSSLError, e.message);
      check.equal(e.call, 'd2i_SSL_SESSION');
      check.ok(e.queue.length > 0, 'the error queue says why');
    } },

    { name: 'SSL_SESSION_print describes the session', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const { session } = await sb.handshake({ client, server });
      const text = await session.print();
      check.match(text, /SSL-Session:/);
      check.match(text, new RegExp(`Session-ID: ${(await session.info()).id.toUpperCase()}`));
    } },

    { name: 'SSL_SESSION_up_ref: two handles, one object, destroyed when the last is freed', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const { session } = await sb.handshake({ client, server });
      await server.removeSession(session); // the cache held the server's own object; ours is the client's
      const second = await session.upRef();
      const object = (await session.info()).object;
      check.equal((await second.info()).object, object);
      const from = await sb.eventCount();
      await session.dispose();
      check.equal((await second.info()).alive, true);
      check.equal((await sb.events(from)).filter((e) => e.kind === 'destroyed').length, 0);
      await second.dispose();
      const destroyed = (await sb.events(from)).filter((e) => e.kind === 'destroyed');
      check.deepEqual(destroyed.map((e) => e.kind === 'destroyed' && e.session.object), [object]);
    } },

    { name: 'a hand-made session (SSL_SESSION_new and setters) can be cached and removed', run: async (sb) => {
      const id = '0102030405060708090a0b0c0d0e0f10';
      const made = await sb.createSession({ id, idContext: 'aabb', protocol: 'TLSv1.2', time: 1_800_000_000, timeout: 60 });
      const info = await made.info();
      check.deepEqual([info.id, info.idContext, info.protocol, info.time, info.timeout], [id, 'aabb', 'TLSv1.2', 1_800_000_000, 60]);
      const server = await sb.context({ role: 'server' });
      check.equal(await server.addSession(made), 1);
      check.deepEqual((await server.cachedSessions()).map((s) => [s.id, s.handles]), [[id, [made.name]]]);
      check.equal(await server.removeSession(made), 1);
      check.equal((await made.info()).resumable, false, 'removal marks it not resumable');
    } },

    { name: 'an id longer than 32 bytes is refused by OpenSSL', run: async (sb) => {
      const e = await check.rejects(sb.createSession({ id: 'ab'.repeat(33) }));
      check.ok(e instanceof OpenSSLError && e.call === 'SSL_SESSION_set1_id', e.message);
    } },
  ],
};
