// The eleven SSL_CTX_sess_* counters of every context; the ones the last step changed are marked
// with by how much (Context.counterChanges()).
import { COMPATIBILITY_SESSION_ID, COUNTERS, type MessageEvent } from 'openssl-wasm-sandbox';
import type { Snapshot } from '../runtime.js';
import { fill, h } from '../dom.js';
import { compatibilitySessionIds } from './sequence.js';

/**
 * A TLS 1.2 server looks up the session id of every ClientHello: the random compatibility id of a
 * TLS 1.3-capable client's full handshake is a miss. The note names it when the last step's
 * handshake sent one to a TLS 1.2 server (a TLS 1.3 server never looks it up) and a miss was counted.
 */
function compatibilityMiss(snapshot: Snapshot): string | undefined {
  const since = snapshot.records.at(-1)?.eventsFrom ?? Infinity;
  const ids = compatibilitySessionIds(snapshot.events);
  const tls12 = snapshot.events.some((e): e is MessageEvent => e.kind === 'message' && e.seq > since && e.type === 'ServerHello' && ids.has(e.connection)
    && !(e.fields.extensions as { type: string }[] | undefined)?.some((x) => x.type === 'supported_versions'));
  const missed = Object.entries(snapshot.contexts).filter(([, view]) => (view.changes.misses ?? 0) > 0).map(([name]) => name);
  if (!tls12 || !missed.length) return undefined;
  return `${missed.join(', ')}: the miss is the client's ${COMPATIBILITY_SESSION_ID}.`;
}

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
    h('tbody', {}, ...rows)),
    ...[compatibilityMiss(snapshot)].filter(Boolean).map((note) => h('p', { class: 'note', 'data-testid': 'compatibility-miss' }, note)));
}
