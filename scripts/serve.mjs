// `npm start`: serves the playground with Vite from the project root, so that the page
// (web/index.html) reaches the TypeScript sources (/src) and the OpenSSL modules (/wasm/dist),
// and prints its address. PORT and HOST change where it listens.
// With --build-others, the variants other than the default (which setup built first) are built
// after the playground is up; the page asks /@openssl-sandbox/building which are still missing.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { root as checkout, variants } from './lib/util.mjs';

let building = [];
if (process.argv.includes('--build-others')) {
  const missing = () => Object.keys(variants).filter((v) => !existsSync(`${checkout}/wasm/dist/${v}/openssl.wasm`));
  building = missing();
  if (building.length > 0) {
    console.log(`  Building OpenSSL ${building.join(', ')} in the background (the playground shows them as building until then)`);
    const setup = spawn(process.execPath, [`${checkout}/scripts/setup.mjs`, '--all-variants'], { stdio: ['ignore', 'inherit', 'inherit'] });
    setup.on('exit', (code) => {
      if (code !== 0) console.error(`  Building the other OpenSSL variants failed (exit ${code}): ${missing().join(', ')} stay unavailable`);
      building = [];
    });
  }
}

const root = fileURLToPath(new URL('..', import.meta.url));
const server = await createServer({
  root,
  // The project root has no page of its own: send its address to the playground.
  plugins: [{
    name: 'playground-home',
    configureServer(dev) {
      dev.middlewares.use((req, res, next) => {
        if (req.url === '/@openssl-sandbox/building') {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(building));
          return undefined;
        }
        if (req.url !== '/') return next();
        res.writeHead(302, { Location: '/web/index.html' }).end();
      });
    },
  }],
  server: { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 5173), strictPort: false, fs: { allow: [root] } },
});
await server.listen();
const url = new URL('web/index.html', server.resolvedUrls.local[0] ?? server.resolvedUrls.network[0]).href;
console.log(`\n  OpenSSL session cache playground: ${url}\n  (Ctrl+C stops it; \`npm run demo\` runs the terminal demo)\n`);
