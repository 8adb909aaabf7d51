#!/usr/bin/env node
// openssl-sandbox: the command line of the conformance runner.
//   openssl-sandbox run <files or folders> [--openssl 3.5|3.0|all] [--reporter pretty|tap|junit|json] [--browser] [--native] [--jobs N]
//   openssl-sandbox schema
//   openssl-sandbox --version
import { realpathSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { VARIANTS, type Variant } from '../core/module.js';
import { loadScenario, scenarioFiles } from '../scenario/files.js';
import { REPORTERS, format, summary, type ReporterName } from '../scenario/report.js';
import { runScenario } from '../scenario/run.js';
import { scenarioSchema } from '../scenario/schema.js';
import type { Scenario, ScenarioReport } from '../scenario/types.js';

const USAGE = `usage: openssl-sandbox run <files or folders> [--openssl 3.5|3.0|all] [--reporter ${REPORTERS.join('|')}] [--browser] [--native] [--jobs N]
       openssl-sandbox schema
       openssl-sandbox --version`;

type Job = { file: string; scenario: Scenario; openssl: Variant };

/**
 * What `--browser` and `--native` drive: Vite, Chromium and a C compiler, tools of a source
 * checkout. The package ships without them; the checkout's CLI (scripts/checkout/bin.mjs) passes them in.
 */
export interface CheckoutTools {
  compareInBrowser(jobs: Job[], inNode: ScenarioReport[]): Promise<ScenarioReport[]>;
  runNative(scenario: Scenario, openssl: Variant, file?: string): Promise<ScenarioReport>;
}

export async function main(argv: string[], tools?: CheckoutTools): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      openssl: { type: 'string', default: 'all' },
      reporter: { type: 'string', default: 'pretty' },
      browser: { type: 'boolean', default: false },
      native: { type: 'boolean', default: false },
      jobs: { type: 'string', default: String(availableParallelism()) },
      help: { type: 'boolean', default: false },
      version: { type: 'boolean', default: false },
    },
  });
  const [command, ...paths] = positionals;
  if (values.version) return version();
  if (values.help || !command) return usage(values.help ? 0 : 2);
  if (command === 'schema') {
    console.log(JSON.stringify(scenarioSchema, null, 2));
    return 0;
  }
  if (command !== 'run' || paths.length === 0) return usage(2);
  for (const flag of ['browser', 'native'] as const) {
    if (values[flag] && !tools) return fail(`--${flag} needs a source checkout of openssl-wasm-sandbox (Chromium, native OpenSSL): run \`node scripts/checkout/bin.mjs run ... --${flag}\` there`);
  }
  const variants = values.openssl === 'all' ? [...VARIANTS] : [values.openssl as Variant];
  if (!variants.every((v) => VARIANTS.includes(v))) return fail(`--openssl must be ${VARIANTS.join(', ')} or all`);
  const reporter = values.reporter as ReporterName;
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
  // Scenarios run in parallel, each in its own worker thread (one OpenSSL module each).
  const reports = await pool(jobs, Math.max(1, Number(values.jobs)), async ({ file, scenario, openssl }) => {
    const report = await runScenario(scenario, { openssl, file, worker: true });
    if (progress) process.stderr.write(`\r${++done}/${jobs.length} scenarios`);
    return report;
  });
  if (progress) process.stderr.write('\n');
  const all = [...invalid, ...reports];
  if (values.browser) all.push(...await tools!.compareInBrowser(jobs, reports));
  if (values.native) all.push(...await pool(jobs, Math.max(1, Number(values.jobs)), ({ file, scenario, openssl }) => tools!.runNative(scenario, openssl, file)));
  console.log(format(all, reporter));
  return summary(all).failed === 0 ? 0 : 1;
}

async function pool<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  }));
  return results;
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
