// The steps done so far, as the scenario records them, each with a way back to it.
import type { Step } from 'openssl-wasm-sandbox/conformance';
import type { StepRecord } from '../runtime.js';
import { fill, h } from '../dom.js';

/** A step as a person would say it. */
export function describeStep(step: Step): string {
  if ('handshake' in step) {
    const { session, shutdown } = step.handshake;
    return `handshake ${step.as ?? ''}${session ? ` offering ${session}` : ''}${shutdown === 'unclean' ? ', unclean shutdown' : ''}`;
  }
  if ('clock' in step) return step.clock.startsWith('+') ? `clock ${step.clock} s` : `clock set to ${step.clock}`;
  if ('call' in step) return `${step.call}(${(step.args ?? []).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(', ')})${step.as ? ` as ${step.as}` : ''}`;
  return 'expect (not checked here)';
}

export function renderHistory(list: HTMLElement, records: StepRecord[], replay: (steps: number) => void): void {
  if (!records.length) {
    fill(list, h('li', { class: 'empty' }, 'No steps yet.'));
    return;
  }
  fill(list, ...records.map((r, i) => h('li', { class: r.error ? 'error' : '' },
    h('div', {}, h('strong', {}, describeStep(r.step))),
    h('div', { class: 'muted' }, h('code', {}, r.text)),
    i < records.length - 1 ? h('button', { type: 'button', onclick: () => replay(i + 1), 'aria-label': `Replay to step ${i + 1}` }, 'Replay to here') : h('span', { class: 'muted' }, 'current'),
  )));
  list.scrollTop = list.scrollHeight;
}
