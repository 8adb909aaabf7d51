import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachVariant, tls12SessionIdPair } from './helpers.js';

forEachVariant('virtual clock', (withSandbox) => {
  it('stamps sessions with the sandbox time', withSandbox(async (sb) => {
    await sb.clock.set(1_800_000_000);
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    assert.equal((await session.info()).time, 1_800_000_000);
    await sb.clock.advance(10);
    assert.equal(await sb.clock.now(), 1_800_000_010);
  }));

  it('a session past its timeout is no longer resumed', withSandbox(async (sb) => {
    await sb.clock.set(1_800_000_000);
    const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'], timeout: 300 });
    const client = await sb.context({ role: 'client' });
    const first = await sb.handshake({ client, server });
    await sb.clock.advance(299);
    assert.equal((await sb.handshake({ client, server, session: first.session })).reused.server, true);
    await sb.clock.advance(2);
    assert.equal((await sb.handshake({ client, server, session: first.session })).reused.server, false);
    assert.equal((await server.counters()).timeouts, 1);
  }));
});
