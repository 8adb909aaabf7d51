import type { Sandbox, SandboxOptions, Variant } from '../../src/index.js';

/** What a case gets besides its sandbox. */
export interface CaseContext {
  variant: Variant;
  /** Another sandbox of the same kind (same variant, same worker mode), disposed after the case. */
  another(options?: SandboxOptions): Promise<Sandbox>;
}

export interface ApiCase {
  name: string;
  run(sb: Sandbox, context: CaseContext): Promise<void>;
}

export interface ApiSuite {
  title: string;
  cases: ApiCase[];
}

/** A TLS 1.2 server that caches sessions by id (no tickets), and a client. */
export async function tls12SessionIdPair(sb: Sandbox) {
  const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
  const client = await sb.context({ role: 'client' });
  return { server, client };
}
