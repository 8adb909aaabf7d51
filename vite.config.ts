// Vite serves the project from its root: the browser test harness (test/browser/) and the
// playground (web/, `npm start`). Both import the TypeScript sources and wasm/dist directly.
// `npm run build` makes the playground a static site in web/dist.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Connect, type Plugin } from 'vite';

const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The package's public entry points by name, resolved to the sources (as tsconfig.json's paths
 * are): the playground imports only these, as any page using the package would.
 */
const PACKAGE_ENTRY_POINTS = [
  { find: /^openssl-wasm-sandbox$/, replacement: page('./src/index.ts') },
  { find: /^openssl-wasm-sandbox\/conformance$/, replacement: page('./src/conformance.ts') },
];

/**
 * The pages' Content-Security-Policy: scripts and styles from this origin only, no inline
 * script, no eval ('wasm-unsafe-eval' allows compiling WebAssembly, not eval), no other origin,
 * nothing framed, posted or plugged in. connect-src 'self' lets the page fetch openssl.wasm (and,
 * in development, reach Vite's own socket).
 */
const PAGE_POLICY = [
  "default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'", "connect-src 'self'",
  "style-src 'self'", "img-src 'self' data:", "base-uri 'none'", "form-action 'none'", "object-src 'none'",
];
/**
 * The sandbox worker's own policy (a worker follows its response's headers, not the page's):
 * its modules and WebAssembly, and no network at all (it gets the compiled module from the page).
 */
const WORKER_POLICY = ["default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'"];

/** The worker's script: Vite's `?worker_file` in development, `assets/entry-<hash>.js` once built. */
const isWorkerScript = (url = '') => /[?&]worker_file\b/.test(url) || /\/assets\/entry-[\w-]+\.js(\?|$)/.test(url);

const sendPolicy: Connect.NextHandleFunction = (req, res, next) => {
  res.setHeader('Content-Security-Policy', [...(isWorkerScript(req.url) ? WORKER_POLICY : PAGE_POLICY), "frame-ancestors 'none'"].join('; '));
  next();
};

/**
 * The policy as headers from Vite's servers (development and preview) and, for static hosts
 * that send no headers, as a meta tag in each page (a meta tag cannot cover the worker: see web/README.md).
 */
const contentSecurityPolicy: Plugin = {
  name: 'content-security-policy',
  configureServer: (server) => { server.middlewares.use(sendPolicy); },
  configurePreviewServer: (server) => { server.middlewares.use(sendPolicy); },
  transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: PAGE_POLICY.join('; ') }, injectTo: 'head-prepend' }],
};

/**
 * Cache headers for the built site, which Vite's preview would serve as `no-cache` throughout (asked
 * again on every visit). The files in assets/ carry a hash of their content in their names: a browser
 * may keep them for good, without asking again (immutable). Kept, openssl.wasm also keeps the code
 * Chromium compiled from it (its code cache), so a repeat visit compiles nothing. Pages stay `no-cache`.
 */
const HASHED_ASSETS_CACHE = 'public, max-age=31536000, immutable';
const cacheHashedAssets: Plugin = {
  name: 'cache-hashed-assets',
  configurePreviewServer: (server) => {
    server.middlewares.use((req, res, next) => {
      if (new URL(req.url ?? '/', 'http://localhost').pathname.startsWith('/assets/')) res.setHeader('Cache-Control', HASHED_ASSETS_CACHE);
      next();
    });
  },
};

export default defineConfig(({ command }) => ({
  plugins: [contentSecurityPolicy, cacheHashedAssets],
  resolve: { alias: PACKAGE_ENTRY_POINTS },
  // The sandbox worker uses top-level await and dynamic imports: a build with Vite's default
  // (iife) workers fails on them.
  worker: { format: 'es' },
  ...(command === 'build' ? {
    // Only the playground (and its lessons page) is built; relative URLs let any static host serve it from any path.
    root: 'web',
    base: './',
    build: {
      outDir: 'dist', emptyOutDir: true, target: 'es2022', assetsInlineLimit: 0,
      rollupOptions: { input: { main: page('./web/index.html'), lessons: page('./web/lessons/index.html') } },
    },
  } : {}),
}));
