// One module built with another emscripten, measured as the WASM peer is (toolchain.ts starts this):
// the library's imports of wasm/dist/<variant>/ are sent to that module's folder, and the bench
// asks for { prepare: case } and { sample: case, ms } by IPC message, one at a time.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { root } from '../../scripts/lib/util.mjs';
import type { Variant } from '../../src/index.js';
import type { Sampler } from './cases.js';

const [dir, variant] = process.argv.slice(2) as [string, Variant];
const standard = pathToFileURL(join(root, 'wasm', 'dist', variant)).href + '/';
const other = pathToFileURL(dir).href + '/';
const hook = `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  return resolved.url.startsWith(${JSON.stringify(standard)}) ? { ...resolved, url: ${JSON.stringify(other)} + resolved.url.slice(${standard.length}) } : resolved;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

const { createSandbox } = await import('../../src/index.js');
const { wasmCases } = await import('./wasm.js');
const sb = await createSandbox({
  openssl: variant, worker: false, trace: false,
  locateFile: (_file, url) => (url.href.startsWith(standard) ? other + url.href.slice(standard.length) : url),
});
const cases = wasmCases(sb, variant);
const samplers = new Map<string, Sampler>();
process.on('message', async (message: { prepare?: string; sample?: string; ms?: number }) => {
  try {
    if (message.prepare) {
      samplers.set(message.prepare, await cases.find((c) => c.name === message.prepare)!.prepare());
      process.send!({ perSecond: 0 });
    } else {
      process.send!({ perSecond: await samplers.get(message.sample!)!(message.ms!) });
    }
  } catch (error) {
    process.send!({ error: (error as Error).message });
  }
});
process.on('disconnect', () => { void sb.dispose().finally(() => process.exit(0)); });
