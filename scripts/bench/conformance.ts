// The conformance catalog at scale: the package's CLI (dist/cli, compiled by `npm run bench`)
// runs test/conformance on the measured variants in a process of its own, as a user runs it, with
// its default --jobs. Wall time is the whole process's (Node's start included: what the user waits);
// CPU time is the process's with its worker threads, as the shell's `times` reports its children.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from '../../scripts/lib/util.mjs';
import type { Variant } from '../../src/index.js';

const exec = promisify(execFile);

export interface ConformanceFigures {
  variants: Variant[];
  /** scenario runs (each scenario once per variant) and those that failed */
  runs: number;
  failed: number;
  wallSeconds: number;
  cpuSeconds: number;
  runsPerSecond: number;
  /** the CLI's own line: its runs, time and --jobs */
  cli: string;
}

export async function conformanceFigures(variants: Variant[]): Promise<ConformanceFigures> {
  const cli = [process.execPath, join(root, 'dist', 'cli', 'openssl-sandbox.js'), 'run', join(root, 'test', 'conformance'),
    '--openssl', variants.join(','), '--reporter', 'json'];
  // `times` prints the shell's CPU time, then its children's: the second line, after the CLI's stderr.
  const script = '"$@"; times >&2';
  const start = performance.now();
  const { stdout, stderr } = await exec('sh', ['-c', script, 'sh', ...cli], { cwd: root, maxBuffer: 1 << 30 });
  const wallSeconds = (performance.now() - start) / 1000;
  const lines = stderr.trim().split('\n');
  const cpuSeconds = [...lines[lines.length - 1].matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, [, m, sec]) => s + Number(m) * 60 + Number(sec), 0);
  const report = (() => {
    try {
      return JSON.parse(stdout) as { failed: number; reports: unknown[] };
    } catch {
      throw new Error(`openssl-sandbox run printed no JSON report; its stderr ends:\n${lines.slice(-10).join('\n')}`);
    }
  })();
  const { failed, reports } = report;
  return {
    variants, runs: reports.length, failed, wallSeconds: Number(wallSeconds.toFixed(1)), cpuSeconds: Number(cpuSeconds.toFixed(1)),
    runsPerSecond: Number((reports.length / wallSeconds).toFixed(1)), cli: lines.find((l) => l.includes('scenario runs')) ?? '',
  };
}
