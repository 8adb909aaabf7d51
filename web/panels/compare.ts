// The steps so far on every OpenSSL variant, side by side where they differ (the conformance
// runner's compareReports(), as `openssl-sandbox compare` prints it): a table per step.
import type { Comparison } from 'openssl-wasm-sandbox/conformance';
import { fill, h } from '../dom.js';

export function renderComparison(body: HTMLElement, comparison: Comparison, describe: (step: number) => string): void {
  const { variants, steps, problems } = comparison;
  const unfinished = Object.entries(problems).map(([variant, problem]) => h('p', { class: 'error' }, `OpenSSL ${variant} did not finish: ${problem}`));
  if (!steps.length) {
    fill(body, ...unfinished, h('p', { 'data-testid': 'compare-same' }, `The same on ${variants.map((v) => `OpenSSL ${v}`).join(', ')}: every result, event, counter and cache.`));
    return;
  }
  fill(body, ...unfinished,
    h('p', {}, `${steps.length} step${steps.length === 1 ? '' : 's'} behave differently on ${variants.map((v) => `OpenSSL ${v}`).join(', ')}.`),
    ...steps.map((s) => h('table', { class: 'compare', 'data-testid': 'compare-step' },
      h('caption', {}, `Step ${s.step + 1}: ${describe(s.step)}`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), ...variants.map((v) => h('th', { scope: 'col' }, `OpenSSL ${v}`)))),
      h('tbody', {}, ...s.differences.map((d) => h('tr', {},
        h('th', { scope: 'row' }, h('code', {}, d.what)),
        ...variants.map((v) => h('td', {}, h('code', {}, d.byVariant[v] ?? '')))))))));
}
