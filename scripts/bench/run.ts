// npm run bench [-- --json] [--openssl 3.5|3.0|all] [--rounds N] [--ms N] [--soak N] [--scale N]
// Handshakes per second in WASM, native OpenSSL (same version, same source) and node:tls, in
// interleaved rounds (so that machine noise hits all alike), reported as medians and as ratios;
// then cache calls through the worker, the heap over a long run, a large cache, start-up and sizes.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { root } from '../../scripts/lib/util.mjs';
import { VARIANTS, createSandbox, type Variant } from '../../src/index.js';
import { cacheCallFigures, roundTripMicros } from './cache-calls.js';
import { HANDSHAKES, type Case, type Sampler } from './cases.js';
import { memoryFigures } from './memory.js';
import { nativeCases, nativePeer } from './native.js';
import { nodeTlsCases } from './node-tls.js';
import { scaleFigures } from './scale.js';
import { browserStartFigures } from './browser-start.js';
import { startupFigures } from './startup.js';
import { moduleFacts, toolchainCases } from './toolchain.js';
import { wasmCases } from './wasm.js';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    openssl: { type: 'string', default: process.env.OPENSSL ?? '3.5' },
    rounds: { type: 'string', default: '5' },
    ms: { type: 'string', default: '400' },
    soak: { type: 'string', default: '5000' },
    scale: { type: 'string', default: '100000' },
  },
});
const variants = (args.openssl === 'all' ? VARIANTS : [args.openssl]) as Variant[];
const rounds = Number(args.rounds);
const budget = Number(args.ms);
const progress = (text: string) => { if (!args.json) process.stderr.write(text); };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Start-up first, in processes and browsers of their own, before this process holds anything (its
// Vite server serves the playground: a large heap here would slow the page's start).
progress('start-up\n');
const startup = await startupFigures(variants[0]);
const browserStart = await browserStartFigures();

// WASM in this thread (the worker's cost is measured on its own below), without and with the trace.
const plain = await Promise.all(variants.map((openssl) => createSandbox({ openssl, worker: false, trace: false })));
const traced = await createSandbox({ openssl: variants[0], worker: false });
const natives = await Promise.all(variants.map(nativeCases));
// The same variants' modules built with another emscripten, where built (toolchain.ts).
const toolchains = toolchainCases(variants);
const cases: Case[] = [
  ...plain.flatMap((sb) => wasmCases(sb, `WASM ${sb.variant}`)), ...toolchains.cases, ...wasmCases(traced, `WASM ${traced.variant} traced`),
  ...natives.flatMap((n) => n.cases), ...nodeTlsCases(await plain[0].serverCredentials()),
];
const samplers = new Map<Case, Sampler>();
for (const c of cases) samplers.set(c, await c.prepare());
const samples = new Map<Case, number[]>(cases.map((c) => [c, []]));
for (let r = 1; r <= rounds; r++) {
  progress(`round ${r}/${rounds} `);
  for (const c of cases) {
    samples.get(c)!.push(await samplers.get(c)!(budget));
    progress('.');
  }
  progress('\n');
}
await Promise.all([...plain, traced].map((sb) => sb.dispose()));
toolchains.stop();

const results = cases.map((c) => ({ case: c.name, peer: c.peer, perSecond: Math.round(median(samples.get(c)!)) }));
const rate = (name: string, peer: string) => results.find((r) => r.case === name && r.peer === peer)?.perSecond;
const ratio = (a?: number, b?: number) => (a && b ? Number((a / b).toFixed(2)) : undefined);
const ratios = variants.flatMap((v) => HANDSHAKES.map(({ name }) => ({
  case: name, peer: `WASM ${v}`,
  vsNativeSameCode: ratio(rate(name, `WASM ${v}`), rate(name, nativePeer(v, 'same-code'))),
  vsNativeReference: ratio(rate(name, `WASM ${v}`), rate(name, nativePeer(v, 'reference'))),
  vsNativeAssembly: ratio(rate(name, `WASM ${v}`), rate(name, nativePeer(v, 'platform'))),
  vsNodeTls: ratio(rate(name, `WASM ${v}`), rate(name, 'node:tls')),
})));

progress('cache calls ');
const cacheCalls = await cacheCallFigures(budget * 2);
const roundTrip = await roundTripMicros();
progress('\nsoak ');
const memory = await memoryFigures(Number(args.soak));
progress('\nlarge cache ');
const scale = await scaleFigures(Number(args.scale), budget * 2);
progress('\n');
// Every module built here (npm run bench builds the variants it measures).
const sizes = Object.fromEntries(VARIANTS.filter((v) => existsSync(`${root}/wasm/dist/${v}/versions.json`)).map((v) => {
  const { wasmBytes, wasmGzipBytes } = JSON.parse(readFileSync(`${root}/wasm/dist/${v}/versions.json`, 'utf8'));
  return [v, { wasmBytes, wasmGzipBytes }];
}));
const skipped = [...natives.map((n) => n.skipped).filter(Boolean), ...toolchains.skipped];
// Each other emscripten's module against today's: handshakes per second, size, build time, time_t.
const emscriptens = toolchains.modules.map((other) => {
  const today = moduleFacts(`${root}/wasm/dist/${other.variant}`, other.variant);
  return {
    variant: other.variant, today, other,
    handshakes: HANDSHAKES.map(({ name }) => ({
      case: name, ratio: ratio(rate(name, `WASM ${other.variant}, emscripten ${other.emscripten}`), rate(name, `WASM ${other.variant}`)),
    })),
  };
});

if (args.json) {
  console.log(JSON.stringify({
    node: process.versions.node, nodeOpenSSL: process.versions.openssl, rounds, msPerSample: budget, skipped,
    results, ratios, cacheCalls, workerRoundTripMicros: Number(roundTrip.toFixed(1)), memory, scale, startup, browserStart, sizes, emscriptens,
  }, null, 2));
} else {
  const n = (x?: number) => (x === undefined ? '–' : x.toLocaleString('en'));
  const x = (r?: number) => (r === undefined ? '–' : `${r.toFixed(2)}x`);
  const table = (head: string[], rows: string[][]) => {
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const row of [head, ...rows]) console.log(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  };
  const peers = [...new Set(cases.map((c) => c.peer))];
  console.log(`\nHandshakes per second (median of ${rounds} interleaved rounds of ${budget} ms; every peer uses X25519 and the sandbox's EC P-256 certificate; node:tls uses OpenSSL ${process.versions.openssl})\n`);
  table(['', ...peers], HANDSHAKES.map(({ name }) => [name, ...peers.map((p) => n(rate(name, p)))]));
  for (const s of skipped) console.log(`(${s})`);
  console.log('\nRatios of WASM (untraced) to its peers\n');
  table(['', 'peer', 'native, same C', 'native, 32-bit limbs', 'native, assembly', 'node:tls'],
    ratios.map((r) => [r.case, r.peer, x(r.vsNativeSameCode), x(r.vsNativeReference), x(r.vsNativeAssembly), x(r.vsNodeTls)]));
  console.log('\nCache calls per second (SSL_CTX_remove_session + SSL_CTX_add_session)\n');
  table(['', 'calls/s', 'to in-process'], cacheCalls.map((c) => [c.mode, n(c.callsPerSecond), x(c.callsPerSecond / cacheCalls[0].callsPerSecond)]));
  console.log(`\nWorker round trip of one call (median): ${roundTrip.toFixed(0)} µs`);
  const kb = (b: number) => `${(b / 1024).toFixed(0)} kB`;
  const m = memory.inUse;
  console.log(`\nWASM heap in use over ${memory.iterations} rounds (2 handshakes + remove/add each): start ${kb(m.start)}, `
    + `after warm-up ${kb(m.warm)}, end ${kb(m.end)} (${m.end >= m.warm ? '+' : ''}${kb(m.end - m.warm)}), after reset ${kb(m.disposed)}; heap ${kb(memory.heapSize)}`);
  console.log(`\nA cache of ${n(scale.sessions)} sessions: ${n(scale.bytesPerSession)} bytes each (${kb(scale.bytesPerSession * scale.sessions)}), `
    + `filled in ${scale.fillSeconds} s; remove + add at that size ${n(scale.callsPerSecondFull)} calls/s, with 1,000 cached ${n(scale.callsPerSecondSmall)} `
    + `(${x(scale.callsPerSecondFull / scale.callsPerSecondSmall)})`);
  console.log(`\nStart-up (OpenSSL ${variants[0]}, compiled library, median of ${startup.runs}): a new Node process to its first completed handshake `
    + `${startup.processToHandshakeMs} ms (Node itself ${startup.nodeMs} ms; the library, from import to first handshake, `
    + `${startup.importToHandshakeMs} ms in the same thread, ${startup.importToHandshakeWorkerMs} ms with a worker)`);
  console.log(`\nIn Chromium, navigation to the playground's first possible handshake: ${'skipped' in browserStart
    ? `not measured (${browserStart.skipped})`
    : `(median of ${browserStart.runs}) cold ${browserStart.coldMs} ms (${browserStart.coldRequests} requests), repeat visit ${browserStart.repeatMs} ms (${browserStart.repeatRequests} requests; `
      + `compiled WebAssembly cached for ${browserStart.repeatsWithCompiledWasm} of ${browserStart.runs})`}`);
  console.log('\nModule sizes\n');
  table(['', '.wasm', 'gzipped'], Object.entries(sizes).map(([v, s]) => [v, kb(s.wasmBytes), kb(s.wasmGzipBytes)]));
  for (const { variant, today, other, handshakes } of emscriptens) {
    console.log(`\nOpenSSL ${variant} built with emscripten ${other.emscripten} against ${today.emscripten} (today's)\n`);
    const facts = (m: typeof today) => [kb(m.wasmBytes), kb(m.wasmGzipBytes), m.buildSeconds === undefined ? '–' : `${m.buildSeconds} s`, m.timeBits ? `${m.timeBits}-bit` : '–'];
    table(['emscripten', '.wasm', 'gzipped', 'OpenSSL build', 'time_t'], [[today.emscripten, ...facts(today)], [other.emscripten, ...facts(other)]]);
    console.log('');
    table(['', `${other.emscripten} / ${today.emscripten}`], handshakes.map((h) => [h.case, x(h.ratio)]));
  }
}
