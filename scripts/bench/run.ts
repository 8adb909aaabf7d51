// npm run bench [-- --json] [--openssl 3.5|3.0|all] [--rounds N] [--ms N] [--soak N] [--scale N]
//   [--cases tls13-full,tls13-resumption,tls12-full,tls12-resumption] [--peers WORD,…] [--handshakes-only]
// Handshakes per second in WASM, native OpenSSL (same version, same source) and node:tls, in
// interleaved rounds (so that machine noise hits all alike), reported as medians and as ratios;
// then cache calls through the worker, the heap over a long run, a large cache, start-up and sizes.
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { root } from '../../scripts/lib/util.mjs';
import { DEFAULT_VARIANT, VARIANTS, createSandbox, type Variant } from '../../src/index.js';
import { cacheCallFigures, roundTripMicros } from './cache-calls.js';
import { HANDSHAKES, type Case, type Sampler } from './cases.js';
import { conformanceFigures } from './conformance.js';
import { memoryFigures } from './memory.js';
import { nativeCases, nativePeer } from './native.js';
import { nodeTlsCases } from './node-tls.js';
import { sameModuleCases, sameModulePeer } from './same-module.js';
import { scaleFigures } from './scale.js';
import { browserStartFigures } from './browser-start.js';
import { startupFigures } from './startup.js';
import { todayFacts, toolchainCases } from './toolchain.js';
import { wasmCases } from './wasm.js';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    openssl: { type: 'string', default: process.env.OPENSSL ?? '3.5' },
    rounds: { type: 'string', default: '5' },
    ms: { type: 'string', default: '400' },
    soak: { type: 'string', default: '5000' },
    scale: { type: 'string', default: '100000' },
    // While iterating: some handshakes (scripts/bench/handshakes.c's names), the peers whose names hold one of the words, nothing else.
    cases: { type: 'string' },
    peers: { type: 'string' },
    'handshakes-only': { type: 'boolean', default: false },
  },
});
const variants = (args.openssl === 'all' ? VARIANTS : [args.openssl]) as Variant[];
// The variant of the figures measured on one variant only (the traced peer, start-up, the cache calls, the
// heap, the large cache): the default one where it is measured, so that runs with and without --openssl all agree.
const focus = variants.includes(DEFAULT_VARIANT) ? DEFAULT_VARIANT : variants[0];
// With --json, stdout is the JSON alone: whatever else would print there (a build's steps) goes to stderr.
const print = console.log;
if (args.json) console.log = console.error;
const rounds = Number(args.rounds);
const budget = Number(args.ms);
const progress = (text: string) => { if (!args.json) process.stderr.write(text); };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const handshakes = HANDSHAKES.filter((h) => !args.cases || args.cases.split(',').includes(h.native));
const peerWords = args.peers?.split(',');
const wanted = (peer: string) => !peerWords || peerWords.some((w) => peer.includes(w));
const measured = (c: Case) => handshakes.some((h) => h.name === c.name) && wanted(c.peer);
const full = !args['handshakes-only'];
// The machine's load average (1, 5, 15 minutes) when the run starts and ends: others' work moves every figure.
const load = () => loadavg().map((l) => Number(l.toFixed(2)));
const started = { at: new Date().toISOString(), load: load() };

// Start-up first, in processes and browsers of their own, before this process holds anything (its
// Vite server serves the playground: a large heap here would slow the page's start).
if (full) progress('start-up\n');
const startup = full ? await startupFigures(focus) : undefined;
const browserStart = full ? await browserStartFigures() : undefined;
// The conformance catalog on the measured variants, as `openssl-sandbox run` runs it (all the cores).
if (full) progress('conformance catalog\n');
const conformance = full ? await conformanceFigures(variants) : undefined;

