// tsx scripts/bench/goals.ts run1.json run2.json … — the performance goals (issue 19's five, then the
// earlier ones docs/performance.md still lists) as a markdown table, each run's figure from the JSON of
// `npm run bench -- --openssl all --json` (text before the JSON, such as npm's banner, is skipped).
import { readFileSync } from 'node:fs';
import { DEFAULT_VARIANT } from '../../src/index.js';
import { HANDSHAKES } from './cases.js';

type Ratios = Partial<Record<'tracedVsUntraced' | 'vsSameModuleCLoop' | 'vsNodeTls', number>>;
interface Bench {
  started: { at: string; load: number[] };
  ended: { at: string; load: number[] };
  variants: string[];
  ratios: Array<{ case: string; peer: string } & Ratios>;
  startup?: { variant: string; processToHandshakeMs: number };
  browserStart?: { coldMs?: number; repeatMs?: number };
  conformance?: { runs: number; failed: number; wallSeconds: number; cpuSeconds: number; runsPerSecond: number };
  sizes: Record<string, { wasmBytes: number; wasmGzipBytes: number }>;
  emscriptens: Array<{ variant: string; today: Toolchain; other: Toolchain; handshakes: Array<{ case: string; ratio?: number }> }>;
}
interface Toolchain { emscripten: string; wasmBytes: number; timeBits?: number }

