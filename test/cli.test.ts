// The CLI with hostile scenario folders: every file gets its own result whatever another does,
// output is escaped for its format, folders are walked without following links twice, each
// scenario has a time budget, and bad command lines are usage errors before anything runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { runQueue } from '../src/cli/queue.js';
import { format } from '../src/scenario/report.js';
import { runScenario } from '../src/scenario/run.js';
import type { Scenario, ScenarioReport } from '../src/scenario/types.js';
import { WorkerPool } from '../src/worker/host.js';
import { HOSTILE_TITLE, hostileFolder } from './fuzz/hostile-folder.js';

const CLI = new URL('../src/cli/openssl-sandbox.ts', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 300_000 });

describe('the CLI with a hostile folder', () => {
  it('reports every file once, each with its own result; the slow one fails its time budget alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'osb-hostile-'));
    try {
      const { files, good } = await hostileFolder(dir);
      const run = cli('run', dir, join(dir, 'missing.json'), '--openssl', '3.5', '--reporter', 'json', '--timeout', '3000', '--jobs', '2');
      assert.equal(run.signal, null, 'no hang');
      assert.equal(run.status, 1, run.stderr);
      const { reports } = JSON.parse(run.stdout) as { reports: ScenarioReport[] };
      const reported = reports.map((r) => basename(r.file!)).sort();
      assert.deepEqual(reported, [...files, 'missing.json'].sort(), 'each file once: no link followed twice, no loop');
      const byName = (name: string) => reports.find((r) => basename(r.file!) === name)!;
      assert.equal(byName('good.json').ok, true, 'the good scenario passes among the hostile ones');
      assert.equal(byName('good.json').title, good);
      const observed = (name: string) => String(byName(name).failures[0]?.observed);
      assert.match(observed('missing.json'), /cannot be read: no such file or folder/);
      assert.match(observed('self-file.json'), /a loop of symbolic links/);
      assert.match(observed('deep-expect.json'), /nested far deeper than 64 levels/);
      for (const name of ['constructor', '__proto__', 'toString']) {
        assert.match(observed(`${name === '__proto__' ? 'proto' : name.toLowerCase()}.json`), new RegExp(`'${name}' is not a call`));
      }
      assert.match(observed('slow.json'), /time budget of 3000 ms/);
      assert.equal(byName('escapes.json').title, HOSTILE_TITLE, 'JSON keeps the title as it is');
      assert.match(run.stderr, /^\d+ scenario runs in [\d.]+ s \([\d.]+ per second, 2 at once\)$/m, 'the wall time and runs per second, on stderr');

      for (const reporter of ['tap', 'pretty', 'junit'] as const) {
        const text = format(reports, reporter);
        assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f]/, `${reporter}: no control character but newlines`);
        assert.ok(!text.includes('\nok 99') && !text.includes('\nnot ok # TODO'), `${reporter}: the title injects no line`);
      }
      const tap = format(reports, 'tap').split('\n');
      assert.equal(tap.filter((l) => /^(not )?ok \d+ - /.test(l)).length, reports.length, 'one TAP line per result');
      const junit = format(reports, 'junit');
      assert.equal(junit.match(/<testcase /g)!.length, reports.length);
      assert.ok(!junit.includes('</testcase><x'), 'the title\'s markup is escaped');
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('format() reports a value nested 5,000 deep in every format without overflowing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    const report: ScenarioReport = {
      title: 't', variant: '3.5', ok: false, durationMs: 1, observations: [{ step: 0, observed: deep }],
      failures: [{ step: 0, path: 'x', expected: deep, observed: deep }],
    };
    for (const reporter of ['json', 'tap', 'pretty', 'junit'] as const) assert.match(format([report], reporter), /nested deeper than 24 levels/);
  });

  it('--jobs and --timeout that are not whole numbers are usage errors before anything runs', () => {
    for (const args of [['--jobs', 'abc'], ['--jobs', '0'], ['--timeout', '1e3'], ['--timeout=-5'], ['--timeout', '']]) {
      const run = cli('run', 'no-such-folder', ...args);
      assert.equal(run.status, 2);
      assert.match(run.stderr, new RegExp(`openssl-sandbox: ${args[0].split('=')[0]} must be a whole number`));
      assert.equal(run.stdout, '', 'nothing ran');
    }
  });
});

describe("the CLI's queue (runQueue)", () => {
  it('starts the costliest runs first and returns the results in the items\' order', async () => {
    const items = [{ name: 'a', cost: 1 }, { name: 'b', cost: 256 }, { name: 'c', cost: 3 }, { name: 'd', cost: 3 }, { name: 'e', cost: 40 }];
    for (const size of [1, 2]) {
      const started: string[] = [];
      let running = 0;
      let most = 0;
      const results = await runQueue(items, size, async ({ name }) => {
        started.push(name);
        most = Math.max(most, ++running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return name.toUpperCase();
      }, ({ cost }) => cost);
      assert.deepEqual(started, ['b', 'e', 'c', 'd', 'a'], 'costliest first, equal costs in their own order');
      assert.deepEqual(results, ['A', 'B', 'C', 'D', 'E']);
      assert.equal(most, size, `${size} at once`);
    }
  });
});

describe("the CLI's worker threads (WorkerPool)", () => {
  it('runs scenario after scenario in one thread, each in a fresh module; one past its time budget takes only its own thread', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'osb-pool-'));
    const workers = new WorkerPool();
    try {
      await hostileFolder(dir);
      const load = async (name: string) => JSON.parse(await readFile(join(dir, name), 'utf8')) as Scenario;
      const [good, slow] = [await load('good.json'), await load('slow.json')];
      const run = (scenario: Scenario, timeoutMs?: number) => runScenario(scenario, { openssl: '3.5', worker: workers, timeoutMs });
      const same = ({ durationMs: _, ...report }: ScenarioReport) => report;

      const first = await run(good);
      const again = await run(good);
      assert.equal(first.ok, true, JSON.stringify(first.failures));
      assert.deepEqual(same(again), same(first), 'the second run sees a fresh module: nothing of the first is left');
      assert.equal(workers.started, 1, 'one thread ran both');

      const [late, ...others] = await Promise.all([run(slow, 1500), run(good), run(good)]);
      assert.match(String(late.failures[0]?.observed), /time budget of 1500 ms/);
      for (const other of others) assert.deepEqual(same(other), same(first), 'the others run on, unharmed');
      assert.equal(workers.running, workers.started - 1, 'the late scenario\'s thread is gone, the others are kept');

      const after = await run(good);
      assert.deepEqual(same(after), same(first));
      assert.equal(workers.started, 3, 'a kept thread runs the next scenario');
    } finally {
      workers.close();
      await rm(dir, { recursive: true });
    }
    assert.equal(workers.running, 0, 'close() ends every thread');
  });
});
