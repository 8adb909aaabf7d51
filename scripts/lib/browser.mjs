// Finds Chromium for the browser tests; on Debian as root, installs Debian's chromium package
// (playwright-core drives it: Playwright's own browser downloads are not used).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { run, step } from './util.mjs';

function chromiumPath() {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function ensureChromium() {
  let path = chromiumPath();
  let failure = '';
  if (!path && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    step('Installing Chromium (apt-get install chromium)');
    const apt = { logFile: '/tmp/openssl-wasm-sandbox-apt.log', label: 'apt-get' };
    const install = () => run('apt-get', ['install', '-y', '-q', 'chromium'], { ...apt, env: { DEBIAN_FRONTEND: 'noninteractive' } });
    await install()
      .catch(async () => {
        await run('apt-get', ['update', '-q'], { ...apt, label: 'apt-get update' });
        await install();
      })
      .catch((error) => { failure = ` (${error.message})`; });
    path = chromiumPath();
  }
  if (!path) {
    throw new Error(`chromium was not found${failure}. The browser tests need it: on Debian/Ubuntu `
      + '`sudo apt-get install chromium`, elsewhere any Chromium whose binary is on PATH as `chromium`.');
  }
  return path;
}
