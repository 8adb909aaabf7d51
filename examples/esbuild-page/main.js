// The page's script, bundled by build.mjs. esbuild leaves `new URL(…, import.meta.url)` as it is,
// so the page says where build.mjs put the worker and the .wasm files: beside this bundle.
import { createSandbox } from 'openssl-wasm-sandbox';

/** @type {import('openssl-wasm-sandbox').LocateFile} */
const locateFile = (file, _standard, variant) => new URL(file === 'worker.js' ? './worker.js' : `./openssl-${variant}.wasm`, import.meta.url);

const out = /** @type {HTMLPreElement} */ (document.querySelector('#out'));
const sb = await createSandbox({ openssl: '3.5', locateFile });
try {
  const server = await sb.context({ role: 'server' });
  const client = await sb.context({ role: 'client' });
  const first = await sb.handshake({ client, server });
  const again = await sb.handshake({ client, server, session: first.session });
  out.textContent = [await sb.opensslVersion(), `protocol: ${again.version}`, `resumed: ${again.reused.server}`].join('\n');
} catch (error) {
  out.textContent = `failed: ${error instanceof Error ? error.message : error}`;
} finally {
  await sb.dispose();
  out.dataset.done = 'true';
}
