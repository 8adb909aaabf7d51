// `npm start`: serves the playground with Vite from the project root, so that the page
// (web/index.html) reaches the TypeScript sources (/src) and the OpenSSL modules (/wasm/dist),
// and prints its address. PORT and HOST change where it listens.
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const server = await createServer({
  root,
  // The project root has no page of its own: send its address to the playground.
  plugins: [{
    name: 'playground-home',
    configureServer(dev) {
      dev.middlewares.use((req, res, next) => {
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
