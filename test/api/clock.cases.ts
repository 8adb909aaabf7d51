import * as check from './check.js';
import { tls12SessionIdPair, type ApiSuite } from './suite.js';

export const clock: ApiSuite = {
  title: 'virtual clock',
  cases: [
    { name: 'stamps sessions with the sandbox time', run: async (sb) => {
    await sb.clock.set(1_800_000_000);
    const { server, client } = await tls12SessionIdPair(sb);
    const { session } = await sb.handshake({ client, server });
    check.equal((await session.info()).time, 1_800_000_000);
    await sb.clock.advance(10);
    check.equal(await sb.clock.now(), 1_800_000_010);
  } },

    { name: 'a session past its timeout is no longer resumed', run: async (sb) => {
    await sb.clock.set(1_800_000_000);
    const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'], timeout: 300 });
    const client = await sb.context({ role: 'client' });
    const first = await sb.handshake({ client, server });
    await sb.clock.advance(299);
    check.equal((await sb.handshake({ client, server, session: first.session })).reused.server, true);
    await sb.clock.advance(2);
    check.equal((await sb.handshake({ client, server, session: first.session })).reused.server, false);
    check.equal((await server.counters()).timeouts, 1);
  } },
  ],
};