/** One row: a figure of each run, shown, and held to the target. */
interface Goal { goal: string; target: string; figure: (run: Bench) => number | undefined; show?: (x: number, run: Bench) => string; met: (x: number) => boolean }

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: tsx scripts/bench/goals.ts <bench JSON>…');
const runs = files.map((file) => {
  const text = readFileSync(file, 'utf8');
  return JSON.parse(text.slice(text.search(/^\{/m))) as Bench;
});

const times = (x: number) => `${x.toFixed(2)}x`;
const ms = (x: number) => `${x.toLocaleString('en')} ms`;
const ratio = (name: string, peer: string, key: keyof Ratios) => (run: Bench) => run.ratios.find((r) => r.case === name && r.peer === peer)?.[key];
const atLeast = (min: number) => (x: number) => x >= min;
const atMost = (max: number) => (x: number) => x <= max;
const full: string[] = HANDSHAKES.filter((h) => !h.resume).map((h) => h.name);
const variants = [...new Set(runs.flatMap((r) => r.variants))];

// The traced peer is of one variant (the default where measured).
const traced = runs[0].ratios.find((r) => r.tracedVsUntraced !== undefined)?.peer ?? `WASM ${DEFAULT_VARIANT}`;

const goals: Goal[] = [
  ...HANDSHAKES.map((h): Goal => ({
    goal: `1. Traced / untraced, ${h.name} (${traced}, per CPU second)`, target: '≥ 0.9x',
    figure: ratio(h.name, traced, 'tracedVsUntraced'), show: times, met: atLeast(0.9),
  })),
  ...variants.flatMap((v) => [...full, 'TLS 1.2 session-id resumption'].map((name): Goal => ({
    goal: `2. API / same module's C loop, ${name} (WASM ${v}, per CPU second)`, target: full.includes(name) ? '≥ 0.95x' : '≥ 0.85x',
    figure: ratio(name, `WASM ${v}`, 'vsSameModuleCLoop'), show: times, met: atLeast(full.includes(name) ? 0.95 : 0.85),
  }))),
  {
    goal: `3. \`openssl-sandbox run test/conformance --openssl ${variants.join(',')}\`, wall time`, target: '≤ 30 s',
    figure: (run) => run.conformance?.wallSeconds, met: atMost(30),
    show: (s, run) => `${s} s (${run.conformance!.runs} runs, ${run.conformance!.runsPerSecond}/s, ${run.conformance!.cpuSeconds} s CPU${run.conformance!.failed ? `, ${run.conformance!.failed} failed` : ''})`,
  },
  { goal: '4. Chromium start, cold (median of 7)', target: '≤ 400 ms', figure: (run) => run.browserStart?.coldMs, show: ms, met: atMost(400) },
  { goal: '4. Chromium start, repeat visit (median of 7)', target: '≤ 250 ms', figure: (run) => run.browserStart?.repeatMs, show: ms, met: atMost(250) },
  // Goal 5 asks to adopt the newer emscripten if it is better: faster, no larger; its time_t is a fact to state.
  ...[...new Set(runs.flatMap((r) => r.emscriptens.map((e) => e.variant)))].flatMap((v): Goal[] => {
    const of = (run: Bench) => run.emscriptens.find((e) => e.variant === v);
    return [
      ...HANDSHAKES.map((h): Goal => ({
        goal: `5. Trixie's emscripten / today's, ${h.name} (${v})`, target: '≥ 1.0x to adopt',
        figure: (run) => of(run)?.handshakes.find((c) => c.case === h.name)?.ratio, show: times, met: atLeast(1),
      })),
      { goal: `5. Trixie's emscripten / today's, .wasm size (${v})`, target: '≤ 1.0x to adopt', figure: (run) => of(run) && of(run)!.other.wasmBytes / of(run)!.today.wasmBytes, show: (x) => `${x.toFixed(3)}x`, met: atMost(1) },
      { goal: `5. Trixie's emscripten, time_t (${v})`, target: '64-bit', figure: (run) => of(run)?.other.timeBits, show: (b) => `${b}-bit`, met: atLeast(64) },
    ];
  }),
  // The earlier goals docs/performance.md keeps on its list, set on the default variant.
  ...HANDSHAKES.map((h): Goal => {
    const min = h.resume ? (h.version === 'TLSv1.3' ? 2 : 8) : 0.6;
    return { goal: `Earlier: WASM ${DEFAULT_VARIANT} / node:tls, ${h.name}`, target: `≥ ${min}x`, figure: ratio(h.name, `WASM ${DEFAULT_VARIANT}`, 'vsNodeTls'), show: times, met: atLeast(min) };
  }),
  { goal: 'Earlier: a new Node process to its first handshake', target: '≤ 100 ms', figure: (run) => run.startup?.processToHandshakeMs, show: (x, run) => `${ms(x)} (${run.startup!.variant})`, met: atMost(100) },
  { goal: `Earlier: .wasm size (${DEFAULT_VARIANT})`, target: '≤ 1,200 kB', figure: (run) => run.sizes[DEFAULT_VARIANT] && run.sizes[DEFAULT_VARIANT].wasmBytes / 1024, show: (kb) => `${Math.round(kb).toLocaleString('en')} kB`, met: atMost(1200) },
  { goal: `Earlier: .wasm gzipped (${DEFAULT_VARIANT})`, target: '≤ 500 kB', figure: (run) => run.sizes[DEFAULT_VARIANT] && run.sizes[DEFAULT_VARIANT].wasmGzipBytes / 1024, show: (kb) => `${Math.round(kb).toLocaleString('en')} kB`, met: atMost(500) },
];

const loads = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
console.log(runs.map((r, i) => `- Run ${i + 1} (${files[i]}): ${r.started.at} to ${r.ended.at}, load average ${loads(r.started.load)} at the start, ${loads(r.ended.load)} at the end`).join('\n'));
console.log(`\n| Goal | Target | ${runs.map((_, i) => `Run ${i + 1}`).join(' | ')} | |\n|---|---|${runs.map(() => '---:|').join('')}---|`);
for (const { goal, target, figure, show = String, met } of goals) {
  const figures = runs.map(figure);
  const measured = figures.filter((x): x is number => x !== undefined);
  const verdict = measured.length === 0 ? 'not measured'
    : measured.every(met) ? 'met' : measured.some(met) ? `met in ${measured.filter(met).length} of ${measured.length}` : 'not met';
  console.log(`| ${goal} | ${target} | ${figures.map((x, i) => (x === undefined ? '–' : show(x, runs[i]))).join(' | ')} | ${verdict} |`);
}
