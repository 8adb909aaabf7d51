// The sandbox's ordered event log, each event as its C form, filterable by kind; the last
// step's events are marked.
import { EVENT_KINDS } from 'openssl-wasm-sandbox';
import type { Snapshot } from '../runtime.js';
import { fill, h } from '../dom.js';

/** Showing more makes each step slow to draw; the C code panel has everything. */
const SHOWN = 400;

export function eventFilters(container: HTMLElement, onChange: () => void): () => Set<string> {
  const boxes = EVENT_KINDS.map((kind) => {
    const box = h('input', { type: 'checkbox', id: `kind-${kind}`, checked: kind !== 'record' && kind !== 'state', onchange: onChange });
    return { kind, box, label: h('label', { class: 'check', for: `kind-${kind}` }, box, kind) };
  });
  fill(container, ...boxes.map((b) => b.label));
  return () => new Set(boxes.filter((b) => b.box.checked).map((b) => b.kind));
}

export function renderEvents(list: HTMLElement, snapshot: Snapshot, kinds: Set<string>): void {
  const since = snapshot.records.at(-1)?.eventsFrom ?? Infinity;
  const shown = snapshot.events.filter((e) => kinds.has(e.kind));
  const items = shown.slice(-SHOWN).map((e) => h('li', { class: `event ${e.kind}${e.seq > since ? ' recent' : ''}${e.during ? ' during' : ''}` },
    h('span', { class: 'seq' }, e.seq), h('span', { class: 'kind' }, e.kind), h('code', {}, e.c)));
  fill(list, ...(shown.length > SHOWN ? [h('li', { class: 'muted' }, `${shown.length - SHOWN} earlier events not shown`)] : []), ...items);
  list.scrollTop = list.scrollHeight;
}
