// A step's result as C printed it, coloured by what it means and followed by the manual's
// sentence for it (C_RESULTS): a 0 from SSL_CTX_remove_session reads "not found in the cache".
import { explainResult } from 'openssl-wasm-sandbox';
import type { StepRecord } from '../runtime.js';
import { h } from '../dom.js';

/** `good`, `bad` or `neutral` (a count, a previous setting), or `error` when the step failed. */
export function resultClass(record: StepRecord): string {
  if (record.error) return 'error';
  if (record.check?.length) return 'bad';
  const meaning = 'call' in record.step ? explainResult(record.step.call, record.result) : undefined;
  return meaning?.ok === true ? 'good' : meaning?.ok === false ? 'bad' : 'neutral';
}

export function renderResult(record: StepRecord, attrs: Record<string, string> = {}): HTMLElement {
  const meaning = 'call' in record.step && !record.error ? explainResult(record.step.call, record.result) : undefined;
  return h('output', { ...attrs, class: `result ${resultClass(record)}` },
    h('code', {}, record.text),
    meaning ? h('span', { class: 'meaning', 'data-testid': 'result-meaning' }, ` ${meaning.means} `, h('cite', {}, meaning.page)) : null,
    record.check ? renderCheck(record.check) : null);
}

/** A step's expectation, kept from the lesson or scenario it came from: held, or what did not. */
function renderCheck(failed: string[]): HTMLElement {
  return h('span', { class: `expectation ${failed.length ? 'failed' : 'held'}`, 'data-testid': 'check', 'data-held': String(!failed.length) },
    failed.length ? `✗ check failed: ${failed.join('; ')}` : '✓ check held');
}
