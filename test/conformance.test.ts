// The conformance catalog (test/conformance/*.json) on both variants, and the runner's own behaviour.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { VARIANTS, type LocateFile } from '../src/index.js';
import { loadScenario, scenarioFiles } from '../src/scenario/files.js';
import { runNative } from '../scripts/checkout/native.js';
import { runScenario } from '../src/scenario/run.js';
import type { ScenarioReport } from '../src/scenario/types.js';
import { ScenarioError, validateScenario } from '../src/scenario/validate.js';
import { leftOutOfQuick } from './quick.js';

const catalog = 'test/conformance';

const explain = (report: ScenarioReport) =>
  report.failures.map((f) => `step ${f.step}: ${f.path}: expected ${JSON.stringify(f.expected)}, observed ${JSON.stringify(f.observed)}${f.message ? ` (${f.message})` : ''}`).join('\n');

const files = await scenarioFiles([catalog]);
const title = (file: string) => file.slice(catalog.length + 1).replace(/\.json$/, '');

// Each file loads inside its own test: a malformed one fails alone.
describe('the conformance catalog', () => {
  for (const file of files) {
    for (const openssl of VARIANTS) {
      it(`${title(file)} [OpenSSL ${openssl}]`, async () => {
        const report = await runScenario(await loadScenario(file), { openssl, file });
        assert.ok(report.ok, explain(report));
      });
    }
  }
});

describe('the conformance catalog against native OpenSSL (its C export, built with the system compiler)', { skip: leftOutOfQuick('native OpenSSL') }, () => {
  for (const file of files) {
    for (const openssl of VARIANTS) {
      it(`${title(file)} [OpenSSL ${openssl}, native]`, async (t) => {
        const report = await runNative(await loadScenario(file), openssl, file);
        if (report.note) t.skip(report.note);
        assert.ok(report.ok, explain(report));
      });
    }
  }
});

const valid = {
  title: 'one handshake',
  contexts: { s: { role: 'server' }, c: { role: 'client' } },
  steps: [{ handshake: { client: 'c', server: 's' }, as: 'hs', expect: { reused: false } }],
};

