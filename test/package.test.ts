// The npm package as a user gets it: `npm pack` (prepack compiles dist/), installed from the
// tarball into a fresh project beside Vite and esbuild, then used the ways the README and
// examples/ show: on this machine's Node and on each Node line `engines` admits (installed by
// `node scripts/setup.mjs --node-lines`), the README's example, a Node script, a conformance
// test in the user's own runner and the CLI; in Chromium, pages built by Vite (its default
// configuration, and the example's), its dev server, esbuild, a plain page, and the .wasm and
// the worker served from a second origin.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createServer, preview, type PreviewServer } from 'vite';
import { launchChromium } from '../scripts/checkout/headless.js';
import { NODE_LINES, nodeOfLine } from '../scripts/lib/node-lines.mjs';
import { DEFAULT_VARIANT, VARIANTS } from '../src/index.js';
import { leftOutOfQuick } from './quick.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const versionOf = async (name: string) => JSON.parse(await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8')).version as string;

/** What `npm pack --json` reports of the tarball. */
interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

let work = '';
let project = '';
let packed: Packed;

/**
 * Runs a command in the installed project; stdout, stderr and the exit code, without throwing.
 * With `node`, that binary is the `node` of the command and of the scripts it starts.
 */
async function run(command: string, args: string[], cwd = project, node?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  // Without the variable that makes a `node --test` inside this one report to it instead of printing.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  if (node) env.PATH = `${dirname(node)}:${env.PATH}`;
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', code: typeof failed.code === 'number' ? failed.code : -1 };
  }
}

