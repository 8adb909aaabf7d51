// Small helpers shared by the build scripts (plain Node: they run before `npm install`).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Cache outside the checkout, so that fresh clones on the same machine reuse builds. */
export const cacheDir = process.env.OPENSSL_WASM_CACHE
  ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'openssl-wasm-sandbox');

/**
 * One OpenSSL line of wasm/openssl-versions.json (TypeScript reads these JSDoc types).
 * @typedef {{ version: string, sha256: string, debian: { package: string, suite: string }, configure: string[] }} VariantEntry
 */

/** @type {Record<string, VariantEntry>} */
export const variants = JSON.parse(readFileSync(join(root, 'wasm', 'openssl-versions.json'), 'utf8'));

/**
 * @param {string} name
 * @returns {VariantEntry & { name: string }}
 */
export function variantOf(name) {
  const v = variants[name];
  if (!v) throw new Error(`unknown OpenSSL variant '${name}' (known: ${Object.keys(variants).join(', ')})`);
  return { name, ...v };
}

export function step(message) {
  console.log(`\x1b[1m==>\x1b[0m ${message}`);
}

/**
 * Runs a command. With `logFile`, its output goes to that file and a heartbeat
 * (elapsed time, file being compiled) is printed instead, so a long build shows progress.
 */
export function run(cmd, args, { cwd, env, logFile, label } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, {
      cwd, env: { ...process.env, ...env },
      stdio: logFile ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    const log = [];
    let timer;
    if (logFile) {
      child.stdout.on('data', (c) => log.push(c));
      child.stderr.on('data', (c) => log.push(c));
      timer = setInterval(() => {
        const tail = Buffer.concat(log.slice(-20)).toString();
        const file = [...tail.matchAll(/(\S+)\.c\b/g)].pop()?.[0] ?? '';
        console.log(`    ${label ?? cmd}: ${Math.round((Date.now() - started) / 1000)}s ${file}`);
      }, 10000);
    }
    child.on('error', (e) => { clearInterval(timer); reject(e); });
    child.on('close', (code) => {
      clearInterval(timer);
      if (logFile) writeFileSync(logFile, Buffer.concat(log));
      if (code === 0) return resolve();
      const hint = logFile ? `\n--- last lines of ${logFile} ---\n${Buffer.concat(log).toString().split('\n').slice(-25).join('\n')}` : '';
      reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}${hint}`));
    });
  });
}

export async function sha256File(path) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('hex');
}
