import { describe } from 'node:test';
import { createSandbox, VARIANTS, type Sandbox, type Variant } from '../src/index.js';

/** Runs the suite once per OpenSSL variant, each test with a fresh sandbox that is disposed afterwards. */
export function forEachVariant(title: string, suite: (withSandbox: (test: (sb: Sandbox) => Promise<void>) => () => Promise<void>, variant: Variant) => void) {
  for (const variant of VARIANTS) {
    describe(`${title} [OpenSSL ${variant}]`, () => {
      suite((test) => async () => {
        const sb = await createSandbox({ openssl: variant });
        try {
          await test(sb);
        } finally {
          await sb.dispose();
        }
      }, variant);
    });
  }
}

/** A TLS 1.2 server that caches sessions by id (no tickets), and a client. */
export async function tls12SessionIdPair(sb: Sandbox) {
  const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
  const client = await sb.context({ role: 'client' });
  return { server, client };
}
