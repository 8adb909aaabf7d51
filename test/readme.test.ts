// Every code block of the README is checked. TypeScript and JavaScript run as written (the
// package's names pointing at the sources) and print what their comments say; a block marked
// `<!-- path -->` is a piece of that file (which test/package.test.ts runs from the packed
// package); shell commands run when they are quick (the CLI), and the rest (npm start, npm test,
// building OpenSSL) must name scripts, files, flags and variables that exist.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const readme = await readFile(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const blocks = [...readme.matchAll(/(?:<!-- (\S+) -->\n)?```(\w+)\n([\s\S]*?)```/g)].map(([, from, lang, code]) => ({ from, lang, code }));
const sources: Record<string, string> = {
  'openssl-wasm-sandbox/conformance': join(root, 'src', 'conformance.ts'),
  'openssl-wasm-sandbox': join(root, 'src', 'index.ts'),
};

/** Runs code in a folder inside the project, so that tsx and the sources resolve as they do for the tests. */
async function runCode(code: string): Promise<string> {
  const dir = await mkdtemp(join(root, 'test', '.readme-'));
  try {
    const file = join(dir, 'example.ts');
    await writeFile(file, code.replace(/'(openssl-wasm-sandbox(?:\/conformance)?)'/g, (_, name: string) => `'${sources[name]}'`));
    return (await exec('npx', ['tsx', file], { cwd: root, timeout: 60_000 })).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The checkout's CLI (the package's `openssl-sandbox` with --browser and --native). */
const cli = (args: string[]) => exec('node', ['scripts/checkout/bin.mjs', ...args], { cwd: root, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });

/** Checks one shell command of the README; returns how (ran, or what was checked). */
async function checkCommand(command: string): Promise<string> {
  const withEnv = /^((?:[A-Z0-9_]+=\S+ )+)(.+)$/.exec(command);
  if (withEnv) {
    const read = (await Promise.all(['scripts/lib/openssl-source.mjs', 'scripts/lib/util.mjs', 'scripts/setup.mjs']
      .map((f) => readFile(join(root, f), 'utf8')))).join('\n');
    for (const [, name] of withEnv[1].matchAll(/([A-Z0-9_]+)=/g)) {
      // OPENSSL_TARBALL_3_5 is read through a template: `OPENSSL_TARBALL_${variant, . as _}`.
      assert.ok(read.includes(name) || read.includes(name.replace(/\d_\d$/, '${')), `the build reads ${name}`);
    }
    return `${await checkCommand(withEnv[2])} (variables read by scripts/)`;
  }
  if (/^(git clone|cd) /.test(command)) return 'not run: the reader clones the repository';
  const npmScript = /^npm (?:run )?(\S+)(?: -- (.+))?$/.exec(command);
  if (npmScript && npmScript[1] === 'pack') {
    assert.ok(pkg.scripts.prepack, 'npm pack builds dist/ first');
    return 'script exists (test/package.test.ts runs npm pack)';
  }
  if (npmScript) {
    const script = pkg.scripts[npmScript[1]];
    assert.ok(script, `package.json has the script ${npmScript[1]}`);
    for (const flag of npmScript[2]?.split(' ') ?? []) assert.ok((await readFile(join(root, 'scripts/setup.mjs'), 'utf8')).includes(flag), `setup takes ${flag}`);
    return 'script exists';
  }
  const npx = /^npx openssl-sandbox (.+?)(?: > (\S+))?$/.exec(command);
  if (npx) {
    const { stdout } = await cli(npx[1].split(' '));
    if (npx[2]?.endsWith('.xml')) assert.match(stdout, /<testsuite name="openssl-sandbox" tests="\d+" failures="0"/);
    if (npx[2]?.endsWith('.json')) assert.ok(JSON.parse(stdout));
    return 'ran';
  }
  const node = /^node (\S+) (.+)$/.exec(command);
  if (node) {
    assert.ok(existsSync(join(root, node[1])), `${node[1]} exists`);
    const { stdout: usage } = await cli(['--help']);
    for (const flag of node[2].match(/--\w+/g) ?? []) assert.ok(usage.includes(flag), `the CLI takes ${flag}`);
    return 'file and flags exist; not run (the catalog in Chromium and natively takes minutes)';
  }
  assert.fail(`a README command this test does not know how to check: ${command}`);
}

describe('README code blocks', () => {
  it('has a TypeScript example on its first screen that disposes what it creates', () => {
    const first = blocks.find((b) => b.lang === 'ts');
    assert.ok(first && readme.indexOf(first.code) < readme.indexOf('\n## '), 'before the first section');
    assert.match(first.code, /await sb\.dispose\(\);/);
  });

  blocks.forEach(({ from, lang, code }, i) => {
    const title = code.split('\n')[0];
    if (from) {
      it(`block ${i + 1} (${lang}) is part of ${from}`, async () => {
        const file = await readFile(join(root, from), 'utf8');
        for (const line of code.split('\n').filter((l) => l.trim())) assert.ok(file.includes(line), `${from} has: ${line}`);
      });
    } else if (lang === 'ts' || lang === 'js') {
      it(`block ${i + 1} (${lang}) runs and prints what its comments say: ${title}`, async () => {
        const stdout = await runCode(code);
        for (const [, said] of code.matchAll(/\/\/ ([a-z ]+: \S+)$/gm)) assert.ok(stdout.includes(said), `prints "${said}"`);
        assert.ok(stdout.length > 0, 'the example prints what it shows');
      });
    } else if (lang === 'sh') {
      const commands = code.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean).flatMap((l) => l.split(' && '));
      it(`block ${i + 1} (sh): ${title}`, async (t) => {
        for (const command of commands) t.diagnostic(`${command}: ${await checkCommand(command)}`);
      });
    } else {
      it(`block ${i + 1} has a language this test checks`, () => assert.fail(`\`\`\`${lang}`));
    }
  });
});
