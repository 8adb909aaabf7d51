#!/usr/bin/env node
// The CLI in a checkout, from the TypeScript sources (tsx compiles it on the fly). The package's
// `openssl-sandbox` is the compiled dist/cli/openssl-sandbox.js instead (`npm run build:package`).
const { register } = await import('tsx/esm/api');
register();
await import('./openssl-sandbox.ts');
