// npm run bench [-- --json] [--openssl 3.5|3.0|all] [--rounds N] [--ms N]
// Handshakes per second in WASM and with node:tls, in interleaved rounds (so that machine
// noise hits both alike), reported as medians and as the ratio WASM / node:tls.
import { parseArgs } from 'node:util';
import { VARIANTS, createSandbox, type Variant } from '../../src/index.js';
import { cacheCallFigures, roundTripMicros } from './cache-calls.js';
import type { Case } from './cases.js';
import { memoryFigures } from './memory.js';
import { nodeTlsCases } from './node-tls.js';
import { wasmCases } from './wasm.js';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    openssl: { type: 'string', default: process.env.OPENSSL ?? '3.5' },
    rounds: { type: 'string', default: '5' },
    ms: { type: 'string', default: '400' },
    soak: { type: 'string', default: '5000' },
  },
});
const variants = (args.openssl === 'all' ? VARIANTS : [args.openssl]) as Variant[];
const rounds = Number(args.rounds);
const budget = Number(args.ms);
const progress = (text: string) => { if (!args.json) process.stderr.write(text); };

async function rate(op: () => Promise<void>): Promise<number> {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < budget) {
    await op();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// In this thread: the handshake figures measure OpenSSL in WASM; the worker's cost is measured on its own below.
const sandboxes = await Promise.all(variants.map((openssl) => createSandbox({ openssl, worker: false })));
const cases: Case[] = [...sandboxes.flatMap(wasmCases), ...nodeTlsCases(await sandboxes[0].serverCredentials())];
const ops = new Map<Case, () => Promise<void>>();
for (const c of cases) {
  const op = await c.setup();
  for (let i = 0; i < 20; i++) await op(); // warm-up
  ops.set(c, op);
}
const samples = new Map<Case, number[]>(cases.map((c) => [c, []]));
for (let r = 1; r <= rounds; r++) {
  progress(`round ${r}/${rounds} `);
  for (const c of cases) {
    samples.get(c)!.push(await rate(ops.get(c)!));
    progress('.');
  }
  progress('\n');
}

const results = cases.map((c) => ({ case: c.name, peer: c.peer, perSecond: Math.round(median(samples.get(c)!)) }));
const peerRate = (name: string) => results.find((r) => r.case === name && r.peer === 'node:tls')!.perSecond;
const rows = results.filter((r) => r.peer !== 'node:tls').map((r) => ({
  ...r, nodeTls: peerRate(r.case), ratio: Number((r.perSecond / peerRate(r.case)).toFixed(2)),
}));

progress('cache calls ');
const cacheCalls = await cacheCallFigures(budget * 2);
const roundTrip = await roundTripMicros();
progress('\nsoak ');
const memory = await memoryFigures(Number(args.soak));
progress('\n');

if (args.json) {
  console.log(JSON.stringify({
    node: process.versions.node, nodeOpenSSL: process.versions.openssl, rounds, msPerSample: budget,
    results: rows, cacheCalls, workerRoundTripMicros: Number(roundTrip.toFixed(1)), memory,
  }, null, 2));
} else {
  console.log(`\nHandshakes per second (median of ${rounds} interleaved rounds of ${budget} ms; node:tls uses OpenSSL ${process.versions.openssl})\n`);
  const line = (cols: string[]) => console.log(cols.map((c, i) => (i === 0 ? c.padEnd(32) : c.padStart(12))).join(''));
  line(['case', 'peer', 'WASM/s', 'node:tls/s', 'ratio']);
  for (const r of rows) line([r.case, r.peer, r.perSecond.toLocaleString('en'), r.nodeTls.toLocaleString('en'), `${r.ratio.toFixed(2)}x`]);
  const inProcess = cacheCalls[0].callsPerSecond;
  console.log(`\nCache calls per second (SSL_CTX_remove_session + SSL_CTX_add_session), ratio to in-process\n`);
  for (const c of cacheCalls) line([c.mode, '', c.callsPerSecond.toLocaleString('en'), '', `${(c.callsPerSecond / inProcess).toFixed(2)}x`]);
  console.log(`\nWorker round trip of one call (median): ${roundTrip.toFixed(0)} µs`);
  const kb = (n: number) => `${(n / 1024).toFixed(0)} kB`;
  const m = memory.inUse;
  console.log(`\nWASM heap in use over ${memory.iterations} rounds (2 handshakes + remove/add each): start ${kb(m.start)}, `
    + `after warm-up ${kb(m.warm)}, end ${kb(m.end)} (${m.end >= m.warm ? '+' : ''}${kb(m.end - m.warm)}), after reset ${kb(m.disposed)}; heap ${kb(memory.heapSize)}`);
}
await Promise.all(sandboxes.map((sb) => sb.dispose()));
