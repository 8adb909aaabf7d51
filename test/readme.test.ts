// The README's TypeScript examples run as written (with the package name pointing at the sources).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const blocks = [...(await readFile(join(root, 'README.md'), 'utf8')).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('README examples', () => {
  it('has TypeScript examples', () => assert.ok(blocks.length > 0));
  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs`, async () => {
      // Inside the project, so that tsx and the sources resolve as they do for the tests.
      const dir = await mkdtemp(join(root, 'test', '.readme-'));
      try {
        const file = join(dir, 'example.ts');
        await writeFile(file, code.replace(/'openssl-wasm-sandbox'/g, `'${join(root, 'src', 'index.ts')}'`));
        const { stdout } = await promisify(execFile)('npx', ['tsx', file], { cwd: root, timeout: 60_000 });
        // What the example's comments say it prints (`// resumed: true`) it must print.
        for (const [, said] of code.matchAll(/\/\/ ([a-z ]+: \S+)$/gm)) assert.ok(stdout.includes(said), `prints "${said}"`);
        assert.ok(stdout.length > 0, 'the example prints what it shows');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});
