#!/usr/bin/env node
// openssl-sandbox: the command line of the conformance runner.
//   openssl-sandbox run <files or folders> [--openssl <variant>|all] [--reporter pretty|tap|junit|json] [--browser] [--native] [--jobs N] [--timeout MS]
//   openssl-sandbox compare <files or folders> [--openssl <variants>|all] [--reporter pretty|json] [--jobs N]
//   openssl-sandbox ssl-tests [files…] [--openssl <variant>|all] [--reporter pretty|tap|junit|json] [--certs DIR] [--jobs N]
//   openssl-sandbox schema
//   openssl-sandbox calls [--openssl <variant>|all]
//   openssl-sandbox --version
import { existsSync, realpathSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { VARIANTS, type Variant } from '../core/module.js';
import { compareReports, formatComparisons } from '../scenario/compare.js';
import { callability } from '../sandbox/c-api.js';
import { loadScenario, scenarioFiles } from '../scenario/files.js';
import { REPORTERS, format, summary, type ReporterName } from '../scenario/report.js';
import { runQueue } from './queue.js';
import { DEFAULT_TIMEOUT_MS, runScenario } from '../scenario/run.js';
import { WorkerPool } from '../worker/host.js';
import { scenarioSchema } from '../scenario/schema.js';
import { runSslTests } from '../scenario/ssl-tests.js';
import type { Scenario, ScenarioReport } from '../scenario/types.js';

/** The session-related files of OpenSSL's test/ssl-tests: what `ssl-tests` runs when given none. */
export const SSL_TESTS_DEFAULT = ['10-resumption.cnf', '06-sni-ticket.cnf', '30-extended-master-secret.cnf', '27-ticket-appdata.cnf'];

const USAGE = `usage: openssl-sandbox run <files or folders> [--openssl <variant>|all] [--reporter ${REPORTERS.join('|')}] [--browser] [--native] [--jobs N] [--timeout MS]
       openssl-sandbox compare <files or folders> [--openssl <variant>,<variant>…|all] [--reporter pretty|json] [--jobs N]
       openssl-sandbox ssl-tests [files…] [--openssl <variant>|all] [--reporter ${REPORTERS.join('|')}] [--certs DIR] [--jobs N]
       openssl-sandbox schema
       openssl-sandbox calls [--openssl <variant>|all]
       openssl-sandbox --version
  --jobs N      scenarios run at once (default: the number of cores)
  --timeout MS  each scenario's time budget; past it, that scenario fails (default ${DEFAULT_TIMEOUT_MS})
  ssl-tests     OpenSSL's own test/ssl-tests .cnf files (default: ${SSL_TESTS_DEFAULT.join(', ')}); a bare name is
                taken from each variant's own OpenSSL source (a checkout); --certs is their test/certs
                (default: ../certs beside the file, as in OpenSSL's tree)`;

type Job = { file: string; scenario: Scenario; openssl: Variant };

/**
 * What `--browser` and `--native` drive: Vite, Chromium and a C compiler, tools of a source
 * checkout. The package ships without them; the checkout's CLI (scripts/checkout/bin.mjs) passes them in.
 */
export interface CheckoutTools {
  compareInBrowser(jobs: Job[], inNode: ScenarioReport[]): Promise<ScenarioReport[]>;
  runNative(scenario: Scenario, openssl: Variant, file?: string): Promise<ScenarioReport>;
  /** The `test` folder of the variant's own OpenSSL source (ssl-tests/ and certs/ in it). */
  sslTestTree(openssl: Variant): Promise<string>;
}

export async function main(argv: string[], tools?: CheckoutTools): Promise<number> {
  const parsed = (() => {
    try {
      return options(argv);
    } catch (error) {
      return (error as Error).message; // an unknown option, a missing value: a usage error
    }
  })();
  if (typeof parsed === 'string') return fail(parsed.split('\n')[0]);
  const { values, positionals } = parsed;
  const [command, ...paths] = positionals;
  if (values.version) return version();
  if (values.help || !command) return usage(values.help ? 0 : 2);
  if (command === 'schema') {
    console.log(JSON.stringify(scenarioSchema, null, 2));
    return 0;
  }
  if (command === 'calls') return calls(values.openssl);
  if (command === 'ssl-tests') return sslTests(paths, values, tools);
  if (!['run', 'compare'].includes(command) || paths.length === 0) return usage(2);
  for (const flag of ['browser', 'native'] as const) {
    if (values[flag] && !tools) return fail(`--${flag} needs a source checkout of openssl-wasm-sandbox (Chromium, native OpenSSL): run \`node scripts/checkout/bin.mjs run ... --${flag}\` there`);
  }
  const variants = values.openssl === 'all' ? [...VARIANTS] : values.openssl.split(',') as Variant[];
  if (!variants.every((v) => (VARIANTS as readonly string[]).includes(v))) return fail(`--openssl must be ${VARIANTS.join(', ')} (several joined by commas) or all`);
  const reporter = values.reporter as ReporterName;
  const jobCount = wholeNumber(values.jobs);
  if (!jobCount) return fail(`--jobs must be a whole number of at least 1, got ${JSON.stringify(values.jobs)}`);
  const timeoutMs = wholeNumber(values.timeout);
  if (!timeoutMs) return fail(`--timeout must be a whole number of milliseconds of at least 1, got ${JSON.stringify(values.timeout)}`);
  if (command === 'compare') {
    if (reporter !== 'pretty' && reporter !== 'json') return fail('--reporter must be pretty or json');
    return compare(paths, variants, reporter, jobCount, timeoutMs);
  }
  if (!REPORTERS.includes(reporter)) return fail(`--reporter must be one of ${REPORTERS.join(', ')}`);

  const files = await scenarioFiles(paths);
  const scenarios: { file: string; scenario: Scenario }[] = [];
  const invalid: ScenarioReport[] = [];
  for (const file of files) {
    try {
      scenarios.push({ file, scenario: await loadScenario(file) });
    } catch (error) {
      for (const variant of variants) {
        invalid.push({ file, title: file, variant, ok: false, failures: [{ step: -1, path: 'file', expected: 'a valid scenario', observed: (error as Error).message }], observations: [], durationMs: 0 });
      }
    }
  }
  const jobs: Job[] = scenarios.flatMap(({ file, scenario }) => variants.map((openssl) => ({ file, scenario, openssl })));
  const progress = reporter === 'pretty' && process.stderr.isTTY && jobs.length > 10;
  let done = 0;
  const started = performance.now();
  // Scenarios run in parallel in jobCount worker threads, one after another in each thread, each
  // in a fresh OpenSSL module of its own.
  const workers = new WorkerPool();
  const reports = await runQueue(jobs, jobCount, async ({ file, scenario, openssl }) => {
    // Whatever one scenario does, it gets its own result and the others theirs.
    const report = await runScenario(scenario, { openssl, file, worker: workers, timeoutMs }).catch((error: unknown): ScenarioReport => ({
      file, title: scenario.title, variant: openssl, ok: false, observations: [], durationMs: 0,
      failures: [{ step: -1, path: 'scenario', expected: 'to run', observed: error instanceof Error ? error.message : String(error) }],
    }));
    if (progress) process.stderr.write(`\r${++done}/${jobs.length} scenarios`);
    return report;
  }, scenarioCost).finally(() => workers.close());
  if (progress) process.stderr.write('\n');
  const timings = [throughput('scenario runs', jobs.length, started, jobCount)];
  const all = [...invalid, ...reports];
  if (values.browser) all.push(...await tools!.compareInBrowser(jobs, reports));
  if (values.native) {
    const nativeStarted = performance.now();
    all.push(...await runQueue(jobs, jobCount, ({ file, scenario, openssl }) => tools!.runNative(scenario, openssl, file), scenarioCost));
    timings.push(throughput('scenario runs natively (each run again in WASM, its C export built once and run)', jobs.length, nativeStarted, jobCount));
  }
  console.log(format(all, reporter));
  // The wall time: after the report in pretty, on stderr for the machine-read reporters.
  for (const line of timings) (reporter === 'pretty' ? console.log : console.error)(line);
  return summary(all).failed === 0 ? 0 : 1;
}

/** What a scenario costs as far as can be told before it runs: its steps (a handshake each, at most). */
const scenarioCost = ({ scenario }: { scenario: Scenario }) => scenario.steps.length;

/** "620 scenario runs in 24.1 s (25.7 per second, 2 at once)", of the `runs` since `started`. */
function throughput(runs: string, count: number, started: number, jobs: number): string {
  const seconds = (performance.now() - started) / 1000;
  return `${count} ${runs} in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(1)} per second, ${jobs} at once)`;
}

/** `compare`: each scenario on every variant, recorded step by step; prints where the variants differ. Exit 1 when a file is invalid. */
async function compare(paths: string[], variants: Variant[], reporter: 'pretty' | 'json', jobs: number, timeoutMs: number): Promise<number> {
  const files = await scenarioFiles(paths);
  const loaded = await Promise.all(files.map((file) => loadScenario(file).then((scenario) => ({ file, scenario }), (error: Error) => ({ file, error }))));
  const invalid = loaded.filter((l): l is { file: string; error: Error } => 'error' in l);
  for (const { file, error } of invalid) console.error(`${file}: ${error.message}`);
  const valid = loaded.filter((l): l is { file: string; scenario: Scenario } => 'scenario' in l);
  const runs = valid.flatMap(({ file, scenario }) => variants.map((openssl) => ({ file, scenario, openssl })));
  const workers = new WorkerPool();
  const reports = await runQueue(runs, jobs, ({ file, scenario, openssl }) => runScenario(scenario, { openssl, file, worker: workers, record: true, timeoutMs }), scenarioCost)
    .finally(() => workers.close());
  const comparisons = valid.map(({ file }) => compareReports(reports.filter((r) => r.file === file)));
  console.log(reporter === 'json' ? JSON.stringify({ variants, comparisons }, null, 2) : formatComparisons(comparisons));
  return invalid.length === 0 ? 0 : 1;
}

/**
 * `ssl-tests`: OpenSSL's own test/ssl-tests files on each variant, one report per test, then
 * "N of M pass" per variant. A file that cannot be run as written (an SslTestError naming file,
 * section and key) is that file's failure; the others run. Exit 1 when anything failed.
 */
async function sslTests(names: string[], values: ReturnType<typeof options>['values'], tools?: CheckoutTools): Promise<number> {
  const variants = values.openssl === 'all' ? [...VARIANTS] : values.openssl.split(',') as Variant[];
  if (!variants.every((v) => (VARIANTS as readonly string[]).includes(v))) return fail(`--openssl must be ${VARIANTS.join(', ')} (several joined by commas) or all`);
  const reporter = values.reporter as ReporterName;
  if (!REPORTERS.includes(reporter)) return fail(`--reporter must be one of ${REPORTERS.join(', ')}`);
  const jobCount = wholeNumber(values.jobs);
  if (!jobCount) return fail(`--jobs must be a whole number of at least 1, got ${JSON.stringify(values.jobs)}`);
  const files = names.length ? names : SSL_TESTS_DEFAULT;
  // A path names one file for every variant; a bare name is each variant's own, from its OpenSSL source.
  const bare = files.filter((f) => !existsSync(f));
  if (bare.length && !tools) {
    return fail(`${bare.join(', ')}: no such file; bare names are taken from each variant's OpenSSL source, which only a checkout has: run \`node scripts/checkout/bin.mjs ssl-tests\` there, or give paths`);
  }
  const failed = (openssl: Variant, file: string, error: unknown): ScenarioReport[] => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`openssl-sandbox ssl-tests: OpenSSL ${openssl}: ${message}`);
    return [{ file, title: file, variant: openssl, ok: false, observations: [], durationMs: 0,
      failures: [{ step: -1, path: 'file', expected: 'an ssl-tests file the sandbox can run', observed: message }] }];
  };
  // Every file is found and read first, one after another (a variant's source is unpacked once):
  // its length is what its tests cost, as far as can be told before they run.
  const jobs: { openssl: Variant; file: string; path?: string; text?: string; error?: unknown }[] = [];
  for (const openssl of variants) {
    for (const file of files) {
      try {
        const path = existsSync(file) ? file : ownFile(join(await tools!.sslTestTree(openssl), 'ssl-tests'), file);
        jobs.push({ openssl, file, path, text: path && await readFile(path, 'utf8') });
      } catch (error) {
        jobs.push({ openssl, file, error });
      }
    }
  }
  const started = performance.now();
  // Each file's tests run in one fresh module, the files one after another in jobCount kept worker threads.
  const workers = new WorkerPool();
  const reports = (await runQueue(jobs, jobCount, async ({ openssl, file, path, text, error }): Promise<ScenarioReport[]> => {
    if (error !== undefined) return failed(openssl, file, error);
    if (!path || text === undefined) {
      return [{ file, title: file, variant: openssl, ok: true, skipped: true, note: `OpenSSL ${openssl}'s test/ssl-tests has no ${file}`,
        observations: [], failures: [], durationMs: 0 }];
    }
    const certs = values.certs ?? join(dirname(path), '..', 'certs');
    return runSslTests(text, { openssl, file, worker: workers, certificate: (name) => readFile(join(certs, name)) })
      .catch((error: unknown) => failed(openssl, file, error));
  }, ({ text }) => text?.length ?? 0).finally(() => workers.close())).flat();
  const timing = throughput('ssl-tests runs', reports.length, started, jobCount);
  console.log(format(reports, reporter));
  for (const openssl of variants) {
    const mine = reports.filter((r) => r.variant === openssl);
    const { passed, skipped } = summary(mine);
    const line = `OpenSSL ${openssl}: ${passed} of ${mine.length} pass${skipped ? `, ${skipped} skipped` : ''}`;
    if (reporter === 'pretty') console.log(line);
    else console.error(line);
  }
  (reporter === 'pretty' ? console.log : console.error)(timing);
  return summary(reports).failed === 0 ? 0 : 1;
}

