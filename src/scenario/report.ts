// Reporters for scenario runs: pretty (people), tap and junit (CI systems), json (machines).
import type { ScenarioReport } from './types.js';

export type ReporterName = 'pretty' | 'tap' | 'junit' | 'json';
export const REPORTERS: ReporterName[] = ['pretty', 'tap', 'junit', 'json'];

/** How deep a reported value goes; deeper parts (a scenario nested 5,000 levels, say) are cut, so reporting never overflows the stack. */
const MAX_DEPTH = 24;

/** `value` cut below MAX_DEPTH levels (a string says what was cut); depth-bounded itself. */
function shallow(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return `… (nested deeper than ${MAX_DEPTH} levels)`;
  if (Array.isArray(value)) return value.map((v) => shallow(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shallow(v, depth + 1)]));
}

/** A report with its values cut to MAX_DEPTH: what every reporter formats. */
const reportable = (r: ScenarioReport): ScenarioReport => ({
  ...r,
  failures: r.failures.map((f) => ({ ...f, expected: shallow(f.expected), observed: shallow(f.observed) })),
  observations: r.observations.map((o) => ({ ...o, observed: shallow(o.observed) })),
});

/**
 * Text from a scenario file (titles, names, messages) made inert for a line-based output: control
 * characters (newlines, ESC of ANSI and OSC sequences, NUL) shown as escapes instead of acting.
 */
export const printable = (text: string): string =>
  text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const label = (r: ScenarioReport) => printable(`${r.title} [OpenSSL ${r.variant}]${r.file ? ` (${r.file})` : ''}`);
const show = (v: unknown) => JSON.stringify(v);
const failureLines = (r: ScenarioReport) => r.failures.map((f) =>
  printable(`step ${f.step}: ${f.path}: expected ${show(f.expected)}, observed ${show(f.observed)}${f.message ? ` (${f.message})` : ''}`));

export function summary(reports: ScenarioReport[]) {
  const skipped = reports.filter((r) => r.skipped).length;
  const failed = reports.filter((r) => !r.ok).length;
  return { passed: reports.length - failed - skipped, failed, skipped };
}

/** The reports in `reporter`'s format, each title and value escaped for it, whatever a scenario file holds. */
export function format(all: ScenarioReport[], reporter: ReporterName): string {
  const reports = all.map(reportable);
  const { passed, failed, skipped } = summary(reports);
  switch (reporter) {
    case 'json':
      return JSON.stringify({ passed, failed, skipped, reports }, null, 2);
    case 'tap':
      return ['TAP version 13', `1..${reports.length}`, ...reports.flatMap((r, i) => [
        // '#' starts a TAP directive: a title's own is escaped.
        `${r.ok ? 'ok' : 'not ok'} ${i + 1} - ${label(r).replace(/#/g, '\\#')}${r.skipped ? ` # SKIP ${printable(r.note ?? 'not for this variant')}` : ''}`,
        ...(r.ok ? [] : ['  ---', ...failureLines(r).map((l) => `  - ${show(l)}`), '  ...']),
      ])].join('\n');
    case 'junit': {
      // XML 1.0 cannot carry most control characters even as references: printable() shows them as escapes.
      const esc = (s: string) => printable(s).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
      const cases = reports.map((r) => `  <testcase classname="${esc(`OpenSSL ${r.variant}`)}" name="${esc(r.title)}" time="${r.durationMs / 1000}">`
        + (r.skipped ? '<skipped/>' : r.ok ? '' : `<failure message="${esc(failureLines(r)[0] ?? 'failed')}">${failureLines(r).map(esc).join('\n')}</failure>`)
        + '</testcase>');
      return ['<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuite name="openssl-sandbox" tests="${reports.length}" failures="${failed}" skipped="${skipped}">`, ...cases, '</testsuite>'].join('\n');
    }
    case 'pretty':
      return [...reports.filter((r) => !r.skipped || r.note).map((r) => [
        r.skipped ? `○ ${label(r)}: ${printable(r.note ?? '')}` : `${r.ok ? '✓' : '✗'} ${label(r)}`, ...failureLines(r).map((l) => `    ${l}`)].join('\n')),
        '', `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`].join('\n');
  }
}
