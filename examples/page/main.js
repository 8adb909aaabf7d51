// An embedded page: the sandbox in a Web Worker, driven by a button.
import { createSandbox } from 'openssl-wasm-sandbox';

const out = /** @type {HTMLPreElement} */ (document.querySelector('#out'));
const choice = /** @type {HTMLSelectElement} */ (document.querySelector('#openssl'));

/** @param {import('openssl-wasm-sandbox').Variant} openssl */
async function run(openssl) {
  const sb = await createSandbox({ openssl });
  try {
    const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
    const client = await sb.context({ role: 'client' });
    const first = await sb.handshake({ client, server });
    const again = await sb.handshake({ client, server, session: first.session });
    const calls = (await sb.events()).filter((e) => e.kind === 'call').length;
    return [await sb.opensslVersion(), `resumed: ${again.reused.server}`, `sessions cached: ${await server.sessionCount()}`, `OpenSSL calls logged: ${calls}`];
  } finally {
    await sb.dispose();
  }
}

document.querySelector('#run')?.addEventListener('click', async () => {
  out.textContent = 'running…';
  delete out.dataset.done;
  try {
    out.textContent = (await run(choice.value === '3.0' ? '3.0' : '3.5')).join('\n');
  } catch (error) {
    out.textContent = `failed: ${error instanceof Error ? error.message : error}`;
  }
  out.dataset.done = 'true';
});
