// The build cache (scripts/lib/cache.mjs) with fake builds in a folder of their own: two setups
// building the same thing build it once, a killed or failed build leaves nothing that looks
// complete and the next setup builds it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cached } from '../scripts/lib/cache.mjs';

const CACHE = new URL('../scripts/lib/cache.mjs', import.meta.url).href;

let root = '';
before(async () => { root = await mkdtemp(join(tmpdir(), 'osb-cache-')); });
after(() => rm(root, { recursive: true, force: true }));

/**
 * A setup in a process of its own building `dir` with a fake build: it logs its start to
 * `builds.log` beside `dir`, writes a first file, says "building", waits `ms`, writes the
 * second; then the process prints the `complete` record it found.
 */
function setup(dir: string, ms: number) {
  const script = `
    import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
    import { join } from 'node:path';
    import { cached } from ${JSON.stringify(CACHE)};
    const dir = ${JSON.stringify(dir)};
    await cached(dir, async (into) => {
      appendFileSync(dir + '.builds.log', process.pid + '\\n');
      writeFileSync(join(into, 'first'), 'half of it');
      console.log('building');
      await new Promise((resolve) => setTimeout(resolve, ${ms}));
      writeFileSync(join(into, 'second'), 'the rest');
      return { by: process.pid };
    });
    console.log('found', readFileSync(join(dir, 'complete'), 'utf8'), readFileSync(join(dir, 'second'), 'utf8'));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk) => { out += chunk; });
  child.stderr.on('data', (chunk) => { out += chunk; });
  const ended = once(child, 'exit').then(([code]) => ({ code, out }));
  const building = new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('building') && resolve()));
  return { child, ended, building };
}

const builds = async (dir: string) => (await readFile(`${dir}.builds.log`, 'utf8').catch(() => '')).split('\n').filter(Boolean);
/** Whatever is beside the cache entries but them and their build logs: locks, partial builds. */
const debris = async () => (await readdir(root)).filter((name) => !name.endsWith('.builds.log') && !/^entry-[\w-]+$/.test(name));

describe('the build cache', () => {
  it('two setups building the same thing at once: one builds, the other waits and takes its build', async () => {
    const dir = join(root, 'entry-concurrent');
    const first = setup(dir, 1500);
    await first.building;
    const second = setup(dir, 1500);
    const [a, b] = await Promise.all([first.ended, second.ended]);
    assert.deepEqual([a.code, b.code], [0, 0], `${a.out}\n${b.out}`);
    assert.deepEqual(await builds(dir), [String(first.child.pid)], 'built once');
    const record = `found {"by":${first.child.pid}} the rest`;
    assert.match(a.out, new RegExp(record));
    assert.match(b.out, new RegExp(`waiting for another setup \\(pid ${first.child.pid} on .*\\) building entry-concurrent[\\s\\S]*${record}`));
    assert.deepEqual(await debris(), [], 'no lock or partial build left');
  });

  it('twice at once in one process: built once', async () => {
    const dir = join(root, 'entry-same-process');
    let count = 0;
    const build = async (into: string) => {
      count++;
      await new Promise((resolve) => setTimeout(resolve, 300));
      await writeFile(join(into, 'lib'), 'x');
      return { count };
    };
    await Promise.all([cached(dir, build), cached(dir, build)]);
    assert.equal(count, 1);
    assert.deepEqual(await debris(), []);
  });

  it('a killed build leaves nothing that looks complete; the next setup takes over its lock, clears its leftovers and builds', async () => {
    const dir = join(root, 'entry-killed');
    const killed = setup(dir, 60_000);
    await killed.building;
    killed.child.kill('SIGKILL');
    await killed.ended;
    assert.equal(existsSync(dir), false, 'no entry where the build was going');
    assert.deepEqual((await debris()).sort(), [`entry-killed.lock`, `entry-killed.partial-${killed.child.pid}`], 'its lock and its half build');
    const next = setup(dir, 10);
    const { code, out } = await next.ended;
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(`found \\{"by":${next.child.pid}\\} the rest`));
    assert.doesNotMatch(out, /waiting/, 'a dead process\'s lock is not waited for');
    assert.deepEqual(await builds(dir), [String(killed.child.pid), String(next.child.pid)]);
    assert.deepEqual(await debris(), []);
  });

  it('a failed build fails the setup and leaves its folder for its logs, which the next build clears; an incomplete entry of an older setup is built again', async () => {
    const dir = join(root, 'entry-failed');
    await assert.rejects(cached(dir, async (into) => {
      await writeFile(join(into, 'make.log'), '');
      throw new Error('make exited with 2');
    }), /make exited with 2/);
    assert.equal(existsSync(dir), false);
    assert.deepEqual(await debris(), [`entry-failed.partial-${process.pid}`], 'no lock; the failed build\'s folder');
    await cached(dir, async () => ({ again: true }));
    assert.deepEqual(await debris(), []);
    await rm(dir, { recursive: true });
    await mkdir(dir); // as a build killed before builds were atomic left it: no `complete`
    await writeFile(join(dir, 'lib'), 'half');
    await cached(dir, async (into) => { await writeFile(join(into, 'lib'), 'whole'); return { whole: true }; });
    assert.equal(await readFile(join(dir, 'lib'), 'utf8'), 'whole');
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'complete'), 'utf8')), { whole: true });
  });
});
