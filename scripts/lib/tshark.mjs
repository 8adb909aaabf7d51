// Finds tshark for the capture tests; on Debian as root, installs Debian's tshark package.
// DEBIAN_FRONTEND=noninteractive answers wireshark-common's debconf question (may non-root
// users capture?) with its default, no: the tests only read files.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { run, step } from './util.mjs';

function tsharkPath() {
  try {
    return execFileSync('sh', ['-c', 'command -v tshark'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function ensureTshark() {
  let path = tsharkPath();
  let failure = '';
  if (!path && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    step('Installing tshark (apt-get install tshark)');
    const apt = { logFile: '/tmp/openssl-wasm-sandbox-apt.log', label: 'apt-get' };
    const install = () => run('apt-get', ['install', '-y', '-q', 'tshark'], { ...apt, env: { DEBIAN_FRONTEND: 'noninteractive' } });
    // A failed install is most often a stale package list: refresh it once and retry.
    await install()
      .catch(async () => {
        await run('apt-get', ['update', '-q'], { ...apt, label: 'apt-get update' });
        await install();
      })
      .catch((error) => { failure = ` (${error.message})`; });
    path = tsharkPath();
  }
  if (!path) {
    throw new Error(`tshark was not found${failure}. The capture tests need it: on Debian/Ubuntu `
      + '`sudo apt-get install tshark`, elsewhere any Wireshark build whose `tshark` is on PATH.');
  }
  return path;
}
