// Vite serves the project from its root: the browser test harness (test/browser/) and the
// playground (web/, `npm start`). Both import the TypeScript sources and wasm/dist directly.
// `npm run build` makes the playground a static site in web/dist.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const page = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig(({ command }) => ({
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
