// The WASM peer again, on modules built with another emscripten: `EMSCRIPTEN=trixie node
// scripts/setup.mjs` links Debian trixie's (3.1.69, LLVM 19) beside today's, into
// wasm/dist/emscripten-trixie/<variant>. Both modules have the same import path in the library, so
// each runs in a Node process of its own (toolchain-peer.ts), kept for the whole bench and asked
// for one sample at a time: its rounds interleave with every other peer's.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEmscripten, timeBits } from '../../scripts/lib/toolchain.mjs';
import { root } from '../../scripts/lib/util.mjs';
import type { Variant } from '../../src/index.js';
import { HANDSHAKES, type Case } from './cases.js';

/** The other emscriptens setup can build with (EMSCRIPTEN=<name>). */
const OTHERS = ['trixie'];

export const toolchainDir = (name: string, variant: Variant) => join(root, 'wasm', 'dist', `emscripten-${name}`, variant);

export interface ToolchainModule {
  variant: Variant;
  emscripten: string;
  wasmBytes: number;
  wasmGzipBytes: number;
  /** OpenSSL's build with this emscripten, in seconds (as setup measured it, on the machine as loaded as it was then) */
  buildSeconds?: number;
  /** time_t's width with this emscripten */
  timeBits?: number;
}

/** What a module's versions.json says of its build. */
function moduleFacts(dir: string, variant: Variant): ToolchainModule {
  const versions = JSON.parse(readFileSync(join(dir, 'versions.json'), 'utf8'));
  const { buildSeconds, timeBits } = versions.configure;
  return { variant, emscripten: versions.emscripten, wasmBytes: versions.wasmBytes, wasmGzipBytes: versions.wasmGzipBytes, buildSeconds, timeBits };
}

/** Today's module of `variant` (wasm/dist/<variant>); time_t's width asked of its emcc when its build did not record it. */
export async function todayFacts(variant: Variant): Promise<ToolchainModule> {
  const facts = moduleFacts(join(root, 'wasm', 'dist', variant), variant);
  const emscripten = await ensureEmscripten();
  if (facts.timeBits === undefined && emscripten.version === facts.emscripten) {
    const dir = mkdtempSync(join(tmpdir(), 'osb-time-t-'));
    facts.timeBits = await timeBits(emscripten, dir);
    rmSync(dir, { recursive: true, force: true });
  }
  return facts;
}

/** The cases of every other-emscripten module built for `variants`, and their facts; `skipped` says what is not built. */
export function toolchainCases(variants: Variant[]): { cases: Case[]; modules: ToolchainModule[]; skipped: string[]; stop: () => void } {
  const cases: Case[] = [];
  const modules: ToolchainModule[] = [];
  const skipped: string[] = [];
  const children: ChildProcess[] = [];
  for (const name of OTHERS) {
    for (const variant of variants) {
      const dir = toolchainDir(name, variant);
      if (!existsSync(join(dir, 'versions.json'))) {
        skipped.push(`OpenSSL ${variant} with emscripten '${name}': not built (EMSCRIPTEN=${name} OPENSSL=${variant} node scripts/setup.mjs)`);
        continue;
      }
      const facts = moduleFacts(dir, variant);
      modules.push(facts);
      const peer = `WASM ${variant}, emscripten ${facts.emscripten}`;
      let child: ChildProcess | undefined;
      const ask = (message: object) => new Promise<number>((resolve, reject) => {
        child ??= fork(join(root, 'scripts', 'bench', 'toolchain-peer.ts'), [dir, variant], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
        if (!children.includes(child)) children.push(child);
        // A peer process that dies fails the bench instead of leaving it waiting.
        const died = (code: number | null) => reject(new Error(`${peer}: its process exited (${code}) before answering`));
        child.once('exit', died);
        child.once('message', (answer: { perSecond?: number; error?: string }) => {
          child!.off('exit', died);
          if (answer.error) reject(new Error(`${peer}: ${answer.error}`));
          else resolve(answer.perSecond!);
        });
        child.send(message);
      });
      for (const h of HANDSHAKES) {
        cases.push({ name: h.name, peer, prepare: async () => { await ask({ prepare: h.name }); return (ms) => ask({ sample: h.name, ms }); } });
      }
    }
  }
  return { cases, modules, skipped, stop: () => children.forEach((c) => c.kill()) };
}
