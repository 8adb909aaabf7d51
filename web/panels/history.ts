// The steps done so far, as the scenario records them, each with a way back to it.
import type { Step } from 'openssl-wasm-sandbox/conformance';
import type { StepRecord } from '../runtime.js';
import { fill, h } from '../dom.js';
import { renderResult } from './result.js';

/** A step as a person would say it. */
export function describeStep(step: Step): string {
  if ('handshake' in step) {
    const { session, shutdown } = step.handshake;
    return `handshake ${step.as ?? ''}${session ? ` offering ${session}` : ''}${shutdown === 'unclean' ? ', unclean shutdown' : ''}`;
  }
  if ('clock' in step) return step.clock.startsWith('+') ? `clock ${step.clock} s` : `clock set to ${step.clock}`;
  if ('call' in step) return `${step.call}(${(step.args ?? []).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ')})${step.as ? ` as ${step.as}` : ''}`;
  return 'check the state';
}

/**
 * The steps run so far, each with a way back to it, then the steps past the cursor (undone or
 * replayed past), greyed, each with a way forward to it.
 */
export function renderHistory(list: HTMLElement, records: StepRecord[], ahead: Step[], replay: (steps: number) => void): void {
  if (!records.length && !ahead.length) {
    fill(list, h('li', { class: 'empty' }, 'No steps yet.'));
    return;
  }
  const last = records.length + ahead.length;
  const to = (n: number) => h('button', { type: 'button', onclick: () => replay(n) }, `Replay to step ${n}`);
  fill(list,
    ...records.map((r, i) => h('li', { class: r.error ? 'error' : '', 'aria-current': i === records.length - 1 ? 'step' : null },
      h('div', {}, h('strong', {}, describeStep(r.step))),
      h('div', {}, renderResult(r)),
      i < records.length - 1 ? to(i + 1) : h('span', { class: 'muted' }, 'current'))),
    ...ahead.map((step, i) => h('li', { class: 'ahead', 'data-testid': 'ahead-step' },
      h('div', {}, h('strong', {}, describeStep(step))),
      h('div', { class: 'muted' }, records.length + i + 1 === last ? 'not run: Redo or replay to it' : 'not run'),
      to(records.length + i + 1))));
  // The current step in view inside the list, without scrolling the page.
  const current = list.querySelector<HTMLElement>('[aria-current]');
  list.scrollTop = current ? current.offsetTop - list.offsetTop - list.clientHeight / 2 : 0;
}
