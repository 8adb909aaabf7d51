// Reporters for scenario runs: pretty (people), tap and junit (CI systems), json (machines).
import type { ScenarioReport } from './types.js';

export type ReporterName = 'pretty' | 'tap' | 'junit' | 'json';
export const REPORTERS: ReporterName[] = ['pretty', 'tap', 'junit', 'json'];

const label = (r: ScenarioReport) => `${r.title} [OpenSSL ${r.variant}]${r.file ? ` (${r.file})` : ''}`;
const show = (v: unknown) => JSON.stringify(v);
const failureLines = (r: ScenarioReport) => r.failures.map((f) =>
  `step ${f.step}: ${f.path}: expected ${show(f.expected)}, observed ${show(f.observed)}${f.message ? ` (${f.message})` : ''}`);

export function summary(reports: ScenarioReport[]) {
  const skipped = reports.filter((r) => r.skipped).length;
  const failed = reports.filter((r) => !r.ok).length;
  return { passed: reports.length - failed - skipped, failed, skipped };
}

export function format(reports: ScenarioReport[], reporter: ReporterName): string {
  const { passed, failed, skipped } = summary(reports);
  switch (reporter) {
    case 'json':
      return JSON.stringify({ passed, failed, skipped, reports }, null, 2);
    case 'tap':
      return ['TAP version 13', `1..${reports.length}`, ...reports.flatMap((r, i) => [
        `${r.ok ? 'ok' : 'not ok'} ${i + 1} - ${label(r)}${r.skipped ? ` # SKIP ${r.note ?? 'not for this variant'}` : ''}`,
        ...(r.ok ? [] : ['  ---', ...failureLines(r).map((l) => `  - ${show(l)}`), '  ...']),
      ])].join('\n');
    case 'junit': {
      const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
      const cases = reports.map((r) => `  <testcase classname="${esc(`OpenSSL ${r.variant}`)}" name="${esc(r.title)}" time="${r.durationMs / 1000}">`
        + (r.skipped ? '<skipped/>' : r.ok ? '' : `<failure message="${esc(failureLines(r)[0] ?? 'failed')}">${esc(failureLines(r).join('\n'))}</failure>`)
        + '</testcase>');
      return ['<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuite name="openssl-sandbox" tests="${reports.length}" failures="${failed}" skipped="${skipped}">`, ...cases, '</testsuite>'].join('\n');
    }
    case 'pretty':
      return [...reports.filter((r) => !r.skipped || r.note).map((r) => [
        r.skipped ? `○ ${label(r)}: ${r.note}` : `${r.ok ? '✓' : '✗'} ${label(r)}`, ...failureLines(r).map((l) => `    ${l}`)].join('\n')),
        '', `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`].join('\n');
  }
}
