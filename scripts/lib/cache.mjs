// Builds in the cache outside the checkout, whole or not at all. Each build fills a temporary
// folder beside its place and is renamed into place once complete, so a killed build leaves
// nothing a later run takes for finished; a lock makes a second setup that wants the same thing
// wait for the first instead of building it again or deleting its work.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** How often a waiting setup looks at the lock again. */
const POLL_MS = 500;
/** A lock with no owner written yet is being taken; one this old without an owner was left by a killed process. */
const UNOWNED_STALE_MS = 10_000;

const isComplete = (dir) => existsSync(join(dir, 'complete'));

/**
 * Makes sure `dir` holds a complete build: unless it does already, `build(temporary)` fills a
 * temporary folder and returns a record of what went in, written to its `complete` file before
 * the folder is renamed to `dir`. `done(dir)` says whether a build is there (default: its
 * `complete` file). Returns `dir`.
 * @param {string} dir
 * @param {(temporary: string) => Promise<object>} build
 * @param {{ done?: (dir: string) => boolean }} [options]
 */
export async function cached(dir, build, { done = isComplete } = {}) {
  if (done(dir)) return dir;
  return locked(dir, async () => {
    if (done(dir)) return dir; // built by the setup this one waited for
    // What failed or killed builds left: this process's, and those of processes gone.
    const partial = `${basename(dir)}.partial-`;
    const leftovers = readdirSync(dirname(dir)).filter((name) => name.startsWith(partial)
      && (Number(name.slice(partial.length)) === process.pid || !running(Number(name.slice(partial.length)))));
    for (const name of leftovers) rmSync(join(dirname(dir), name), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true }); // incomplete (a build before builds were atomic)
    // A build that fails leaves this folder, with its logs, until the next build clears it.
    const temporary = `${dir}.partial-${process.pid}`;
    mkdirSync(temporary);
    const record = await build(temporary);
    writeFileSync(join(temporary, 'complete'), JSON.stringify(record ?? {}));
    renameSync(temporary, dir);
    return dir;
  });
}

/**
 * Runs `work` holding the lock of `path` (the folder `<path>.lock`, naming its owner), waiting
 * while another live process holds it. A lock whose owner died is taken over. Two processes
 * taking over the same dead lock at the same moment could both go on: then both build, and
 * the rename keeps one whole build; nothing is ever half-built.
 * @template T
 * @param {string} path
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function locked(path, work) {
  const lock = `${path}.lock`;
  const me = `${process.pid} ${hostname()}`;
  mkdirSync(dirname(lock), { recursive: true });
  let said = false;
  for (;;) {
    // The lock appears with its owner already written: a folder made aside and renamed, which fails when the lock exists.
    const mine = `${lock}.${process.pid}-${Math.random().toString(36).slice(2)}`;
    mkdirSync(mine);
    writeFileSync(join(mine, 'owner'), me);
    try {
      renameSync(mine, lock);
      break;
    } catch (error) {
      rmSync(mine, { recursive: true, force: true });
      if (!['EEXIST', 'ENOTEMPTY', 'EPERM', 'EISDIR'].includes(error.code)) throw error;
    }
    const owner = ownerOf(lock);
    if (owner === undefined) continue; // released meanwhile
    if (!owner.alive) {
      // A killed setup's lock: moved aside (of two takers, one moves it), then removed; put
      // back if what was moved is another's lock, taken between the look and the move.
      const stale = `${lock}.stale-${process.pid}`;
      try {
        renameSync(lock, stale);
        if (ownerOf(stale)?.who === owner.who) rmSync(stale, { recursive: true, force: true });
        else renameSync(stale, lock);
      } catch {
        // another process took it over first
      }
      continue;
    }
    if (!said) {
      console.log(`    waiting for another setup (${owner.who}) building ${basename(path)}`);
      said = true;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  try {
    return await work();
  } finally {
    // Moved aside first: removing it in place could take another's lock made in the meantime.
    const released = `${lock}.released-${process.pid}`;
    renameSync(lock, released);
    rmSync(released, { recursive: true, force: true });
  }
}

/** Who holds the lock and whether it still runs; undefined when there is no lock. A process on another host counts as alive. */
function ownerOf(lock) {
  let text;
  try {
    text = readFileSync(join(lock, 'owner'), 'utf8');
  } catch {
    try {
      return { who: 'a process starting', alive: Date.now() - statSync(lock).mtimeMs < UNOWNED_STALE_MS };
    } catch {
      return undefined;
    }
  }
  const [pid, host] = text.split(' ');
  return { who: `pid ${pid} on ${host}`, alive: host !== hostname() || running(Number(pid)) };
}

function running(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM'; // alive, someone else's
  }
}
