// The sandbox's side of the benchmark: the public API, in-process, one module per variant.
import { type ProtocolVersion, type Sandbox, type SslOption } from '../../src/index.js';
import type { Case } from './cases.js';

export function wasmCases(sb: Sandbox): Case[] {
  const peer = `wasm ${sb.variant}`;
  const make = (version: ProtocolVersion, resume: boolean): Case['setup'] => async () => {
    const options: SslOption[] = version === 'TLSv1.2' ? ['SSL_OP_NO_TICKET'] : [];
    const server = await sb.context({ role: 'server', minProtocol: version, maxProtocol: version, options });
    // Both ends pinned to the version, as node:tls's are: a TLS 1.3-capable client would make a key share for nothing.
    const client = await sb.context({ role: 'client', minProtocol: version, maxProtocol: version });
    const first = await sb.handshake({ client, server });
    const session = resume ? first.session : undefined;
    return async () => {
      const hs = await sb.handshake({ client, server, session });
      if (resume && !hs.reused.server) throw new Error(`${peer} did not resume (${version})`);
      await hs.session.dispose();
    };
  };
  return [
    { name: 'TLS 1.3 full', peer, setup: make('TLSv1.3', false) },
    { name: 'TLS 1.3 resumption', peer, setup: make('TLSv1.3', true) },
    { name: 'TLS 1.2 full', peer, setup: make('TLSv1.2', false) },
    { name: 'TLS 1.2 session-id resumption', peer, setup: make('TLSv1.2', true) },
  ];
}