// WASM in this thread (the worker's cost is measured on its own below), without and with the trace.
const plain = await Promise.all(variants.map((openssl) => createSandbox({ openssl, worker: false, trace: false })));
const traced = await createSandbox({ openssl: focus, worker: false });
// One variant after another: a native OpenSSL not yet built is built here, and two builds at once would take the machine from everyone else.
const natives: Awaited<ReturnType<typeof nativeCases>>[] = [];
for (const v of variants) natives.push(await nativeCases(v, wanted));
// The same module's C loop, in this thread: what the sandbox's TypeScript layer costs.
// Linked one variant after another: five links at once would take the machine from everyone else.
const loops: Awaited<ReturnType<typeof sameModuleCases>>[] = [];
for (const v of variants) if (wanted(sameModulePeer(v))) loops.push(await sameModuleCases(v));
// The same variants' modules built with another emscripten, where built (toolchain.ts).
const toolchains = toolchainCases(variants);
const cases: Case[] = [
  ...plain.flatMap((sb) => wasmCases(sb, `WASM ${sb.variant}`)), ...toolchains.cases, ...wasmCases(traced, `WASM ${traced.variant} traced`),
  ...loops.flatMap((l) => l.cases), ...natives.flatMap((n) => n.cases), ...nodeTlsCases(await plain[0].serverCredentials()),
].filter(measured);
// The garbage collector's pauses: the time of the 'gc' entries, added up for each case below.
let gcMs = 0;
const gcObserver = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; });
gcObserver.observe({ entryTypes: ['gc'] });
const samplers = new Map<Case, Sampler>();
for (const c of cases) samplers.set(c, await c.prepare());
const samples = new Map<Case, number[]>(cases.map((c) => [c, []]));
// The garbage collector's pauses and the CPU time of each case over all its samples (a handshake makes
// little garbage: a sample of 400 ms may see no collection, so no sample's share on its own tells).
const gcTotals = new Map<Case, { gcMs: number; cpuMs: number }>(cases.map((c) => [c, { gcMs: 0, cpuMs: 0 }]));
// Per second of this process's CPU time, for the peers in this thread: on a machine others share, the
// ratios between them move far less than per second of wall time (a busy machine takes turns away).
const cpuSamples = new Map<Case, number[]>(cases.map((c) => [c, []]));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
for (let r = 1; r <= rounds; r++) {
  progress(`round ${r}/${rounds} `);
  for (const c of cases) {
    await nextTurn(); // the previous sample's 'gc' entries first
    const [gcBefore, start, cpu] = [gcMs, performance.now(), process.cpuUsage()];
    const perSecond = await samplers.get(c)!(budget);
    const [wallMs, { user, system }] = [performance.now() - start, process.cpuUsage(cpu)];
    samples.get(c)!.push(perSecond);
    cpuSamples.get(c)!.push(perSecond * (wallMs * 1000) / (user + system));
    // 'gc' entries arrive after the collection, some turns of the event loop later.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const totals = gcTotals.get(c)!;
    totals.gcMs += gcMs - gcBefore;
    totals.cpuMs += (user + system) / 1000;
    progress('.');
  }
  progress('\n');
}
gcObserver.disconnect();
await Promise.all([...plain, traced].map((sb) => sb.dispose()));
toolchains.stop();

