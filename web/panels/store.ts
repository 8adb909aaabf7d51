// The named external stores that contexts' shared session callbacks use (Sandbox.externalStores()):
// each entry with the context that stored it, and the get callbacks' lookups, hit or miss, from the
// event log. The action that makes the servers share one is in main.ts (shareStoreSteps).
import type { CallEvent, CallbackEvent } from 'openssl-wasm-sandbox';
import type { Snapshot } from '../runtime.js';
import { COMPATIBILITY_SESSION_ID } from 'openssl-wasm-sandbox';
import { fill, h, shortId } from '../dom.js';
import { compatibilitySessionIds } from './sequence.js';

/** The store the playground's "share" action names. */
export const SHARED_STORE = 'shared';
const SET_CALLS = ['SSL_CTX_sess_set_new_cb', 'SSL_CTX_sess_set_get_cb', 'SSL_CTX_sess_set_remove_cb'];

/** The contexts (scenario names) whose new, get and remove callbacks all use `store` now, by the latest set calls in the log. */
export function sharingContexts(snapshot: Snapshot, store = SHARED_STORE): string[] {
  const latest = new Map<string, CallEvent>();
  for (const e of snapshot.events) if (e.kind === 'call' && SET_CALLS.includes(e.call)) latest.set(`${e.call} ${e.args[0]}`, e);
  return Object.entries(snapshot.contexts).filter(([, view]) => SET_CALLS.every((call) => latest.get(`${call} ${view.name}`)?.store === store))
    .map(([name]) => name);
}

export function renderStore(body: HTMLElement, snapshot: Snapshot): void {
  const scenarioName = new Map(Object.entries(snapshot.contexts).map(([name, view]) => [view.name, name]));
  const who = (cName: string) => `${scenarioName.get(cName) ?? '?'} (${cName})`;
  const stores = Object.entries(snapshot.stores);
  body.dataset.count = String(stores.reduce((n, [, entries]) => n + entries.length, 0));
  if (!stores.length) {
    fill(body, h('p', { class: 'empty' }, 'No context uses an external store. With two servers, share one: their new, get and remove callbacks then put, look up and forget sessions in it.'));
    return;
  }
  const lookups = snapshot.events.filter((e): e is CallbackEvent => e.kind === 'callback' && e.callback === 'get_session' && e.store !== undefined);
  const compatibility = new Set(compatibilitySessionIds(snapshot.events).values());
  const ticketed = sharingContexts(snapshot).filter((name) => snapshot.contexts[name].role === 'server'
    && !(snapshot.contexts[name].settings.options ?? []).includes('SSL_OP_NO_TICKET'));
  fill(body,
    ...stores.map(([store, entries]) => h('table', { 'data-testid': `store-${store}` },
      h('caption', {}, `Store "${store}": ${entries.length} session${entries.length === 1 ? '' : 's'} (i2d_SSL_SESSION's DER, by id)`),
      h('thead', {}, h('tr', {}, ...['Id', 'Stored by', 'DER', 'Hits'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...entries.map((e) => h('tr', { 'data-testid': 'store-entry', 'data-context': scenarioName.get(e.context) ?? '' },
        h('td', {}, h('code', { title: e.id }, shortId(e.id))),
        h('td', {}, who(e.context)),
        h('td', {}, `${e.bytes} bytes`),
        h('td', {}, String(e.hits))))))),
    ticketed.length ? h('p', { class: 'muted' }, `${ticketed.join(', ')} issue${ticketed.length === 1 ? 's' : ''} stateless tickets: another server cannot decrypt them (the keys are each SSL_CTX's own) and no get callback is asked. SSL_OP_NO_TICKET makes servers look sessions up by id.`) : null,
    h('h3', {}, 'Lookups (get_session_shared_cb)'),
    lookups.length
      ? h('ol', { class: 'lookups', 'data-testid': 'store-lookups' }, ...lookups.slice(-8).map((e) => h('li', { 'data-testid': 'store-lookup', 'data-hit': String(e.result !== null), 'data-context': scenarioName.get(e.context) ?? '' },
        `${who(e.context)} asked "${e.store}" for `, h('code', { title: e.id }, shortId(e.id ?? '')), ': ',
        e.result !== null ? h('strong', {}, `hit, decoded as ${e.result}`) : `miss${compatibility.has(e.id ?? '') ? `: the ${COMPATIBILITY_SESSION_ID}` : ''}`)))
      : h('p', { class: 'empty' }, 'No lookup yet: a server asks the store when a client offers a session its internal cache lacks.'));
}
