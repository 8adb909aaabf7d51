import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ArgumentError, createSandbox, HandleError, OpenSSLError } from '../src/index.js';
import { forEachVariant, tls12SessionIdPair } from './helpers.js';

forEachVariant('typed errors', (withSandbox) => {
  it('a disposed session passed to SSL_CTX_add_session is a use-after-free error, and C is never called', withSandbox(async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    await session.dispose();
    const before = (await sb.events()).length;
    await assert.rejects(server.addSession(session), (e: unknown) => {
      assert.ok(e instanceof HandleError);
      assert.equal(e.problem, 'disposed');
      assert.match(e.message, /use after free/);
      return true;
    });
    assert.equal((await sb.events()).length, before, 'no OpenSSL call was made');
    assert.equal((await session.info()).alive, false);
  }));

  it('a session freed twice is refused the second time', withSandbox(async (sb) => {
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    await session.dispose();
    await assert.rejects(session.dispose(), { name: 'HandleError', problem: 'disposed' });
  }));

  it('a handle of another sandbox is refused as foreign', withSandbox(async (sb) => {
    const other = await createSandbox({ openssl: sb.variant });
    try {
      const { server, client } = await tls12SessionIdPair(other);
      const { session } = await other.handshake({ client, server });
      const mine = await sb.context({ role: 'server' });
      await assert.rejects(mine.addSession(session), { name: 'HandleError', problem: 'foreign' });
    } finally {
      await other.dispose();
    }
  }));

  it('a context where a session belongs is refused as the wrong kind', withSandbox(async (sb) => {
    const server = await sb.context({ role: 'server' });
    await assert.rejects(server.addSession(server as never), { name: 'HandleError', problem: 'wrong-kind' });
    await assert.rejects(server.addSession({ not: 'a handle' } as never), { name: 'HandleError', problem: 'not-a-handle' });
  }));

  it('min protocol above max fails the handshake with OpenSSL\'s own reason', withSandbox(async (sb) => {
    const server = await sb.context({ role: 'server' });
    const client = await sb.context({ role: 'client', minProtocol: 'TLSv1.3', maxProtocol: 'TLSv1.2' });
    await assert.rejects(sb.handshake({ client, server }), (e: unknown) => {
      assert.ok(e instanceof OpenSSLError);
      assert.equal(e.call, 'SSL_do_handshake');
      assert.ok(e.queue.some((entry) => entry.reason === 'no protocols available' && entry.library === 'SSL routines'),
        JSON.stringify(e.queue));
      return true;
    });
  }));

  it('an unknown cipher list is OpenSSL\'s error at configuration time', withSandbox(async (sb) => {
    await assert.rejects(sb.context({ role: 'server', cipherList: 'NO-SUCH-CIPHER' }), (e: unknown) => {
      assert.ok(e instanceof OpenSSLError);
      assert.equal(e.call, 'SSL_CTX_set_cipher_list');
      assert.ok(e.queue.some((entry) => entry.reason === 'no cipher match'), JSON.stringify(e.queue));
      return true;
    });
  }));

  it('unknown flag names and bad numbers are argument errors naming the value', withSandbox(async (sb) => {
    await assert.rejects(sb.context({ role: 'server', cacheMode: ['SSL_SESS_CACHE_SOMETIMES' as never] }),
      (e: unknown) => e instanceof ArgumentError && /SSL_SESS_CACHE_SOMETIMES/.test(e.message));
    await assert.rejects(sb.context({ role: 'server', timeout: -5 }),
      (e: unknown) => e instanceof ArgumentError && /timeout/.test(e.message));
    await assert.rejects(sb.context({ role: 'nobody' as never }), ArgumentError);
  }));
});
