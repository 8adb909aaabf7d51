// Vite serves the project from its root: the browser test harness (test/browser/) now, the
// playground (web/) later. Both import the TypeScript sources and wasm/dist directly.
import { defineConfig } from 'vite';

export default defineConfig({
  // The sandbox worker uses top-level await and dynamic imports: a build with Vite's default
  // (iife) workers fails on them.
  worker: { format: 'es' },
});