// (The other-emscripten peers run in processes of their own.)
const inProcess = (peer: string) => (peer.startsWith('WASM') && !toolchains.cases.some((c) => c.peer === peer)) || peer === 'node:tls';
const results = cases.map((c) => ({
  case: c.name, peer: c.peer, perSecond: Math.round(median(samples.get(c)!)),
  ...(inProcess(c.peer) ? { perCpuSecond: Math.round(median(cpuSamples.get(c)!)), gcShare: Number((gcTotals.get(c)!.gcMs / gcTotals.get(c)!.cpuMs).toFixed(3)) } : {}),
}));
const rate = (name: string, peer: string) => results.find((r) => r.case === name && r.peer === peer)?.perSecond;
const cpuRate = (name: string, peer: string) => results.find((r) => r.case === name && r.peer === peer)?.perCpuSecond;
const ratio = (a?: number, b?: number) => (a && b ? Number((a / b).toFixed(2)) : undefined);
const ratios = variants.flatMap((v) => handshakes.map(({ name }) => ({
  case: name, peer: `WASM ${v}`,
  // The sandbox against itself, all in this thread: per second of CPU time.
  ...(v === traced.variant ? { tracedVsUntraced: ratio(cpuRate(name, `WASM ${v} traced`), cpuRate(name, `WASM ${v}`)) } : {}),
  vsSameModuleCLoop: ratio(cpuRate(name, `WASM ${v}`), cpuRate(name, sameModulePeer(v))),
  vsNativeSameCode: ratio(rate(name, `WASM ${v}`), rate(name, nativePeer(v, 'same-code'))),
  vsNativeReference: ratio(rate(name, `WASM ${v}`), rate(name, nativePeer(v, 'reference'))),
  vsNativeAssembly: ratio(rate(name, `WASM ${v}`), rate(name, nativePeer(v, 'platform'))),
  vsNodeTls: ratio(rate(name, `WASM ${v}`), rate(name, 'node:tls')),
})));

if (full) progress('cache calls ');
const cacheCalls = full ? await cacheCallFigures(focus, budget * 2) : undefined;
const roundTrip = full ? await roundTripMicros(focus) : undefined;
if (full) progress('\nsoak ');
const memory = full ? await memoryFigures(focus, Number(args.soak)) : undefined;
if (full) progress('\nlarge cache ');
const scale = full ? await scaleFigures(focus, Number(args.scale), budget * 2) : undefined;
if (full) progress('\n');
// Every module built here (npm run bench builds the variants it measures).
const sizes = Object.fromEntries(VARIANTS.filter((v) => existsSync(`${root}/wasm/dist/${v}/versions.json`)).map((v) => {
  const { wasmBytes, wasmGzipBytes } = JSON.parse(readFileSync(`${root}/wasm/dist/${v}/versions.json`, 'utf8'));
  return [v, { wasmBytes, wasmGzipBytes }];
}));
const skipped = [...[...natives, ...loops].map((n) => n.skipped).filter(Boolean), ...toolchains.skipped];
// Each other emscripten's module against today's: handshakes per second, size, build time, time_t.
const emscriptens = await Promise.all(toolchains.modules.map(async (other) => {
  const today = await todayFacts(other.variant);
  return {
    variant: other.variant, today, other,
    handshakes: handshakes.map(({ name }) => ({
      case: name, ratio: ratio(rate(name, `WASM ${other.variant}, emscripten ${other.emscripten}`), rate(name, `WASM ${other.variant}`)),
    })),
  };
}));

