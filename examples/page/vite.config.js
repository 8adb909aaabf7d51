// What a Vite app needs to use the package: `npx vite` serves it, `npx vite build` makes a static site.
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative URLs: the built page (dist/) works from any folder of any static host.
  base: './',
  // The sandbox's worker uses top-level await: ES module workers, and a target that has it.
  worker: { format: 'es' },
  build: { target: 'es2022' },
  // The dev server serves the package's modules as shipped, beside their .wasm files, rather than pre-bundled.
  optimizeDeps: { exclude: ['openssl-wasm-sandbox'] },
});
