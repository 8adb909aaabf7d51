// Bundles the page with esbuild into dist/: the page's script, the sandbox's worker as a second
// entry point, and a copy of each OpenSSL module (esbuild does not follow `new URL(…)`).
//   npm install openssl-wasm-sandbox esbuild && node build.mjs
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { VARIANTS } from 'openssl-wasm-sandbox';

const dist = new URL('./dist/', import.meta.url);
await build({
  entryPoints: { main: fileURLToPath(new URL('./main.js', import.meta.url)), worker: 'openssl-wasm-sandbox/worker' },
  outdir: fileURLToPath(dist),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  logLevel: 'warning',
});
await mkdir(dist, { recursive: true });
for (const variant of VARIANTS) {
  await copyFile(new URL(import.meta.resolve(`openssl-wasm-sandbox/wasm/${variant}/openssl.wasm`)), new URL(`openssl-${variant}.wasm`, dist));
}
