// The sandbox's ordered event log, each event as its C form, filtered as DevTools' console is: by
// kind, by connection, by context and by text; the last step's events are marked.
import { COMPATIBILITY_SESSION_ID, EVENT_KINDS, type SandboxEvent } from 'openssl-wasm-sandbox';
import type { Snapshot } from '../runtime.js';
import { fill, h } from '../dom.js';
import { compatibilitySessionIds } from './sequence.js';

/** Showing more makes each step slow to draw; the C code panel has everything. */
const SHOWN = 400;

export interface EventFilter {
  kinds: Set<string>;
  /** A connection (`conn_2`) or context (`server_ctx_1`) the event must involve, or ''. */
  connection: string;
  context: string;
  /** Text the event's C form must contain (any case), or ''. */
  text: string;
}

/** Does the event involve this object: its own field, or its name in the C it ran (`conn_2` covers `conn_2_client`)? */
function involves(event: SandboxEvent, name: string): boolean {
  if (('connection' in event && event.connection === name) || ('context' in event && event.context === name)) return true;
  return new RegExp(`\\b${name}(?:_client|_server)?\\b`).test(event.c);
}

/** The connections and contexts the log names, for the filters' choices. */
function names(events: SandboxEvent[]): { connections: string[]; contexts: string[] } {
  const found = (pattern: RegExp) => [...new Set(events.flatMap((e) => e.c.match(pattern) ?? []))];
  return { connections: found(/\bconn_\d+(?=_client|_server|\b)/g), contexts: found(/\b\w+_ctx_\d+\b/g) };
}

export function eventFilters(container: HTMLElement, onChange: () => void): { read: () => EventFilter; update: (events: SandboxEvent[]) => void } {
  const boxes = EVENT_KINDS.map((kind) => {
    const box = h('input', { type: 'checkbox', id: `kind-${kind}`, checked: kind !== 'record' && kind !== 'state', onchange: onChange });
    return { kind, box, label: h('label', { class: 'check', for: `kind-${kind}` }, box, kind) };
  });
  const text = h('input', { type: 'search', id: 'event-search', 'aria-label': 'Search the events', placeholder: 'Search: SSL_CTX_add_session, sess_2…', spellcheck: 'false', autocomplete: 'off', oninput: onChange });
  const connection = h('select', { id: 'event-connection', 'aria-label': 'Events of connection', onchange: onChange });
  const context = h('select', { id: 'event-context', 'aria-label': 'Events of context', onchange: onChange });
  fill(container, text,
    h('details', { class: 'flags' }, h('summary', {}, 'Filters'),
      h('div', { class: 'row' }, h('label', { for: 'event-connection' }, 'Connection'), connection, h('label', { for: 'event-context' }, 'Context'), context),
      ...boxes.map((b) => b.label)));
  const choices = (select: HTMLSelectElement, all: string, values: string[]) => {
    const chosen = select.value;
    fill(select, h('option', { value: '' }, all), ...values.map((v) => h('option', { value: v }, v)));
    select.value = values.includes(chosen) ? chosen : '';
  };
  return {
    read: () => ({ kinds: new Set(boxes.filter((b) => b.box.checked).map((b) => b.kind)), connection: connection.value, context: context.value, text: text.value.trim().toLowerCase() }),
    update: (events) => {
      const { connections, contexts } = names(events);
      choices(connection, 'all', connections);
      choices(context, 'all', contexts);
    },
  };
}

export function renderEvents(list: HTMLElement, snapshot: Snapshot, filter: EventFilter): void {
  const since = snapshot.records.at(-1)?.eventsFrom ?? Infinity;
  const shown = snapshot.events.filter((e) => filter.kinds.has(e.kind)
    && (!filter.connection || involves(e, filter.connection))
    && (!filter.context || involves(e, filter.context))
    && (!filter.text || e.c.toLowerCase().includes(filter.text)));
  const compatibility = new Set(compatibilitySessionIds(snapshot.events).values());
  const items = shown.slice(-SHOWN).map((e) => h('li', { class: `event ${e.kind}${e.seq > since ? ' recent' : ''}${e.during ? ' during' : ''}` },
    h('span', { class: 'seq' }, e.seq), h('span', { class: 'kind' }, e.kind), h('code', {}, e.c),
    e.kind === 'callback' && e.callback === 'get_session' && compatibility.has(e.id ?? '') ? h('span', { class: 'note' }, ` ${COMPATIBILITY_SESSION_ID}`) : null));
  fill(list,
    ...(shown.length > SHOWN ? [h('li', { class: 'muted' }, `${shown.length - SHOWN} earlier events not shown`)] : []),
    ...(shown.length ? items : [h('li', { class: 'empty' }, 'No event matches the filters.')]));
  list.dataset.count = String(shown.length);
  list.scrollTop = list.scrollHeight;
}
