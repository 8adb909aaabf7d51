// `--native`: each scenario's run exported as a C program (to-c.ts), built against native
// OpenSSL of the same version and source, and run; any line it prints differently from what
// the WASM run observed is a failure.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cached } from '../lib/cache.mjs';
import { glueHeaders } from '../lib/glue-bindings.mjs';
import { buildNativeOpenSSL } from '../lib/openssl-native.mjs';
import { cacheDir, root, variantOf } from '../lib/util.mjs';
import type { Variant } from '../../src/core/module.js';
import type { SandboxEvent } from '../../src/sandbox/events.js';
import { runScenario } from '../../src/scenario/run.js';
import { NotExportable, toC } from '../../src/scenario/to-c.js';
import type { Scenario, ScenarioReport } from '../../src/scenario/types.js';

const exec = promisify(execFile);
const WRAP = ['-Wl,--wrap=time', '-Wl,--wrap=gettimeofday', '-Wl,--wrap=clock_gettime'];
const RUNTIME = ['wasm/native/sandbox.c', 'wasm/glue/keys.c', 'wasm/glue/library.c', 'wasm/glue/clock.c', 'wasm/glue/ssl.c'];

type Native = Awaited<ReturnType<typeof buildNativeOpenSSL>> & { runtime: string[] };
const natives = new Map<Variant, Promise<Native>>();

/** Native OpenSSL and the sandbox runtime compiled against it, once per variant (cached on disk). */
function native(variant: Variant): Promise<Native> {
  let entry = natives.get(variant);
  if (!entry) {
    entry = (async () => {
      const openssl = await buildNativeOpenSSL(variantOf(variant));
      const hash = createHash('sha256').update(openssl.include);
      for (const file of [...RUNTIME, 'wasm/native/sandbox.h']) hash.update(await readFile(join(root, file)));
      for (const header of glueHeaders()) hash.update(await readFile(header));
      const dir = join(cacheDir, 'native-runtime', `${variant}-${hash.digest('hex').slice(0, 16)}`);
      const object = (f: string) => f.replace(/\//g, '_').replace(/\.c$/, '.o');
      await cached(dir, async (into: string) => {
        await Promise.all(RUNTIME.map((f) => exec(openssl.cc, ['-c', '-O1', '-w', `-I${openssl.include}`, `-I${join(root, 'wasm/glue')}`, `-I${join(root, 'wasm/native')}`,
          join(root, f), '-o', join(into, object(f))])));
        return { runtime: RUNTIME };
      });
      return { ...openssl, runtime: RUNTIME.map((f) => join(dir, object(f))) };
    })();
    natives.set(variant, entry);
  }
  return entry;
}

/** Runs the scenario in WASM, then its C export natively, and compares what both observed. */
export async function runNative(scenario: Scenario, openssl: Variant, file?: string): Promise<ScenarioReport> {
  let events: SandboxEvent[] = [];
  const wasm = await runScenario(scenario, { openssl, file, events: (e) => { events = e; } });
  const report = { ...wasm, title: `${scenario.title} (native)`, observations: [] };
  if (wasm.skipped) return report;
  const started = Date.now();
  const fail = (observed: unknown, expected: unknown, message: string): ScenarioReport =>
    ({ ...report, ok: false, failures: [{ step: -1, path: 'native', expected, observed, message }], durationMs: Date.now() - started });
  let program;
  try {
    program = toC(events, scenario.title);
  } catch (error) {
    if (error instanceof NotExportable) return { ...report, skipped: true, note: `not replayable natively: ${error.message}` };
    throw error;
  }
  const n = await native(openssl);
  const dir = await mkdtemp(join(tmpdir(), 'openssl-sandbox-native-'));
  try {
    await writeFile(join(dir, 'scenario.c'), program.source);
    try {
      await exec(n.cc, ['-O0', '-w', `-I${n.include}`, `-I${join(root, 'wasm/native')}`, `-I${join(root, 'wasm/glue')}`, join(dir, 'scenario.c'), ...n.runtime, ...n.libs,
        ...WRAP, '-ldl', '-pthread', '-o', join(dir, 'scenario')]);
    } catch (error) {
      return fail((error as { stderr?: string }).stderr?.slice(0, 2000) ?? String(error), 'the C export to compile', 'compile error');
    }
    const { stdout } = await exec(join(dir, 'scenario'), [], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    const lines = stdout.trim() === '' ? [] : stdout.trim().split('\n');
    const at = program.expected.findIndex((line, i) => lines[i] !== line);
    if (at >= 0 || lines.length !== program.expected.length) {
      const i = at >= 0 ? at : Math.min(lines.length, program.expected.length);
      return fail(lines.slice(i, i + 3), program.expected.slice(i, i + 3), `native OpenSSL printed line ${i + 1} differently`);
    }
    return { ...report, durationMs: Date.now() - started };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
