// "Step through": a handshake flight by flight. Each step runs one side's SSL_do_handshake and
// holds what it wrote; the person keeps, drops, duplicates, reorders or modifies (flips a byte
// of) each record before delivering them, and the next step shows OpenSSL's reaction.
import type { AlertEvent, Flight, MessageEvent, SandboxEvent } from 'openssl-wasm-sandbox';
import { fill, h } from '../dom.js';

export type RecordAction = 'keep' | 'drop' | 'duplicate';

/** One held record as the person edits it; `source` is its place in the flight as written. */
export interface RecordEdit {
  source: number;
  action: RecordAction;
  /** The offset of the byte to flip (header included), as typed; empty: unchanged. */
  flip: string;
}

/** One line of the stepped handshake's story: a flight and what became of it, or the outcome. */
export interface StepLine {
  text: string;
  kind?: 'tampered' | 'error' | 'done';
}

export interface StepperView {
  connection: string;
  name: string;
  lines: StepLine[];
  /** The flight held now, waiting for Deliver. */
  held?: Flight;
  /** The number its first record takes on the wire if delivered as written (records are numbered per connection, from 1). */
  firstRecord: number;
  edits: RecordEdit[];
  /** The last step's outcome (failed or stalled wait for Close). */
  last?: Flight;
  tampered: boolean;
  ended: boolean;
}

export interface StepperHandlers {
  changed(): void;
}

const hex = (n: number) => n.toString(16).padStart(2, '0');

/** The flip's offset, if the text is a valid one for a record of `size` bytes; an error message otherwise. */
export function flipOffset(text: string, size: number): number | string | undefined {
  if (!text.trim()) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n >= size) return `offset 0 to ${size - 1}`;
  return n;
}

/** The records to deliver after the edits, and whether they differ from the flight as written. */
export function editedRecords(flight: Flight, edits: RecordEdit[]): { records: Uint8Array[]; tampered: boolean; invalid: boolean } {
  const records: Uint8Array[] = [];
  let tampered = edits.some((e, i) => e.source !== i);
  let invalid = false;
  for (const edit of edits) {
    const bytes = flight.records[edit.source].bytes.slice();
    const at = flipOffset(edit.flip, bytes.length);
    if (typeof at === 'string') invalid = true;
    if (typeof at === 'number') {
      bytes[at] ^= 0x01;
      tampered = true;
    }
    if (edit.action === 'drop') tampered = true;
    else records.push(bytes);
    if (edit.action === 'duplicate') {
      records.push(bytes.slice());
      tampered = true;
    }
  }
  return { records, tampered, invalid };
}

/** What a step's events say: the messages its side wrote, the alerts sent and received. */
export function describeEvents(events: SandboxEvent[], from: string): { messages: string[]; alerts: string[] } {
  const messages = events.filter((e): e is MessageEvent => e.kind === 'message' && e.from === from).map((m) => m.type);
  const alerts = events.filter((e): e is AlertEvent => e.kind === 'alert')
    .map((a) => `${a.side} ${a.direction} a ${a.level} alert: ${a.description}`);
  return { messages, alerts };
}

function recordRow(flight: Flight, edits: RecordEdit[], at: number, first: number, onChange: () => void): HTMLElement {
  const edit = edits[at];
  const record = flight.records[edit.source];
  const n = first + edit.source;
  const move = (by: number) => {
    [edits[at], edits[at + by]] = [edits[at + by], edits[at]];
    onChange();
  };
  const offset = flipOffset(edit.flip, record.bytes.length);
  const flipNote = typeof offset === 'number'
    ? h('span', { class: 'tamper' }, `byte ${offset}: ${hex(record.bytes[offset])} → ${hex(record.bytes[offset] ^ 1)}`)
    : typeof offset === 'string' ? h('span', { class: 'error' }, offset) : h('span', { class: 'muted' }, 'unchanged');
  const select = h('select', {
    'aria-label': `Record ${n}: keep, drop or duplicate`,
    onchange: (event: Event) => { edit.action = (event.target as HTMLSelectElement).value as RecordAction; onChange(); },
  }, ...(['keep', 'drop', 'duplicate'] as const).map((a) => h('option', { value: a, selected: a === edit.action }, a)));
  const flip = h('input', {
    type: 'number', min: 0, max: record.bytes.length - 1, inputmode: 'numeric', value: edit.flip, placeholder: 'none',
    'aria-label': `Record ${n}: flip the byte at offset`, 'aria-describedby': `flip-note-${n}`,
    onchange: (event: Event) => { edit.flip = (event.target as HTMLInputElement).value; onChange(); },
  });
  return h('li', { class: `held-record ${edit.action}${typeof offset === 'number' ? ' modified' : ''}`, 'data-testid': `held-record-${n}` },
    h('div', {}, h('strong', {}, `record ${n}: ${record.type}`), ' ', h('span', { class: 'muted' }, `${record.version}, ${record.length} byte${record.length === 1 ? '' : 's'} (+5 header)`)),
    h('div', { class: 'actions' },
      select,
      h('button', { type: 'button', 'aria-label': `Move record ${n} up`, disabled: at === 0, onclick: () => move(-1) }, '↑'),
      h('button', { type: 'button', 'aria-label': `Move record ${n} down`, disabled: at === edits.length - 1, onclick: () => move(1) }, '↓'),
      h('label', { class: 'flip' }, 'flip byte', flip),
      h('span', { id: `flip-note-${n}` }, flipNote)),
  );
}

export function renderStepper(body: HTMLElement, view: StepperView | undefined, onChange: () => void): void {
  if (!view) {
    fill(body);
    return;
  }
  const held = view.held;
  const edited = held ? editedRecords(held, view.edits) : undefined;
  fill(body,
    h('h3', {}, `${view.ended ? 'Stepped' : 'Stepping'} ${view.name} (${view.connection})${view.tampered ? ', tampered' : ''}`),
    h('ol', { class: 'step-lines', 'data-testid': 'step-lines' },
      ...view.lines.map((l) => h('li', { class: l.kind ?? '' }, l.text))),
    held ? h('div', { class: 'held', 'data-testid': 'held-flight', 'data-from': held.from, 'data-client-done': String(held.done.client) },
      h('p', {}, h('strong', {}, `Held: the ${held.from}'s flight to the ${held.from === 'client' ? 'server' : 'client'}`),
        `, ${held.records.length} record${held.records.length === 1 ? '' : 's'}${held.done[held.from] ? ` (the ${held.from} is done)` : ''}`),
      h('ol', { class: 'held-records' }, ...view.edits.map((_, i) => recordRow(held, view.edits, i, view.firstRecord, onChange))),
      h('p', { class: edited!.tampered ? 'tamper' : 'muted', 'data-testid': 'deliver-summary' },
        edited!.invalid ? 'Fix the offsets above first.'
          : edited!.tampered ? `Delivers ${edited!.records.length} record${edited!.records.length === 1 ? '' : 's'}, changed: this handshake will not be part of the shared link / scenario.`
            : 'Delivers the flight as written.'),
    ) : null,
  );
  // The latest step is the one to read.
  const lines = body.querySelector('.step-lines');
  if (lines) lines.scrollTop = lines.scrollHeight;
}
