#!/usr/bin/env node
// `npm run test:quick`, the inner loop: every test file but those that drive Chromium or read
// captures with tshark, with QUICK=1 (test/quick.ts: the parts that need native OpenSSL builds or
// Node's other lines are skipped, saying so) and a smaller fuzz. A new test file runs here unless
// it is listed below. Failures print as node:test prints them; `npm test` runs everything.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib/util.mjs';

/** Left out: they need a browser or tshark, which only the full suite sets up. */
const LEFT_OUT = ['browser.test.ts', 'playground.test.ts', 'capture.test.ts', 'dissect.test.ts'];

const files = readdirSync(join(root, 'test')).filter((f) => f.endsWith('.test.ts') && !LEFT_OUT.includes(f)).map((f) => join('test', f));
const { status } = spawnSync(process.execPath, ['--test', '--import', 'tsx', ...files], {
  cwd: root, stdio: 'inherit', env: { ...process.env, QUICK: '1', FUZZ_CASES: process.env.FUZZ_CASES ?? '50' },
});
process.exit(status ?? 1);
