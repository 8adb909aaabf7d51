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

    // The work the sandbox and the native loop do: the client takes every ticket the server sends
    // (two after a full TLS 1.3 handshake, one after a resumption), and both sides close cleanly.
    const handshake = async (session?: Buffer) => {
      const [clientEnd, serverEnd] = duplexPair();
      const serverSocket = new tls.TLSSocket(serverEnd, { isServer: true, secureContext: serverContext, server });
      const client = tls.connect({ socket: clientEnd, secureContext: clientContext, rejectUnauthorized: false, session });
      const sessions: Buffer[] = [];
      client.on('session', (s: Buffer) => sessions.push(s));
      const closed = Promise.all([once(client, 'close'), once(serverSocket, 'close')]);
      // Each side reads to the end (the client's tickets, then the close_notify), and the server answers it with its own.
      client.resume();
      serverSocket.resume();
      serverSocket.on('end', () => serverSocket.end());
      await Promise.all([once(client, 'secureConnect'), once(serverSocket, 'secure')]);
      if (session && !client.isSessionReused()) throw new Error(`node:tls did not resume (${version})`);
      client.end();
      await closed;
      if (!session && !sessions.length) throw new Error(`node:tls made no session (${version})`);
      return sessions[0] ?? session!;
    };
    const first = await handshake();
    return repeat(resume ? async () => { await handshake(first); } : async () => { await handshake(); });
  };
  return HANDSHAKES.map((h) => ({ name: h.name, peer: 'node:tls', prepare: prepare(h) }));
}
