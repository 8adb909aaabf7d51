// The sandbox's side of the benchmark: the public API, in-process, one module per variant.
import type { Sandbox, SslOption } from '../../src/index.js';
import { GROUP, HANDSHAKES, repeat, type Case, type Handshake } from './cases.js';

export function wasmCases(sb: Sandbox, peer: string): Case[] {
  const prepare = ({ version, resume }: Handshake) => async () => {
    const options: SslOption[] = version === 'TLSv1.2' ? ['SSL_OP_NO_TICKET'] : [];
    const server = await sb.context({ role: 'server', minProtocol: version, maxProtocol: version, options, groups: GROUP });
    // Both ends pinned to the version, as node:tls's are: a TLS 1.3-capable client would make a key share for nothing.
    const client = await sb.context({ role: 'client', minProtocol: version, maxProtocol: version, groups: GROUP });
    const first = await sb.handshake({ client, server });
    const session = resume ? first.session : undefined;
    return repeat(async () => {
      const hs = await sb.handshake({ client, server, session });
      if (resume && !hs.reused.server) throw new Error(`${peer} did not resume (${version})`);
      await hs.session.dispose();
    });
  };
  return HANDSHAKES.map((h) => ({ name: h.name, peer, prepare: prepare(h) }));
}
