// The layers of docs/architecture.md, checked by dependency-cruiser with the rules of
// scripts/layers.mjs: the tree as it is passes, and a wrong import of each kind fails, naming
// the rule, the importing file and what it imported.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs the checker over src/ and web/: its exit code and its report (one line per violation). */
async function depcruise(): Promise<{ code: number; out: string }> {
  const args = ['node_modules/dependency-cruiser/bin/dependency-cruise.mjs', 'src', 'web', '--config', 'scripts/layers.mjs', '--output-type', 'err'];
  try {
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: root, timeout: 120_000 });
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout + failed.stderr };
  }
}

/** One wrong import per rule: a file to write for the run, what it imports, and the violation it must cause. */
const WRONG: { file: string; source: string; violation: string }[] = [
  { file: 'src/core/wrong-import.ts', source: "export * from '../sandbox/events.js';", violation: 'core-points-down: src/core/wrong-import.ts → src/sandbox/events.ts' },
  { file: 'src/trace/wrong-import.ts', source: "export type { EventLog } from '../sandbox/events.js';", violation: 'trace-points-down: src/trace/wrong-import.ts → src/sandbox/events.ts' },
  { file: 'src/sandbox/wrong-import.ts', source: "export { startWorker } from '../worker/host.js';", violation: 'sandbox-points-down: src/sandbox/wrong-import.ts → src/worker/host.ts' },
  { file: 'src/worker/wrong-import.ts', source: "export * from '../scenario/run.js';", violation: 'worker-points-down: src/worker/wrong-import.ts → src/scenario/run.ts' },
  { file: 'src/scenario/wrong-import.ts', source: "export * from '../index.js';", violation: 'scenario-points-down: src/scenario/wrong-import.ts → src/index.ts' },
  { file: 'src/cli/wrong-import.ts', source: "export * from '../conformance.js';", violation: 'cli-points-down: src/cli/wrong-import.ts → src/conformance.ts' },
  { file: 'src/scenario/wrong-tooling.ts', source: "export * from '../../scripts/checkout/native.js';", violation: 'src-ships-alone: src/scenario/wrong-tooling.ts → scripts/checkout/native.ts' },
  { file: 'src/scenario/wrong-dependency.ts', source: "export * from 'playwright-core';", violation: 'src-uses-no-dev-dependency: src/scenario/wrong-dependency.ts → node_modules/playwright-core' },
  { file: 'web/wrong-import.ts', source: "export * from '../src/scenario/run.js';", violation: 'web-uses-the-package: web/wrong-import.ts → src/scenario/run.ts' },
];

describe('layers [dependency-cruiser, scripts/layers.mjs]', () => {
  it('every import of src/ and web/ points down', async () => {
    const { code, out } = await depcruise();
    assert.equal(code, 0, out);
    assert.match(out, /no dependency violations found/);
  });

  it('a wrong import fails the check, naming the rule, the file and what it imports; a module no entry point reaches too', async () => {
    const written = [...WRONG.map(({ file, source }) => ({ file, source })), { file: 'src/scenario/unshipped.ts', source: 'export const unused = 1;' }];
    try {
      for (const { file, source } of written) {
        await mkdir(dirname(join(root, file)), { recursive: true });
        await writeFile(join(root, file), `${source}\n`);
      }
      const { code, out } = await depcruise();
      assert.notEqual(code, 0);
      for (const { violation } of WRONG) assert.ok(out.includes(`error ${violation}`), `${violation}\n${out}`);
      assert.match(out, /error src-is-what-ships: src\/scenario\/unshipped\.ts/);
    } finally {
      await Promise.all(written.map(({ file }) => rm(join(root, file), { force: true })));
    }
  });
});