function succeeded(result: { stdout: string; stderr: string; code: number }): string {
  assert.equal(result.code, 0, `exit code ${result.code}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
  return result.stdout;
}

describe('npm package [packed, installed from the tarball into a new project]', () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'osb-package-'));
    // prepack's setup may print its steps first: the report is the JSON array after them.
    const report = succeeded(await run('npm', ['pack', '--json', '--pack-destination', work], root));
    [packed] = JSON.parse(/^\[[\s\S]*/m.exec(report)![0]) as Packed[];
    project = join(work, 'project');
    await cp(join(root, 'examples'), join(project, 'examples'), { recursive: true });
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'uses-the-sandbox', private: true, type: 'module' }));
    // The registry already configured (and npm's cache) provides the dependencies, Vite and esbuild.
    succeeded(await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, packed.filename),
      `vite@${await versionOf('vite')}`, `esbuild@${await versionOf('esbuild')}`]));
  });
  after(() => rm(work, { recursive: true, force: true }));

  it('holds every OpenSSL module, the compiled entries and their types, and nothing of the build tree', (t) => {
    const paths = packed.files.map((f) => f.path);
    t.diagnostic(`package: ${(packed.size / 1e6).toFixed(2)} MB packed, ${(packed.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${paths.length} files`);
    for (const variant of VARIANTS) {
      for (const file of ['openssl.mjs', 'openssl.wasm', 'versions.json']) assert.ok(paths.includes(`wasm/dist/${variant}/${file}`), `${variant}/${file}`);
    }
    for (const entry of ['index', 'conformance', 'worker/entry']) {
      assert.ok(paths.includes(`dist/${entry}.js`) && paths.includes(`dist/${entry}.d.ts`), entry);
    }
    assert.ok(paths.includes('dist/cli/openssl-sandbox.js'));
    assert.ok(paths.includes('CHANGELOG.md'));
    const strays = paths.filter((p) => /\.map$/.test(p) || (/\.ts$/.test(p) && !p.endsWith('.d.ts')) || !/^(dist|wasm\/dist)\/|^[^/]+$/.test(p));
    assert.deepEqual(strays, [], 'no sources, tests, maps or build files');
    // What drives Vite, Chromium and a C compiler from a checkout (the CLI's --browser and --native) stays out.
    assert.deepEqual(paths.filter((p) => /^dist\/(browser|scenario\/(browser|native))/.test(p)), []);
    // The WebAssembly is almost all of it: a stray folder would show here first.
    const wasm = packed.files.filter((f) => f.path.endsWith('.wasm')).reduce((sum, f) => sum + f.size, 0);
    // 2.41 MB besides the WebAssembly with five variants (each with an 88 kB loader) in 2026-12.
    assert.ok(packed.unpackedSize - wasm < 3e6, `unpacked ${packed.unpackedSize} bytes, of which ${wasm} WebAssembly`);
    // Every variant ships inside while the package stays under 5 MB packed (3.91 MB with the five
    // of 2026-12): past it, the default stays inside and the others load from a URL (locateFile).
    assert.ok(packed.size < 5e6, `${packed.size} bytes packed`);
  });

  it('depends at run time on exactly the packages its code imports', async () => {
    const installed = join(project, 'node_modules/openssl-wasm-sandbox');
    const { dependencies = {} } = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
    const imported = new Set<string>();
    for (const { path } of packed.files.filter((f) => /\.m?js$/.test(f.path))) {
      for (const [, name] of (await readFile(join(installed, path), 'utf8')).matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)['"]((?:@[^/'"]+\/)?[^./'"][^/'"]*)/g)) {
        if (!name.startsWith('node:')) imported.add(name);
      }
    }
    assert.deepEqual(Object.keys(dependencies).sort(), [...imported].sort());
  });

  it('has a semantic version, and the CHANGELOG has its section', async () => {
    const { version } = JSON.parse(await readFile(join(project, 'node_modules/openssl-wasm-sandbox/package.json'), 'utf8'));
    assert.match(version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    assert.match(await readFile(join(project, 'node_modules/openssl-wasm-sandbox/CHANGELOG.md'), 'utf8'), new RegExp(`^## ${version.replaceAll('.', '\\.')} `, 'm'));
  });

  it('the exports map gives Node its entries: the library, the conformance runner with file loading, the worker', async () => {
    const resolved = succeeded(await run('node', ['--input-type=module', '-e', `
      for (const name of ['openssl-wasm-sandbox', 'openssl-wasm-sandbox/conformance', 'openssl-wasm-sandbox/worker', 'openssl-wasm-sandbox/wasm/3.0/versions.json']) {
        console.log(import.meta.resolve(name).replace(/^.*openssl-wasm-sandbox\\//, ''));
      }
      const conformance = await import('openssl-wasm-sandbox/conformance');
      console.log(typeof conformance.loadScenario);`]));
    assert.deepEqual(resolved.trim().split('\n'), ['dist/index.js', 'dist/conformance.js', 'dist/worker/entry.js', 'wasm/dist/3.0/versions.json', 'function']);
  });

  // What TypeScript users see, whichever resolution their project uses (strict, no skipLibCheck).
  for (const [module, resolution] of [['esnext', 'bundler'], ['node16', 'node16'], ['nodenext', 'nodenext']]) {
    it(`its declarations resolve under moduleResolution ${resolution} (strict, no skipLibCheck): loadScenario, scenarioFiles, batch() results typed by their calls${resolution === 'nodenext' ? '; the examples type-check' : ''}`, async () => {
      const dir = join(project, `types-${resolution}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'uses.ts'), `
        import { createSandbox, type SandboxError, type Variant } from 'openssl-wasm-sandbox';
        import { loadScenario, runScenario, scenarioFiles } from 'openssl-wasm-sandbox/conformance';

        const files: string[] = await scenarioFiles(['scenarios']);
        const report = await runScenario(await loadScenario(files[0]), { openssl: '3.5' satisfies Variant });
        const ok: boolean = report.ok;

        const sb = await createSandbox();
        const server = await sb.context({ role: 'server' });
        const session = await sb.createSession();
        const [added, count, counters, info] = await sb.batch([['addSession', server, session], ['sessionCount', server], ['counters', server], ['sessionInfo', session]]);
        if (added.ok && count.ok && counters.ok && info.ok) {
          const values: [number, number, number, boolean] = [added.value, count.value, counters.value.hits, info.value.alive];
          // @ts-expect-error: a count is a number
          const wrong: string = count.value;
          console.log(ok, values, wrong);
        } else if (!added.ok) {
          const error: SandboxError = added.error;
          console.log(error.code);
        }
        // @ts-expect-error: batch() runs the cache's calls only
        await sb.batch([['handshake', server]]);
      `);
      // Under nodenext, the examples too (one compiler run: it takes seconds).
      const examples = resolution === 'nodenext' ? ['--allowJs', '--checkJs', 'examples/node/resumption.mjs', 'examples/conformance/session-cache.test.mjs', 'examples/page/main.js', 'examples/esbuild-page/main.js'] : [];
      succeeded(await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict',
        '--module', module, '--moduleResolution', resolution, '--target', 'es2022', '--lib', 'es2022,dom',
        '--typeRoots', join(root, 'node_modules/@types'), '--types', 'node', join(dir, 'uses.ts'), ...examples]));
    });
  }

  it('`engines` admits every Node it is tested on, and no line it is not tested on', async () => {
    const { engines } = JSON.parse(await readFile(join(project, 'node_modules/openssl-wasm-sandbox/package.json'), 'utf8'));
    const ranges = (engines.node as string).split(' || ').map((r) => /^\^(\d+)\.(\d+)\.(\d+)$/.exec(r)!.slice(1).map(Number));
    const tested = [process.version, ...NODE_LINES.map((major) => `v${major}.0.0`)];
    assert.deepEqual(ranges.map(([major]) => major).sort(), [...new Set(tested.map((v) => Number(v.slice(1).split('.')[0])))].sort());
    // The oldest minor of each line admitted has what the package needs at run time.
    assert.ok(ranges.every(([major, minor]) => major > 22 || (major === 22 && minor >= 3) || (major === 20 && minor >= 16)), 'process.getBuiltinModule: Node 20.16 and 22.3');
    const [major, minor] = process.versions.node.split('.').map(Number);
    assert.ok(ranges.some(([m, n]) => m === major && n <= minor), `${process.version} is admitted`);
  });

  // This machine's Node first, then each line `engines` admits.
  const lines = [{ name: `this machine's (${process.version})`, node: process.execPath as string | undefined, major: '' },
    ...NODE_LINES.map((major) => ({ name: major, node: nodeOfLine(major), major }))];
  for (const line of lines) {
    describe(`on Node ${line.name}`, { skip: line.major ? leftOutOfQuick('the other Node lines') : false }, () => {
      let node = '';
      before(() => {
        assert.ok(line.node, `Node ${line.major} is not installed: \`node scripts/setup.mjs --node-lines\` (run by npm test) installs it`);
        node = line.node;
      });
      const inProject = (args: string[]) => run(node, args, project, node);

      it('is that Node', async (t) => {
        const version = succeeded(await inProject(['--version'])).trim();
        t.diagnostic(`node ${version}`);
        assert.match(version, new RegExp(`^v${line.major || process.versions.node.split('.')[0]}\\.`));
      });

      it('\'openssl-wasm-sandbox/worker\' imported outside a worker fails, saying what to import instead', async () => {
        const out = await inProject(['--input-type=module', '-e', `
          try { await import('openssl-wasm-sandbox/worker'); } catch (error) { console.log(error.code, error.message); }`]);
        assert.match(succeeded(out), /^NOT_A_WORKER openssl-wasm-sandbox\/worker is the script a sandbox runs in its worker.*call createSandbox\(\)/);
      });

      it('runs the README\'s example, in a worker thread and in process', async () => {
        const readme = await readFile(join(root, 'README.md'), 'utf8');
        const example = /```ts\n(import \{ createSandbox \} from 'openssl-wasm-sandbox';[\s\S]*?)```/.exec(readme)?.[1];
        assert.ok(example, 'the README\'s first example');
        const inProcess = example.replace(/createSandbox\(\{ openssl: '([\d.]+)' \}\)/, "createSandbox({ openssl: '$1', worker: false })");
        assert.notEqual(inProcess, example, 'the example makes a sandbox with createSandbox({ openssl: … })');
        for (const [file, code] of [['readme-worker.mjs', example], ['readme-in-process.mjs', inProcess]]) {
          await writeFile(join(project, file), code);
          const out = succeeded(await inProject([file]));
          assert.match(out, /^resumed: true\n/, file);
          assert.match(out, /SSL_CTX_new\(/, `${file}: the C calls`);
        }
      });

      it('runs the Node example on every variant, in a worker thread and in process', async () => {
        for (const variant of VARIANTS) {
          for (const where of ['worker', 'in-process']) {
            const out = succeeded(await inProject(['examples/node/resumption.mjs', variant, where]));
            assert.match(out, new RegExp(`^OpenSSL ${variant.replace('.', '\\.')}\\.\\d+[a-z]? `));
            assert.match(out, /resumed: true\nSSL_CTX_remove_session: 1\nresumed after remove: false\nhits: 1, misses: 0\n/, `${variant} ${where}`);
          }
        }
      });

      it('runs the conformance example in node:test, as a user\'s own test suite', async () => {
        // A file, not the folder: since Node 21, --test takes files and globs only.
        const out = succeeded(await inProject(['--test', '--test-reporter=tap', 'examples/conformance/session-cache.test.mjs']));
        assert.match(out, new RegExp(`# pass ${2 * VARIANTS.length}\n# fail 0`));
      });

      it('the openssl-sandbox CLI runs scenarios (each in a worker thread), prints the schema, and says which flags need a checkout', async () => {
        const cli = (args: string[]) => run(join(project, 'node_modules/.bin/openssl-sandbox'), args, project, node);
        // The whole catalog on this machine's Node, two of its folders on the other lines and in the quick loop, on the default
        // variant (conformance.test.ts runs it on every variant: here a shared machine's time); an example on every variant.
        const whole = !line.major && !process.env.QUICK;
        const catalog = whole ? [join(root, 'test/conformance')] : ['tls13', 'timeouts'].map((f) => join(root, 'test/conformance', f));
        const { passed, failed } = JSON.parse(succeeded(await cli(['run', ...catalog, '--openssl', DEFAULT_VARIANT, '--reporter', 'json', '--jobs', '2'])));
        assert.equal(failed, 0);
        assert.ok(passed >= (whole ? 100 : 20), `${passed} passed`);
        const { reports } = JSON.parse(succeeded(await cli(['run', 'examples/conformance/remove-then-resume.json', '--reporter', 'json'])));
        assert.deepEqual(reports.map((r: { variant: string; ok: boolean }) => [r.variant, r.ok]), VARIANTS.map((v) => [v, true]));
        const versions = succeeded(await cli(['--version']));
        assert.match(versions, /^openssl-wasm-sandbox \d+\.\d+\.\d+\n/);
        for (const variant of VARIANTS) assert.match(versions, new RegExp(`^OpenSSL ${variant.replace('.', '\\.')}\\.\\d+\\w* \\(variant ${variant.replace('.', '\\.')},`, 'm'));
        const schema = JSON.parse(succeeded(await cli(['schema'])));
        assert.ok(schema.properties.steps);
        const broken = join(work, 'broken.json');
        await writeFile(broken, '{"title": "no steps"}');
        assert.equal((await cli(['run', broken])).code, 1, 'an invalid scenario fails the run');
        const native = await cli(['run', broken, '--native']);
        assert.equal(native.code, 2);
        assert.match(native.stderr, /--native needs a source checkout/);
      });
    });
  }

  describe('in Chromium', { skip: leftOutOfQuick('Chromium') }, () => {
    let browser: Browser;
    let site: PreviewServer;
    /** Serves `dir` as a static site on a port of its own; `requested` lists the paths asked of it. */
    async function serve(dir: string): Promise<{ server: PreviewServer; url: string; requested: string[] }> {
      const requested: string[] = [];
      const server = await preview({
        root: work, configFile: false, logLevel: 'warn', build: { outDir: dir },
        // Vite allows pages of other local origins by CORS, as a CDN allows the pages using it.
        preview: { host: '127.0.0.1', port: 0 },
        plugins: [{ name: 'record', configurePreviewServer: (s) => void s.middlewares.use((req, _res, next) => { requested.push(req.url ?? ''); next(); }) }],
      });
      return { server, url: server.resolvedUrls!.local[0], requested };
    }
    const servers: PreviewServer[] = [];
    before(async () => {
      succeeded(await run('npx', ['vite', 'build', '--logLevel', 'warn'], join(project, 'examples/page')));
      // A fresh Vite app: the page's files, Vite's default configuration.
      await cp(join(project, 'examples/page'), join(project, 'vite-default'), { recursive: true, filter: (f) => !/vite\.config\.js$|\/dist$/.test(f) });
      succeeded(await run('npx', ['vite', 'build', '--logLevel', 'warn'], join(project, 'vite-default')));
      succeeded(await run('node', ['examples/esbuild-page/build.mjs']));
      // A plain static server over the whole project: the built page, and the plain page beside node_modules.
      site = (await serve(project)).server;
      servers.push(site);
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      for (const server of servers) await server.close();
    });

    /** Opens `url`, runs the page's sandbox on each variant, and returns what it printed. */
    async function runPage(url: string, variants: string[]): Promise<string[]> {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      try {
        await tab.goto(url);
        const printed = [];
        for (const variant of variants) {
          await tab.selectOption('#openssl', variant);
          await tab.click('#run');
          await tab.waitForSelector('#out[data-done]', { timeout: 60_000 });
          printed.push(await tab.textContent('#out') ?? '');
        }
        assert.deepEqual(errors, []);
        return printed;
      } finally {
        await tab.close();
      }
    }

    const handshakes = (variant: string) => new RegExp(`^OpenSSL ${variant.replace('.', '\\.')}\\.\\d+[a-z]? [^\\n]*\\nresumed: true\\nsessions cached: 1\\n`);

    it('the Vite page, built (vite build) and served as static files, runs OpenSSL in a Web Worker', async () => {
      const assets = await readdir(join(project, 'examples/page/dist/assets'));
      assert.equal(assets.filter((f) => f.endsWith('.wasm')).length, VARIANTS.length, 'every OpenSSL module');
      const [on35, on30] = await runPage(new URL('examples/page/dist/index.html', site.resolvedUrls!.local[0]).href, ['3.5', '3.0']);
      assert.match(on35, handshakes('3.5'));
      assert.match(on30, handshakes('3.0'));
    });

    it('a Vite app with the default configuration builds, and runs OpenSSL in a Web Worker', async () => {
      const app = await serve(join(project, 'vite-default/dist'));
      servers.push(app.server);
      const printed = await runPage(app.url, VARIANTS as unknown as string[]);
      VARIANTS.forEach((variant, i) => assert.match(printed[i], handshakes(variant)));
      assert.ok(app.requested.some((p) => p.endsWith('.wasm')) && app.requested.some((p) => /\/entry-[\w-]+\.js$/.test(p)), app.requested.join(' '));
    });

    it('locateFile serves the .wasm and the worker script from a second origin (a CDN)', async () => {
      const page = await serve(join(project, 'vite-default/dist'));
      const cdn = await serve(join(project, 'vite-default/dist'));
      servers.push(page.server, cdn.server);
      assert.notEqual(new URL(page.url).origin, new URL(cdn.url).origin);
      const [printed] = await runPage(`${page.url}?assets=${encodeURIComponent(cdn.url)}`, ['3.5']);
      assert.match(printed, handshakes('3.5'));
      const fetched = (requested: string[]) => requested.filter((p) => p.endsWith('.wasm') || /\/entry-[\w-]+\.js$/.test(p));
      assert.deepEqual(fetched(page.requested), [], 'nothing of OpenSSL from the page\'s own origin');
      assert.equal(fetched(cdn.requested).length, 2, `the .wasm and the worker from the second origin: ${cdn.requested.join(' ')}`);
    });

    it('an esbuild app runs OpenSSL in a Web Worker (locateFile names where its build put the files)', async () => {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      try {
        await tab.goto(new URL('examples/esbuild-page/index.html', site.resolvedUrls!.local[0]).href);
        await tab.waitForSelector('#out[data-done]', { timeout: 60_000 });
        assert.match(await tab.textContent('#out') ?? '', /^OpenSSL 3\.5\.\d+ .*\nprotocol: TLSv1\.3\nresumed: true$/);
        assert.deepEqual(errors, []);
      } finally {
        await tab.close();
      }
    });

    it('the default-config Vite app runs from the dev server (npx vite)', async () => {
      const dev = await createServer({ root: join(project, 'vite-default'), configFile: false, logLevel: 'warn', server: { host: '127.0.0.1', port: 0 } });
      try {
        await dev.listen();
        const [printed] = await runPage(dev.resolvedUrls!.local[0], ['3.0']);
        assert.match(printed, handshakes('3.0'));
      } finally {
        await dev.close();
      }
    });

    it('the plain page imports the installed modules without a bundler', async () => {
      const tab = await browser.newPage();
      try {
        await tab.goto(new URL('examples/plain-page/index.html', site.resolvedUrls!.local[0]).href);
        await tab.waitForSelector('#out[data-done]', { timeout: 60_000 });
        assert.match(await tab.textContent('#out') ?? '', /^OpenSSL 3\.5\.\d+ .*\nprotocol: TLSv1\.3\nresumed: true$/);
        // The conformance entry point loads in a page too; reading files is Node's, and says so.
        const refused = await tab.evaluate(async (entry) => {
          const conformance = await import(entry) as typeof import('../src/conformance.js');
          return conformance.loadScenario('scenario.json').then(() => 'loaded', (error: { code: string; message: string }) => `${error.code}: ${error.message}`);
        }, '/node_modules/openssl-wasm-sandbox/dist/conformance.js');
        assert.match(refused, /^NODE_ONLY: loadScenario\(\) reads files, in Node: elsewhere, fetch a scenario's text and pass it to validateScenario\(\)$/);
      } finally {
        await tab.close();
      }
    });
  });
});