if (args.json) {
  // Each figure of one variant says which (`variant`); the playground starts on the default variant.
  const of = <T extends object>(variant: Variant, figures?: T) => figures && { variant, ...figures };
  print(JSON.stringify({
    started, ended: { at: new Date().toISOString(), load: load() },
    node: process.versions.node, nodeOpenSSL: process.versions.openssl, rounds, msPerSample: budget, variants, skipped,
    results, ratios, cacheCalls: of(focus, cacheCalls && { modes: cacheCalls, workerRoundTripMicros: Number(roundTrip!.toFixed(1)) }),
    memory: of(focus, memory), scale: of(focus, scale), startup: of(focus, startup), browserStart: of(DEFAULT_VARIANT, browserStart),
    conformance, sizes, emscriptens,
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
  table(['', ...peers], handshakes.map(({ name }) => [name, ...peers.map((p) => n(rate(name, p)))]));
  for (const s of skipped) console.log(`(${s})`);
  console.log('\nRatios of WASM (untraced) to its peers\n');
  table(['', 'peer', 'native, same C', 'native, 32-bit limbs', 'native, assembly', 'node:tls'],
    ratios.map((r) => [r.case, r.peer, x(r.vsNativeSameCode), x(r.vsNativeReference), x(r.vsNativeAssembly), x(r.vsNodeTls)]));
  console.log('\nThe sandbox against itself (handshakes per second of this process\'s CPU time)\n');
  const inProcessPeers = peers.filter(inProcess);
  table(['', ...inProcessPeers], handshakes.map(({ name }) => [name, ...inProcessPeers.map((p) => n(cpuRate(name, p)))]));
  console.log('\nand as ratios: traced to untraced, and the API to the same module\'s C loop (untraced)\n');
  table(['', 'peer', 'traced / untraced', 'API / C loop'], ratios.map((r) => [r.case, r.peer, x(r.tracedVsUntraced), x(r.vsSameModuleCLoop)]));
  const pct = (share?: number) => (share === undefined ? '–' : `${(share * 100).toFixed(1)}%`);
  console.log('\nThe garbage collector\'s pauses as a share of the CPU time (all samples)\n');
  table(['', ...inProcessPeers], handshakes.map(({ name }) => [name, ...inProcessPeers.map((p) => pct(results.find((r) => r.case === name && r.peer === p)?.gcShare))]));
  // The rest of the run (the cache calls, the heap, start-up and sizes), unless only handshakes were asked for.
  if (cacheCalls && roundTrip !== undefined && memory && scale && startup && browserStart) {
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
    console.log(`\nStart-up (OpenSSL ${focus}, compiled library, median of ${startup.runs}): a new Node process to its first completed handshake `
      + `${startup.processToHandshakeMs} ms (Node itself ${startup.nodeMs} ms; the library, from import to first handshake, `
      + `${startup.importToHandshakeMs} ms in the same thread, ${startup.importToHandshakeWorkerMs} ms with a worker)`);
    console.log(`\nIn Chromium, navigation to the playground's first possible handshake: ${'skipped' in browserStart
      ? `not measured (${browserStart.skipped})`
      : `(median of ${browserStart.runs}) cold ${browserStart.coldMs} ms (${browserStart.coldRequests} requests), repeat visit ${browserStart.repeatMs} ms `
        + `(${browserStart.repeatRequests} requests; compiled WebAssembly cached for ${browserStart.repeatsWithCompiledWasm} of ${browserStart.runs})`}`);
    if (conformance) {
      console.log(`\nThe conformance catalog (openssl-sandbox run test/conformance --openssl ${variants.join(',')}): ${n(conformance.runs)} runs `
        + `(${conformance.failed} failed) in ${conformance.wallSeconds} s of wall time, ${conformance.cpuSeconds} s of CPU, ${conformance.runsPerSecond} runs per second`);
    }
    console.log('\nModule sizes\n');
    table(['', '.wasm', 'gzipped'], Object.entries(sizes).map(([v, s]) => [v, kb(s.wasmBytes), kb(s.wasmGzipBytes)]));
  }
  for (const { variant, today, other, handshakes: compared } of emscriptens) {
    console.log(`\nOpenSSL ${variant} built with emscripten ${other.emscripten} against ${today.emscripten} (today's)\n`);
    const kb = (b: number) => `${(b / 1024).toFixed(0)} kB`;
    const facts = (m: typeof today) => [kb(m.wasmBytes), kb(m.wasmGzipBytes), m.buildSeconds === undefined ? '–' : `${m.buildSeconds} s`, m.timeBits ? `${m.timeBits}-bit` : '–'];
    table(['emscripten', '.wasm', 'gzipped', 'OpenSSL build', 'time_t'], [[today.emscripten, ...facts(today)], [other.emscripten, ...facts(other)]]);
    console.log('');
    table(['', `${other.emscripten} / ${today.emscripten}`], compared.map((h) => [h.case, x(h.ratio)]));
  }
}