/** A file of a variant's test/ssl-tests by name; 1.1.1 names them .conf (3.0 renamed them .cnf). Undefined when it has none. */
function ownFile(dir: string, name: string): string | undefined {
  return [name, name.replace(/\.cnf$/, '.conf')].map((n) => join(dir, n)).find((path) => existsSync(path));
}

function options(argv: string[]) {
  return parseArgs({
    args: argv, allowPositionals: true,
    options: {
      openssl: { type: 'string', default: 'all' },
      reporter: { type: 'string', default: 'pretty' },
      browser: { type: 'boolean', default: false },
      native: { type: 'boolean', default: false },
      jobs: { type: 'string', default: String(availableParallelism()) },
      timeout: { type: 'string', default: String(DEFAULT_TIMEOUT_MS) },
      help: { type: 'boolean', default: false },
      version: { type: 'boolean', default: false },
      certs: { type: 'string' },
    },
  });
}

/** A positive whole number written in decimal, or undefined. */
function wholeNumber(text: string): number | undefined {
  return /^[1-9]\d{0,8}$/.test(text) ? Number(text) : undefined;
}

/**
 * Every session function of each variant's headers (listed by setup from ssl.h and tls1.h), and
 * whether scenarios and Sandbox.call() can call it or why not.
 */
async function calls(openssl: string): Promise<number> {
  const variants = openssl === 'all' ? [...VARIANTS] : [openssl as Variant];
  if (!variants.every((v) => VARIANTS.includes(v))) return fail(`--openssl must be ${VARIANTS.join(', ')} or all`);
  for (const variant of variants) {
    const listed = JSON.parse(await readFile(new URL(`../../wasm/dist/${variant}/session-functions.json`, import.meta.url), 'utf8')) as string[];
    const rows = listed.map((name) => ({ name, ...callability(name) }));
    const callable = rows.filter((r) => r.callable).length;
    console.log(`OpenSSL ${variant}: ${callable} of ${listed.length} session functions of ssl.h and tls1.h callable`);
    for (const row of rows) console.log(`  ${row.callable ? 'callable ' : 'no       '} ${row.name}${'reason' in row ? `: ${row.reason}` : ''}`);
  }
  return 0;
}

