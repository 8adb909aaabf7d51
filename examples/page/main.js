// An embedded page: the sandbox in a Web Worker, driven by a button.
import { createSandbox } from 'openssl-wasm-sandbox';

const out = /** @type {HTMLPreElement} */ (document.querySelector('#out'));
const choice = /** @type {HTMLSelectElement} */ (document.querySelector('#openssl'));

// `?assets=https://cdn.example/` loads the .wasm and the worker script from there, at the paths
// the build gave them (that server must allow this page by CORS). Without it, they load from
// beside this page's own scripts.
const assets = new URLSearchParams(location.search).get('assets');
/** @type {import('openssl-wasm-sandbox').LocateFile | undefined} */
const locateFile = assets ? (_file, standard) => new URL(standard.pathname, assets) : undefined;

/** @param {import('openssl-wasm-sandbox').Variant} openssl */
async function run(openssl) {
  const sb = await createSandbox({ openssl, locateFile });
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
    out.textContent = (await run(/** @type {import('openssl-wasm-sandbox').Variant} */ (choice.value))).join('\n');
  } catch (error) {
    out.textContent = `failed: ${error instanceof Error ? error.message : error}`;
  }
  out.dataset.done = 'true';
});
