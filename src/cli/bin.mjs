#!/usr/bin/env node
// Runs the TypeScript CLI from the sources (tsx compiles it on the fly).
const { register } = await import('tsx/esm/api');
register();
await import('./openssl-sandbox.ts');
