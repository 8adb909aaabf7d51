// The eleven SSL_CTX_sess_* counters of every context; the ones the last step changed are marked
// with by how much (Context.counterChanges()).
import { COUNTERS } from 'openssl-wasm-sandbox';
import type { Snapshot } from '../runtime.js';
import { fill, h } from '../dom.js';

export function renderCounters(body: HTMLElement, snapshot: Snapshot): void {
  const rows = COUNTERS.map((counter) => h('tr', {},
    h('th', { scope: 'row' }, h('code', {}, `SSL_CTX_sess_${counter}`)),
    ...Object.entries(snapshot.contexts).map(([name, view]) => {
      const change = view.changes[counter];
      return h('td', { class: change ? 'changed' : '', 'data-testid': `counter-${name}-${counter}` },
        String(view.counters[counter]), change ? h('span', { class: 'delta' }, ` (${change > 0 ? '+' : ''}${change})`) : null);
    })));
  fill(body, h('table', {},
    h('caption', { class: 'muted' }, 'Changed by the last step: highlighted'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Counter'), ...Object.keys(snapshot.contexts).map((r) => h('th', { scope: 'col' }, r)))),
    h('tbody', {}, ...rows)));
}
