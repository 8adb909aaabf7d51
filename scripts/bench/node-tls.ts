// The peer: node:tls (Node's native OpenSSL) over an in-process duplex pair, the closest
// native equivalent of the sandbox's in-memory wire.
import { once } from 'node:events';
import { constants } from 'node:crypto';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { GROUP, HANDSHAKES, repeat, type Case, type Handshake } from './cases.js';

function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const end = (other: () => Duplex) => new Duplex({
    read() {},
    write(chunk, _encoding, done) { other().push(chunk); done(); },
    final(done) { other().push(null); done(); },
  });
  ends.push(end(() => ends[1]), end(() => ends[0]));
  return [ends[0], ends[1]];
}

export function nodeTlsCases(credentials: { cert: string; key: string }): Case[] {
  const prepare = ({ version, resume }: Handshake) => async () => {
    const serverContext = tls.createSecureContext({
      ...credentials, minVersion: version, maxVersion: version, ecdhCurve: GROUP,
      // TLS 1.2 resumes by session id: no tickets, a server-side cache instead.
      secureOptions: version === 'TLSv1.2' ? constants.SSL_OP_NO_TICKET : 0,
    });
    const clientContext = tls.createSecureContext({ minVersion: version, maxVersion: version, ecdhCurve: GROUP });
    // Node's SSL_CTX has its internal cache switched off: the server cache lives in these events.
    const cache = new Map<string, Buffer>();
    const server = new tls.Server();
    server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => { cache.set(id.toString('hex'), data); done(); });
    server.on('resumeSession', (id: Buffer, done: (e: Error | null, data: Buffer | null) => void) => done(null, cache.get(id.toString('hex')) ?? null));

    const handshake = async (session?: Buffer) => {
      const [clientEnd, serverEnd] = duplexPair();
      const serverSocket = new tls.TLSSocket(serverEnd, { isServer: true, secureContext: serverContext, server });
      const client = tls.connect({ socket: clientEnd, secureContext: clientContext, rejectUnauthorized: false, session });
      // A full handshake counts until the client holds a resumable session (TLS 1.3: the ticket arrived).
      const gotSession = session ? undefined : (once(client, 'session') as Promise<[Buffer]>);
      await Promise.all([once(client, 'secureConnect'), once(serverSocket, 'secure')]);
      const [newSession] = gotSession ? await gotSession : [session!];
      if (session && !client.isSessionReused()) throw new Error(`node:tls did not resume (${version})`);
      client.destroy();
      serverSocket.destroy();
      return newSession;
    };
    const first = await handshake();
    return repeat(resume ? async () => { await handshake(first); } : async () => { await handshake(); });
  };
  return HANDSHAKES.map((h) => ({ name: h.name, peer: 'node:tls', prepare: prepare(h) }));
}
