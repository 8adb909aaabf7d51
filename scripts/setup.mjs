#!/usr/bin/env node
// Builds whatever is missing, in order: npm dependencies, the scenario validator, emscripten, OpenSSL for wasm32
// (cached outside the checkout), the glue module and its TypeScript bindings; with --browser,
// Chromium for the browser tests; with --tshark, tshark for the capture tests; with --native,
// native OpenSSL from the same source for the differential conformance runs; with --node-lines,
// Node 22, 24 and 26 from npm for the package test.
// Usage: node scripts/setup.mjs [--all-variants] [--browser] [--tshark] [--native] [--node-lines]   (OPENSSL=3.0 picks the other variant)
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenSSL } from './lib/openssl-build.mjs';
import { buildModule } from './lib/module-build.mjs';
import { buildNativeOpenSSL } from './lib/openssl-native.mjs';
import { ensureEmscripten } from './lib/toolchain.mjs';
import { ensureChromium } from './lib/browser.mjs';
import { ensureTshark } from './lib/tshark.mjs';
import { ensureNodeLines } from './lib/node-lines.mjs';
import { defaultVariant, root, step, variantOf, variants } from './lib/util.mjs';

// The default variant first: `npm start` serves the playground as soon as it is built.
const names = process.argv.includes('--all-variants')
  ? [defaultVariant, ...Object.keys(variants).filter((name) => name !== defaultVariant)]
  : [process.env.OPENSSL ?? defaultVariant];

try {
  const installed = join(root, 'node_modules', '.package-lock.json');
  // npm writes node_modules/.package-lock.json on install: older than the lock file means stale.
  if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(root, 'package-lock.json')).mtimeMs) {
    step('Installing npm dependencies');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  }
  // The scenario validator, compiled ahead of time from the schema: the playground's
  // Content-Security-Policy refuses the eval that Ajv compiles with at run time.
  const validator = join(root, 'src', 'scenario', 'schema-check.generated.ts');
  // The schema's inputs: its own file, and what it is built from (the C API table's calls, event kinds, variants, constants).
  const inputs = ['src/scenario/schema.ts', 'src/sandbox/c-api.ts', 'src/sandbox/events.ts', 'src/core/module.ts', 'src/core/constants.ts',
    'scripts/scenario-validator.ts', 'package-lock.json'];
  if (!existsSync(validator) || inputs.some((f) => statSync(join(root, f)).mtimeMs > statSync(validator).mtimeMs)) {
    step('Compiling the scenario validator');
    execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'scenario-validator.ts')], { cwd: root, stdio: 'inherit' });
  }
  const emscripten = await ensureEmscripten();
  for (const name of names) {
    const variant = variantOf(name);
    const openssl = await buildOpenSSL(variant, emscripten);
    await buildModule(variant, openssl, emscripten);
    if (process.argv.includes('--native')) await buildNativeOpenSSL(variant);
  }
  if (process.argv.includes('--browser')) await ensureChromium();
  if (process.argv.includes('--tshark')) await ensureTshark();
  if (process.argv.includes('--node-lines')) await ensureNodeLines();
} catch (error) {
  console.error(`\nsetup failed: ${error.message}`);
  process.exit(1);
}
