import { HandleError, SandboxError } from '../../src/index.js';
import * as check from './check.js';
import { tls12SessionIdPair, type ApiSuite } from './suite.js';

export const lifecycle: ApiSuite = {
  title: 'sandbox lifecycle',
  cases: [
    { name: 'terminate() rejects a pending call at once, and every later call, until restart()', run: async (sb) => {
      const server = await sb.context({
        role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'],
        cacheMode: ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_STORE'], callbacks: { newSession: 'keep' },
      });
      const client = await sb.context({ role: 'client', maxProtocol: 'TLSv1.2' });
      const first = await sb.handshake({ client, server });
      await server.setGetSessionHandler(() => new Promise(() => {}), 60_000);
      const pending = sb.handshake({ client, server, session: first.session });
      await new Promise((resolve) => setTimeout(resolve, 50));
      sb.terminate();
      const e = await check.rejects(pending);
      check.ok(e instanceof SandboxError && e.code === 'TERMINATED', e.message);
      check.match(e.message, /restart\(\)/);
      const later = await check.rejects(server.sessionCount());
      check.ok(later instanceof SandboxError && later.code === 'TERMINATED', later.message);

      await sb.restart();
      const stale = await check.rejects(server.sessionCount());
      check.ok(stale instanceof HandleError && stale.problem === 'foreign', 'handles from before the restart are refused');
      const fresh = await tls12SessionIdPair(sb);
      check.equal((await sb.handshake(fresh)).version, 'TLSv1.2');
    } },

    { name: 'reset() frees every object: the heap in use is the same after each run', run: async (sb) => {
      const cycle = async () => {
        const { server, client } = await tls12SessionIdPair(sb);
        const { session } = await sb.handshake({ client, server });
        await sb.handshake({ client, server, session });
        await session.dup();
        await sb.reset();
        return (await sb.memory()).inUse;
      };
      await cycle(); // the first run also makes OpenSSL's lasting state: keys, tables
      const after = [await cycle(), await cycle()];
      check.equal(after[1], after[0], 'no growth from one run to the next');
    } },
  ],
};
