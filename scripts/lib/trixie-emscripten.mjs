// Debian trixie's emscripten (3.1.69, LLVM 19, a 64-bit time_t) on a machine of another Debian
// release, without touching its system: a trixie root made with debootstrap from Debian's own
// packages, kept in the cache (whole or not at all), and every emscripten command run chrooted
// into it, in a mount namespace of its own that shows the checkout and the cache at their own
// paths (so the build's paths mean the same inside and out). Needs root: debootstrap, chroot, mounts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cached } from './cache.mjs';
import { ensureCommand, readSystemSources } from './debian.mjs';
import { cacheDir, root, run, step } from './util.mjs';

const SUITE = 'trixie';
const rootDir = join(cacheDir, 'toolchain', `emscripten-${SUITE}`);

// Runs "$@" in the root with /proc, /dev and the folders of $BIND (colon-separated) mounted;
// the namespace, and so every mount, ends with the command.
const ENTER = `set -e; root=$1 cwd=$2; shift 2
mount -t proc proc "$root/proc"; mount --rbind /dev "$root/dev"
IFS=:; for dir in $BIND; do mkdir -p "$root$dir"; mount --bind "$dir" "$root$dir"; done; unset IFS
exec chroot "$root" /usr/bin/env -u NODE_EXTRA_CA_CERTS PATH=/usr/local/bin:/usr/bin:/bin /bin/sh -c 'cd "$0" && exec "$@"' "$cwd" "$@"`;

/** unshare's arguments that run `cmd args` inside the root `rootfs`, in `cwd`. */
const inRoot = (rootfs, cwd, cmd, args) => ['--mount', '--propagation', 'private', '--', 'sh', '-c', ENTER, 'enter', rootfs, cwd, cmd, ...args];
const rootEnv = { BIND: [root, cacheDir].join(':') };

/** The toolchain (as toolchain.mjs returns it): trixie's emcc, making the root first if the cache has none. */
export async function trixieEmscripten() {
  if (process.getuid?.() !== 0) throw new Error(`EMSCRIPTEN=${SUITE} needs root (debootstrap, chroot and mounts)`);
  const dir = await cached(rootDir, makeRoot);
  const rootfs = join(dir, 'root');
  const { emcc } = JSON.parse(readFileSync(join(dir, 'complete'), 'utf8'));
  return {
    name: SUITE, version: emcc,
    where: `Debian ${SUITE}'s emscripten, in ${rootfs}`,
    run: (cmd, args, options = {}) => run('unshare', inRoot(rootfs, options.cwd ?? process.cwd(), cmd, args),
      { ...options, env: { ...options.env, ...rootEnv } }),
  };
}

/** debootstrap (minbase) from the machine's own Debian mirror, then `apt-get install emscripten` inside. */
async function makeRoot(into) {
  await ensureCommand({ command: 'debootstrap', pkg: 'debootstrap', purpose: `A Debian ${SUITE} root is made with it`, elsewhere: 'use emcc from PATH' });
  const mirror = readSystemSources().find((e) => e.suites.some((s) => !s.includes('-')) && !e.uris[0].includes('security'))?.uris[0];
  if (!mirror) throw new Error('no Debian mirror among this machine\'s apt sources');
  const rootfs = join(into, 'root');
  const log = { logFile: join(into, 'root.log') };
  step(`Making a Debian ${SUITE} root for its emscripten (debootstrap from ${mirror}, about a minute)`);
  await run('debootstrap', ['--variant=minbase', SUITE, rootfs, mirror], { ...log, label: 'debootstrap' });
  step(`Installing emscripten in the ${SUITE} root (about a minute)`);
  await run('unshare', inRoot(rootfs, '/', 'sh', ['-c', 'apt-get update -q && apt-get install -y -q --no-install-recommends emscripten make perl && apt-get clean']),
    { logFile: join(into, 'emscripten.log'), label: 'apt-get install emscripten', env: { ...rootEnv, DEBIAN_FRONTEND: 'noninteractive' } });
  const emcc = execFileSync('unshare', inRoot(rootfs, '/', 'emcc', ['-dumpversion']), { encoding: 'utf8', env: { ...process.env, ...rootEnv } }).trim();
  console.log(`    emcc ${emcc} in the ${SUITE} root`);
  return { suite: SUITE, mirror, emcc };
}
