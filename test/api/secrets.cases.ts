import type { Sandbox } from '../../src/index.js';
import { hex } from '../../src/core/bytes.js';
import * as check from './check.js';
import type { ApiSuite } from './suite.js';

const base64ToHex = (text: string) => hex(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
/** JSON with byte arrays as hex, so that a secret's bytes would show whatever their container. */
const dump = (value: unknown) => JSON.stringify(value, (_, v) => (v instanceof Uint8Array ? hex(v) : v)).toLowerCase();

/** Everything a caller sees without asking for a secret: events, transcripts, results, session and cache views, counters, settings. */
async function ordinaryViews(sb: Sandbox): Promise<string> {
  const server12 = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
  const server13 = await sb.context({ role: 'server' });
  const client = await sb.context({ role: 'client' });
  const views: unknown[] = [];
  for (const server of [server12, server13]) {
    const first = await sb.handshake({ client, server });
    const again = await sb.handshake({ client, server, session: first.session });
    views.push(first, again, await first.session.info(), await server.cachedSessions(), await server.counters(), await server.settings(),
      await sb.transcript(first.connection), await sb.transcript(again.connection));
  }
  views.push(await sb.events());
  return dump(views);
}

export const secretSuite: ApiSuite = {
  title: 'secrets leave the sandbox only when asked for',
  cases: [
    { name: 'the server\'s private key, the traffic secrets and the session master keys appear only in serverCredentials(), keylog(), capture(), and a session\'s print()/encode()', run: async (sb) => {
      const seen = await ordinaryViews(sb);
      const { key } = await sb.serverCredentials();
      // The P-256 private scalar: ECPrivateKey's version 1, then its 32-byte OCTET STRING (the rest of the key is public).
      const scalar = /0201010420([0-9a-f]{64})/.exec(base64ToHex(key.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')))?.[1] ?? '';
      check.equal(scalar.length, 64, 'serverCredentials() exports the private key when asked');
      check.ok(!seen.includes(scalar), 'the private key is in no ordinary view');

      const connections = [...new Set((await sb.events()).map((e) => (e as { connection?: string }).connection).filter((c): c is string => !!c))];
      check.ok(connections.length >= 4, `connections: ${connections.join(', ')}`);
      let secrets = 0;
      for (const connection of connections) {
        const keylog = await sb.keylog(connection);
        check.equal((await sb.capture(connection)).keylog, keylog, 'capture() embeds the same key log');
        for (const line of keylog.trim().split('\n').filter(Boolean)) {
          const secret = line.split(' ')[2].toLowerCase();
          check.ok(!seen.includes(secret), `the ${line.split(' ')[0]} of ${connection} is in no ordinary view`);
          secrets++;
        }
      }
      check.ok(secrets >= 10, `key log secrets checked: ${secrets}`);

      const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
      const { session } = await sb.handshake({ client: await sb.context({ role: 'client' }), server });
      const masterKey = /Master-Key: ([0-9A-F]+)/.exec(await session.print())?.[1]?.toLowerCase() ?? '';
      check.ok(masterKey.length === 96, 'print() shows the master key when asked');
      check.ok(hex(await session.encode()).includes(masterKey), 'encode() carries it (a serialized session is a secret)');
      check.ok(!dump([await session.info(), await server.cachedSessions(), await sb.events()]).includes(masterKey), 'the master key is in no ordinary view');
    } },
  ],
};
