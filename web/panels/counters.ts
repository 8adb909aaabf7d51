// The eleven SSL_CTX_sess_* counters of both contexts; the ones the last step changed are marked
// with by how much (Context.counterChanges()).
import { COUNTERS } from 'openssl-wasm-sandbox';
import type { Snapshot } from '../runtime.js';
import { ROLES } from '../context-settings.js';
import { fill, h } from '../dom.js';

export function renderCounters(body: HTMLElement, snapshot: Snapshot): void {
  const rows = COUNTERS.map((name) => h('tr', {},
    h('th', { scope: 'row' }, h('code', {}, `SSL_CTX_sess_${name}`)),
    ...ROLES.map((role) => {
      const view = snapshot.contexts[role];
      const change = view.changes[name];
      return h('td', { class: change ? 'changed' : '', 'data-testid': `counter-${role}-${name}` },
        String(view.counters[name]), change ? h('span', { class: 'delta' }, ` (${change > 0 ? '+' : ''}${change})`) : null);
    })));
  fill(body, h('table', {},
    h('caption', { class: 'muted' }, 'Changed by the last step: highlighted'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Counter'), ...ROLES.map((r) => h('th', { scope: 'col' }, r)))),
    h('tbody', {}, ...rows)));
}
