// OpenSSL's own test/ssl-tests in the sandbox: the default variant's four session files from its own
// source tarball, every applicable test passing; the checks failing when an expectation is changed;
// bad input (a malformed file, an unknown key, an unknown SSL_CONF command) as an SslTestError.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { DEFAULT_VARIANT, SslTestError, type LocateFile } from '../src/index.js';
import { SSL_TESTS_DEFAULT } from '../src/cli/openssl-sandbox.js';
import { readSslTests, runSslTests } from '../src/scenario/ssl-tests.js';
import type { ScenarioReport } from '../src/scenario/types.js';
import { WorkerPool } from '../src/worker/host.js';
import { sslTestTree } from '../scripts/checkout/ssl-tests.js';

const tree = await sslTestTree(DEFAULT_VARIANT);
const cnf = (name: string) => readFile(join(tree, 'ssl-tests', name), 'utf8');
const certificate = (name: string) => readFile(join(tree, 'certs', name));
const run = (text: string, file = 'test.cnf') => runSslTests(text, { openssl: DEFAULT_VARIANT, file, certificate });

describe(`OpenSSL ${DEFAULT_VARIANT}'s own test/ssl-tests`, () => {
  for (const file of SSL_TESTS_DEFAULT) {
    it(`${file}: every test passes, or is skipped saying why`, async () => {
      const text = await cnf(file);
      const reports = await run(text, file);
      assert.equal(reports.length, Number(text.match(/^num_tests = (\d+)$/m)![1]), 'one report per test');
      const failed = reports.filter((r) => !r.ok);
      assert.deepEqual(failed.map((r) => `${r.title}: ${JSON.stringify(r.failures)}`), []);
      for (const r of reports.filter((r) => r.skipped)) assert.match(r.note ?? '', /^not run: /);
      assert.ok(reports.filter((r) => !r.skipped).length > 0, 'tests ran');
    });
  }

  it('fails a test whose expectation differs from what OpenSSL did', async () => {
    const text = await cnf('10-resumption.cnf');
    // test-0: TLSv1 resumption with tickets, which OpenSSL resumes.
    const changed = text.replace(/(\[test-0\][^[]*ResumptionExpected = )Yes/, '$1No').replace(/(\[test-0\][^[]*ExpectedProtocol = )TLSv1\n/, '$1TLSv1.2\n');
    const [first] = await run(changed);
    assert.equal(first.ok, false);
    assert.deepEqual(first.failures.map((f) => [f.path, f.expected, f.observed]), [['ExpectedProtocol', 'TLSv1.2', 'TLSv1'], ['ResumptionExpected', 'No', 'Yes']]);
  });

  it('runs SessionTicketAppData and checks ExpectedSessionTicketAppData', async () => {
    const text = (await cnf('27-ticket-appdata.cnf')).replace(/ExpectedSessionTicketAppData = HelloWorld/g, 'ExpectedSessionTicketAppData = Goodbye');
    const reports = await run(text);
    const appData = reports.flatMap((r) => r.failures.filter((f) => f.path === 'ExpectedSessionTicketAppData').map((f) => f.observed));
    assert.ok(appData.length > 0 && appData.every((observed) => observed === 'HelloWorld'), JSON.stringify(reports.map((r) => r.failures)));
  });
});

describe('ssl-tests in kept worker threads (WorkerPool)', () => {
  it('runs file after file in one thread, each in a fresh module: a file reports the same after another as alone', async () => {
    const workers = new WorkerPool();
    const same = (reports: ScenarioReport[]) => reports.map(({ durationMs: _, ...report }) => report);
    try {
      const [first, second] = await Promise.all(['30-extended-master-secret.cnf', '27-ticket-appdata.cnf'].map(cnf));
      const pooled = (text: string, file: string) => runSslTests(text, { openssl: DEFAULT_VARIANT, file, certificate, worker: workers });
      const alone = await runSslTests(second, { openssl: DEFAULT_VARIANT, file: 'second.cnf', certificate, worker: true });
      assert.ok(alone.length > 0 && alone.every((r) => r.ok), JSON.stringify(alone.map((r) => r.failures)));
      assert.ok((await pooled(first, 'first.cnf')).every((r) => r.ok));
      assert.deepEqual(same(await pooled(second, 'second.cnf')), same(alone), 'nothing of the first file is left for the second');
      assert.equal(workers.started, 1, 'one thread ran both files');
    } finally {
      workers.close();
    }
    assert.equal(workers.running, 0);
  });
});

describe('bad ssl-tests input', () => {
  const minimal = (test: string, server = 'MaxProtocol = TLSv1.2') => [
    'num_tests = 1', 'test-0 = 0-x', '[0-x]', 'ssl_conf = 0-x-ssl', '[0-x-ssl]', 'server = 0-x-server', 'client = 0-x-client',
    '[0-x-server]', 'Certificate = ${ENV::TEST_CERTS_DIR}/servercert.pem', 'PrivateKey = ${ENV::TEST_CERTS_DIR}/serverkey.pem', server,
    '[0-x-client]', 'VerifyCAFile = ${ENV::TEST_CERTS_DIR}/rootcert.pem', 'VerifyMode = Peer', '[test-0]', test, '',
  ].join('\n');
  const refused = (error: unknown, section: string, key: string | undefined, pattern: RegExp) => {
    assert.ok(error instanceof SslTestError, String(error));
    assert.equal(error.code, 'SSL_TEST');
    assert.deepEqual([error.file, error.section, error.key], ['bad.cnf', section, key]);
    assert.match(error.message, pattern);
    return true;
  };

  it('a well-formed minimal file runs (the cases below differ from it in one line)', async () => {
    const [report] = await run(minimal('ExpectedResult = Success'));
    assert.equal(report.ok, true, JSON.stringify(report.failures));
  });

  it('loads its sandbox\'s .wasm from where locateFile says', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'osb-locate-'));
    try {
      const locateFile: LocateFile = (file, standard) => (file === 'openssl.wasm' ? pathToFileURL(join(elsewhere, file)) : standard);
      const text = minimal('ExpectedResult = Success');
      await assert.rejects(runSslTests(text, { openssl: DEFAULT_VARIANT, file: 'x.cnf', certificate, locateFile }), /could not be loaded \(ENOENT.*osb-locate-/);
      await copyFile(new URL(`../wasm/dist/${DEFAULT_VARIANT}/openssl.wasm`, import.meta.url), join(elsewhere, 'openssl.wasm'));
      const [report] = await runSslTests(text, { openssl: DEFAULT_VARIANT, file: 'x.cnf', certificate, locateFile });
      assert.equal(report.ok, true, JSON.stringify(report.failures));
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('a malformed line names the file, the section and the line', () => {
    assert.throws(() => readSslTests(minimal('ExpectedResult Success'), 'bad.cnf'), (e) => refused(e, 'test-0', undefined, /line 16: not a \[section\] or a name = value line/));
    assert.throws(() => readSslTests(minimal('ExpectedResult = "Success'), 'bad.cnf'), (e) => refused(e, 'test-0', 'ExpectedResult', /an unclosed "/));
    assert.throws(() => readSslTests(minimal('X = ${ENV::NOPE}'), 'bad.cnf'), (e) => refused(e, 'test-0', 'X', /\$\{ENV::NOPE\} is not set/));
  });

  it('an unknown key or value names the file, the section and the key', () => {
    assert.throws(() => readSslTests(minimal('ExpectedResullt = Success'), 'bad.cnf'), (e) => refused(e, 'test-0', 'ExpectedResullt', /not a key of OpenSSL's ssl_test_ctx.c/));
    assert.throws(() => readSslTests(minimal('ExpectedResult = Sucess'), 'bad.cnf'), (e) => refused(e, 'test-0', 'ExpectedResult', /"Sucess" is not one of Success/));
    assert.throws(() => readSslTests(minimal('server = 0-x-missing'), 'bad.cnf'), (e) => refused(e, 'test-0', 'server', /names section \[0-x-missing\]/));
    assert.throws(() => readSslTests(minimal('FIPSversion = 3.x'), 'bad.cnf'), (e) => refused(e, 'test-0', 'FIPSversion', /major\.minor\.patch/));
  });

  it('an SSL_CONF command OpenSSL does not know names the file, the section and the key', async () => {
    await assert.rejects(runSslTests(minimal('ExpectedResult = Success', 'MaxProtocoll = TLSv1.2'), { openssl: DEFAULT_VARIANT, file: 'bad.cnf', certificate }),
      (e) => refused(e, '0-x-server', 'MaxProtocoll', /not an SSL_CONF command OpenSSL 3\.\d knows \(SSL_CONF_cmd returned -2\)/));
  });

  it('a value SSL_CONF_cmd refuses fails the test, as SSL_CTX_config does in ssl_test.c', async () => {
    const [report] = await run(minimal('ExpectedResult = Success', 'MaxProtocol = TLSv9'));
    assert.equal(report.ok, false);
    assert.match(String(report.failures[0].observed), /\[0-x-server\] MaxProtocol = TLSv9: SSL_CONF_cmd returned 0/);
  });

  it('a key the sandbox does not run skips the test, naming it', async () => {
    const [report] = await run(minimal('ExpectedTmpKeyType = P-256'));
    assert.equal(report.skipped, true);
    assert.match(report.note!, /ExpectedTmpKeyType/);
  });

  it('the command says N of M pass per variant; a bare name needs a checkout', () => {
    const CLI = new URL('../src/cli/openssl-sandbox.ts', import.meta.url).pathname;
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, 'ssl-tests', ...args], { encoding: 'utf8', timeout: 300_000 });
    const path = join(tree, 'ssl-tests', '27-ticket-appdata.cnf');
    const good = cli(path, '--openssl', DEFAULT_VARIANT, '--reporter', 'tap');
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stderr, new RegExp(`OpenSSL ${DEFAULT_VARIANT.replace('.', '\\.')}: 4 of 4 pass`));
    assert.equal(good.stdout.split('\n').filter((l) => l.startsWith('ok ')).length, 4);
    assert.match(good.stderr, /^4 ssl-tests runs in [\d.]+ s \([\d.]+ per second, \d+ at once\)$/m, 'the wall time and runs per second');
    const bare = cli('27-ticket-appdata.cnf', '--openssl', DEFAULT_VARIANT);
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /only a checkout has/);
  });
});