describe('the scenario runner', () => {
  it('refuses a malformed scenario, naming each problem and where it is', () => {
    const broken = { ...valid, contexts: { s: { role: 'server', cacheMode: ['SSL_SESS_CACHE_SOMETIMES'], colour: 'blue' } },
      steps: [{ call: 'SSL_CTX_add_sesion', args: [] }, { handshake: { client: 'c', server: 's' } }] };
    assert.throws(() => validateScenario(broken, 'broken.json'), (e: unknown) => {
      assert.ok(e instanceof ScenarioError);
      assert.match(e.message, /broken\.json/);
      assert.ok(e.problems.some((p) => p.includes('/contexts/s/cacheMode/0') && p.includes('SSL_SESS_CACHE_SERVER')), e.message);
      assert.ok(e.problems.some((p) => p.includes("'colour'")), e.message);
      return true;
    });
    assert.throws(() => validateScenario({ ...valid, steps: [{ call: 'SSL_CTX_add_sesion' }] }), /SSL_CTX_add_sesion.*is not a call/);
    assert.throws(() => validateScenario({ ...valid, steps: [{ handshake: { client: 'nobody', server: 's' } }] }), /no context named 'nobody'/);
    assert.throws(() => validateScenario('{ not json'), /not JSON/);
    assert.throws(() => validateScenario('x'.repeat(1_000_001)), /larger than/);
  });

  it('refuses a call with the wrong number of arguments when loading, and one of the wrong kind at its step, before any C runs', async () => {
    assert.throws(() => validateScenario({ ...valid, steps: [{ call: 'SSL_CTX_add_session', args: ['s'] }] }),
      /\/steps\/0\/args: SSL_CTX_add_session takes 2 arguments \(SSL_CTX \*ctx, SSL_SESSION \*session\), got 1/);
    assert.throws(() => validateScenario({ ...valid, steps: [{ call: 'SSL_SESSION_new', args: [1] }] }), /SSL_SESSION_new takes 0 arguments \(void\), got 1/);
    const scenario = validateScenario({ ...valid, steps: [
      { call: 'SSL_SESSION_new', as: 'made' }, { call: 'SSL_SESSION_free', args: ['made'] },
      { call: 'SSL_CTX_add_session', args: ['s', 'made'] }, { call: 'SSL_CTX_sess_set_cache_size', args: ['s', 'ten'] },
    ] });
    const report = await runScenario(scenario, { openssl: '3.5' });
    assert.deepEqual(report.failures.map((f) => [f.step, f.path, f.expected]), [
      [2, 'SSL_CTX_add_session()', 'a live object of this sandbox'], [3, 'SSL_CTX_sess_set_cache_size() argument 2', 'a whole number'],
    ]);
    assert.match(String(report.failures[0].observed), /SSL_CTX_add_session argument 2 \(SSL_SESSION \*session\): .*use after free/);
  });

  it('exact event expectations fail on an extra event, a forbidden one and a wrong callback count', async () => {
    const scenario = validateScenario({
      ...valid,
      contexts: { s: { role: 'server', callbacks: { newSession: 'decline' } }, c: { role: 'client' } },
      steps: [
        ...valid.steps,
        // TLS 1.3 sends two tickets: the server's new-session callback runs twice.
        { expect: { events: { exactly: [{ kind: 'callback', callback: 'new_session' }, { kind: 'callback', callback: 'new_session' }], of: ['callback'] }, callbacks: { s: { new_session: 2 } } } },
        { expect: { events: { exactly: [], of: ['callback'] } } },
        { expect: { events: { none: [{ kind: 'callback', callback: 'new_session' }] }, callbacks: { s: { new_session: 0, remove_session: 0 } } } },
      ],
    });
    const report = await runScenario(scenario, { openssl: '3.5' });
    assert.deepEqual(report.failures.map((f) => [f.step, f.path]), [[2, 'events.exactly[0]'], [3, 'events.none[0]'], [3, 'callbacks.s.new_session']]);
  });

  it('reports the step, the expected and the observed value of a failed expectation', async () => {
    const scenario = validateScenario({ ...valid, steps: [...valid.steps, { call: 'SSL_CTX_sess_number', args: ['s'], expect: 5 }] });
    const report = await runScenario(scenario, { openssl: '3.5' });
    assert.equal(report.ok, false);
    assert.deepEqual(report.failures.map((f) => [f.step, f.path, f.expected, f.observed]), [[1, 'SSL_CTX_sess_number()', 5, 0]]);
  });

  for (const worker of [false, true]) {
    it(`loads its sandbox's files from where locateFile says [${worker ? 'in a worker' : 'in process'}]`, async () => {
      // The .wasm in a folder of its own, reachable only through locateFile: missing, then copied there.
      const elsewhere = await mkdtemp(join(tmpdir(), 'osb-locate-'));
      try {
        const asked = new Set<string>();
        const locateFile: LocateFile = (file, standard, variant) => {
          asked.add(`${file} ${variant}`);
          return file === 'openssl.wasm' ? pathToFileURL(join(elsewhere, file)) : standard;
        };
        const missing = await runScenario(validateScenario(valid), { openssl: '3.5', worker, locateFile });
        assert.match(String(missing.failures[0]?.observed), /could not be loaded \(ENOENT.*osb-locate-/, 'the .wasm is looked for where locateFile says');
        await copyFile(new URL('../wasm/dist/3.5/openssl.wasm', import.meta.url), join(elsewhere, 'openssl.wasm'));
        const report = await runScenario(validateScenario(valid), { openssl: '3.5', worker, locateFile });
        assert.ok(report.ok, explain(report));
        assert.deepEqual([...asked].sort(), worker ? ['openssl.wasm 3.5', 'worker.js 3.5'] : ['openssl.wasm 3.5']);
      } finally {
        await rm(elsewhere, { recursive: true, force: true });
      }
    });
  }

  it('compiles openssl.wasm as it streams when it is served as application/wasm (what lets a browser keep the compiled code), from its bytes otherwise', async () => {
    const wasm = await readFile(new URL('../wasm/dist/3.5/openssl.wasm', import.meta.url));
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': req.url === '/typed.wasm' ? 'application/wasm' : 'application/octet-stream' }).end(wasm);
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    const streaming = WebAssembly.compileStreaming;
    let streamed = 0;
    WebAssembly.compileStreaming = (source) => { streamed++; return streaming(source); };
    try {
      for (const [path, expected] of [['/typed.wasm', 1], ['/untyped.wasm', 0]] as const) {
        streamed = 0;
        const locateFile: LocateFile = (file, standard) => (file === 'openssl.wasm' ? `http://127.0.0.1:${port}${path}` : standard);
        const report = await runScenario(validateScenario(valid), { openssl: '3.5', locateFile });
        assert.ok(report.ok, explain(report));
        assert.equal(streamed, expected, `${path}: compileStreaming calls`);
      }
    } finally {
      WebAssembly.compileStreaming = streaming;
      server.close();
    }
  });

  it('states what differs between variants with byVariant, naming every variant the scenario runs on', async () => {
    const byVariant = { '1.1': 0, '3.0': 1, '3.5': 0, '3.6': 0, '4.0': 0 };
    const scenario = validateScenario({ ...valid, steps: [{ call: 'SSL_CTX_sess_number', args: ['s'], expect: { byVariant } }] });
    assert.equal((await runScenario(scenario, { openssl: '3.5' })).ok, true);
    assert.equal((await runScenario(scenario, { openssl: '3.0' })).ok, false);
    // A variant left out would go unchecked there: refused, unless the scenario does not run on it.
    const partial = { ...valid, steps: [{ call: 'SSL_CTX_sess_number', args: ['s'], expect: { byVariant: { '3.5': 0, '3.0': 1 } } }] };
    assert.throws(() => validateScenario(partial), /\/steps\/0\/expect\/byVariant: states nothing for OpenSSL 1\.1, 3\.6, 4\.0/);
    assert.ok(validateScenario({ ...partial, openssl: ['3.0', '3.5'] }));
  });

  it('the CLI lists the session functions of each variant\'s headers, callable or why not', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/cli/openssl-sandbox.ts', 'calls', '--openssl', '3.0']);
    const [summary, ...rows] = stdout.trim().split('\n');
    const [, callable, listed] = summary.match(/^OpenSSL 3\.0: (\d+) of (\d+) session functions/) ?? [];
    assert.equal(rows.length, Number(listed));
    assert.equal(rows.filter((r) => r.trimStart().startsWith('callable')).length, Number(callable));
    assert.ok(rows.some((r) => /^ {2}callable +SSL_CTX_sess_set_get_cb$/.test(r)), 'a table function is callable');
    assert.ok(rows.some((r) => /^ {2}no +SSL_CTX_set_session_ticket_cb: takes a C function/.test(r)), 'one that is not says why');
    assert.ok(!stdout.includes('SSL_SESSION_set_time_ex'), '3.0\'s headers do not declare it');
  });

  it('the CLI exits 0 only when every scenario passes, in every reporter', async () => {
    const cli = (...args: string[]) => promisify(execFile)('npx', ['tsx', 'src/cli/openssl-sandbox.ts', ...args]).then(
      (r) => ({ code: 0, out: r.stdout }), (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }));
    const good = await cli('run', `${catalog}/add-identical-twice.json`, '--reporter', 'json');
    assert.equal(good.code, 0);
    assert.equal(JSON.parse(good.out).passed, VARIANTS.length);
    const tap = await cli('run', `${catalog}/add-identical-twice.json`, '--openssl', '3.0', '--reporter', 'tap');
    assert.match(tap.out, /^TAP version 13\n1\.\.1\nok 1 /);
    const junit = await cli('run', 'package.json', '--reporter', 'junit');
    assert.equal(junit.code, 1, 'an invalid file fails the run');
    assert.match(junit.out, /<failure message=/);
  });
});
