#!/usr/bin/env node
// The CLI in a checkout, from the TypeScript sources (tsx compiles it on the fly), with --browser
// and --native. The package's `openssl-sandbox` is the compiled dist/cli/openssl-sandbox.js
// instead (`npm run build:package`), without them.
const { register } = await import('tsx/esm/api');
register();
await import('./openssl-sandbox.ts');