/** The package's version, then each OpenSSL module's (from wasm/dist/<variant>/versions.json: every variant shipped). */
async function version(): Promise<number> {
  // From dist/cli/ in the package, or src/cli/ in a checkout: the package's root is two folders up.
  const root = new URL('../../', import.meta.url);
  const { name, version } = JSON.parse(await readFile(new URL('package.json', root), 'utf8'));
  console.log(`${name} ${version}`);
  const modules = new URL('wasm/dist/', root);
  const variants = (await readdir(modules, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  for (const variant of variants.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    const built = JSON.parse(await readFile(new URL(`${variant}/versions.json`, modules), 'utf8'));
    console.log(`OpenSSL ${built.openssl} (variant ${variant}, emscripten ${built.emscripten})`);
  }
  return 0;
}

function usage(code: number): number {
  (code === 0 ? console.log : console.error)(USAGE);
  return code;
}

function fail(message: string): number {
  console.error(`openssl-sandbox: ${message}`);
  return 2;
}

/** Runs main() as a command: its exit code, or 2 with the message of what it threw. */
export function exit(run: Promise<number>): void {
  run.then((code) => { process.exitCode = code; }, (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  });
}

// The package's `openssl-sandbox` runs this file; the checkout's CLI imports main() and adds its tools.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) exit(main(process.argv.slice(2)));
