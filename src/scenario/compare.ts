// The version diff: one scenario run on several OpenSSL variants, each step recorded
// (record.ts), and every observation that is not the same on all of them.
import type { Variant } from '../core/module.js';
import type { StepRecord } from './record.js';
import type { ScenarioReport } from './types.js';

/** One observation of one step that differs: its value on each variant. */
export interface Difference {
  /** `result`, `events`, `counters.server`, `cache.server` */
  what: string;
  byVariant: Partial<Record<Variant, string>>;
}

export interface StepComparison {
  step: number;
  /** The step in a few words (StepRecord.what). */
  description: string;
  differences: Difference[];
}

export interface Comparison {
  file?: string;
  title: string;
  variants: Variant[];
  /** Steps where some observation differs, in order; empty when the variants agree. */
  steps: StepComparison[];
  /** Variants on which the scenario did not run to its end (a step threw, a leak), with why. */
  problems: Partial<Record<Variant, string>>;
}

const counterText = (counters: Partial<Record<string, number>> | undefined) =>
  counters === undefined ? '(no context)' : Object.entries(counters).map(([k, v]) => `${k}=${v}`).join(' ') || 'all 0';
const cacheText = (cache: string[] | undefined) =>
  cache === undefined ? '(no context)' : cache.length === 0 ? 'empty' : `${cache.length}: ${cache.join(', ')}`;

/** What each step observed on each variant, as text per observation: `result`, `events`, `counters.<ctx>`, `cache.<ctx>`. */
function observations(record: StepRecord, events: (e: string[]) => string): Map<string, string> {
  const seen = new Map<string, string>();
  if (record.result !== undefined) seen.set('result', record.result);
  seen.set('events', events(record.events));
  for (const ctx of Object.keys(record.counters)) seen.set(`counters.${ctx}`, counterText(record.counters[ctx]));
  for (const ctx of Object.keys(record.cache)) seen.set(`cache.${ctx}`, cacheText(record.cache[ctx]));
  return seen;
}

/** Events that not every variant saw the same number of times: what is left of each list once the common ones are taken out. */
function eventsApart(lists: string[][]): (events: string[]) => string {
  const counts = lists.map((l) => l.reduce((m, e) => m.set(e, (m.get(e) ?? 0) + 1), new Map<string, number>()));
  const common = new Map<string, number>();
  for (const e of new Set(lists.flat())) common.set(e, Math.min(...counts.map((m) => m.get(e) ?? 0)));
  return (events) => {
    const left = new Map(common);
    const own = events.filter((e) => {
      const n = left.get(e) ?? 0;
      left.set(e, n - 1);
      return n <= 0;
    });
    return own.length === 0 ? '(only the common ones)' : own.join('; ');
  };
}

/** Compares one scenario's recorded runs (RunOptions.record), one per variant. */
export function compareReports(reports: ScenarioReport[]): Comparison {
  const ran = reports.filter((r) => !r.skipped);
  const problems: Comparison['problems'] = {};
  for (const r of ran) {
    const broken = r.failures.find((f) => f.step === -1);
    if (broken) problems[r.variant] = `${broken.path}: ${typeof broken.observed === 'string' ? broken.observed : JSON.stringify(broken.observed)}`;
  }
  const stepNumbers = [...new Set(ran.flatMap((r) => (r.record ?? []).map((s) => s.step)))].sort((a, b) => a - b);
  const steps: StepComparison[] = [];
  for (const step of stepNumbers) {
    const records = ran.map((r) => ({ variant: r.variant, record: r.record?.find((s) => s.step === step) }));
    const present = records.filter((r) => r.record) as { variant: Variant; record: StepRecord }[];
    const events = eventsApart(present.map((r) => r.record.events));
    const seen = new Map(present.map((r) => [r.variant, observations(r.record, events)]));
    const keys = [...new Set([...seen.values()].flatMap((m) => [...m.keys()]))];
    const differences: Difference[] = [];
    for (const what of keys) {
      const byVariant = Object.fromEntries(records.map((r) => [r.variant, seen.get(r.variant)?.get(what) ?? '(not reached)']));
      if (new Set(Object.values(byVariant)).size > 1) differences.push({ what, byVariant });
    }
    if (differences.length) steps.push({ step, description: present[0]?.record.what ?? '', differences });
  }
  return { file: reports[0]?.file, title: reports[0]?.title ?? '', variants: ran.map((r) => r.variant), steps, problems };
}

/** The comparisons as text: a table per step that differs, a line per scenario that does not. */
export function formatComparisons(comparisons: Comparison[]): string {
  const out: string[] = [];
  for (const c of comparisons) {
    const name = c.file ?? c.title;
    if (c.steps.length === 0 && Object.keys(c.problems).length === 0) {
      out.push(`= ${name}: the same on ${c.variants.join(', ')}`);
      continue;
    }
    out.push(`≠ ${name}`, `  ${c.title}`);
    for (const [variant, problem] of Object.entries(c.problems)) out.push(`  OpenSSL ${variant} did not finish: ${problem}`);
    for (const s of c.steps) {
      out.push('', `  step ${s.step}: ${s.description}`);
      const rows = [['', ...c.variants.map((v) => `OpenSSL ${v}`)], ...s.differences.map((d) => [d.what, ...c.variants.map((v) => d.byVariant[v] ?? '')])];
      out.push(...table(rows).map((line) => `    ${line}`));
    }
    out.push('');
  }
  const differing = comparisons.filter((c) => c.steps.length > 0).length;
  out.push(`${differing} of ${comparisons.length} scenarios behave differently between variants`);
  return out.join('\n');
}

/** A plain-text table; cells wider than 48 characters wrap within their column. */
function table(rows: string[][]): string[] {
  const WIDTH = 48;
  const wrap = (cell: string) => cell.match(new RegExp(`.{1,${WIDTH}}`, 'g')) ?? [''];
  const widths = rows[0].map((_, i) => Math.min(WIDTH, Math.max(...rows.map((r) => r[i].length))));
  const lines: string[] = [];
  for (const [n, row] of rows.entries()) {
    const cells = row.map(wrap);
    const height = Math.max(...cells.map((c) => c.length));
    for (let k = 0; k < height; k++) lines.push(cells.map((c, i) => (c[k] ?? '').padEnd(widths[i])).join(' │ ').trimEnd());
    if (n === 0) lines.push(widths.map((w) => '─'.repeat(w)).join('─┼─'));
  }
  return lines;
}
