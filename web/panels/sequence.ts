// A handshake as a message sequence diagram: one arrow per handshake message OpenSSL reported,
// with the fields that decide resumption; below, its records. A message or a record opens its
// bytes (panels/bytes.ts).
import { COMPATIBILITY_SESSION_ID, isCompatibilitySessionId, type MessageEvent, type RecordEvent, type SandboxEvent } from 'openssl-wasm-sandbox';
import { fill, h, shortId } from '../dom.js';

/** What to show the bytes of: a record by its number, or the record carrying a side's n-th handshake message (from 0). */
export type BytesPick = { record: number } | { from: 'client' | 'server'; message: number };

interface Extension { type: string; length: number; fields?: Record<string, unknown> }

/** The fields of a message that matter for sessions, as short lines. */
export function resumptionFields(event: MessageEvent, serverHello?: MessageEvent): string[] {
  const f = event.fields as Record<string, unknown>;
  const out: string[] = [];
  if (typeof f.sessionId === 'string') {
    const compatibility = isCompatibilitySessionId(event, serverHello);
    out.push(`session_id: ${f.sessionId ? shortId(f.sessionId) : 'empty'}${compatibility ? ` (${COMPATIBILITY_SESSION_ID})` : ''}`);
  }
  if (typeof f.cipherSuite === 'string') out.push(f.cipherSuite);
  for (const ext of (f.extensions as Extension[] | undefined) ?? []) {
    const x = ext.fields ?? {};
    if (ext.type === 'session_ticket') out.push(`session_ticket: ${x.ticketLength ? `${x.ticketLength}-byte ticket offered` : 'empty'}`);
    if (ext.type === 'pre_shared_key') {
      const ids = x.identities as { length: number; obfuscatedTicketAge: number }[] | undefined;
      out.push(ids ? `pre_shared_key: ${ids.length} identit${ids.length === 1 ? 'y' : 'ies'} (${ids.map((i) => `${i.length} B`).join(', ')})` : `pre_shared_key: selected identity ${x.selectedIdentity}`);
    }
    if (ext.type === 'psk_key_exchange_modes') out.push(`psk_key_exchange_modes: ${(x.modes as string[]).join(', ')}`);
    if (ext.type === 'supported_versions' && x.selected) out.push(`version: ${x.selected}`);
  }
  if (f.lifetime !== undefined) out.push(`ticket_lifetime: ${f.lifetime} s`);
  if (f.lifetimeHint !== undefined) out.push(`ticket_lifetime_hint: ${f.lifetimeHint} s`);
  if (f.ticketLength !== undefined) out.push(`ticket: ${f.ticketLength} B`);
  return out;
}

/**
 * The session ids clients sent only for middlebox compatibility (isCompatibilitySessionId), by
 * connection: wherever such an id shows up (a lookup, a miss) it is labelled as what it is.
 */
export function compatibilitySessionIds(events: SandboxEvent[]): Map<string, string> {
  const messages = events.filter((e): e is MessageEvent => e.kind === 'message');
  const ids = new Map<string, string>();
  for (const hello of messages) {
    if (hello.type !== 'ClientHello') continue;
    const serverHello = messages.find((m) => m.connection === hello.connection && m.type === 'ServerHello');
    if (isCompatibilitySessionId(hello, serverHello)) ids.set(hello.connection, hello.fields.sessionId as string);
  }
  return ids;
}

/** Connections that had a handshake, newest last. */
export function handshakeConnections(events: SandboxEvent[]): string[] {
  return [...new Set(events.filter((e): e is MessageEvent => e.kind === 'message').map((e) => e.connection))];
}

export function renderSequence(body: HTMLElement, events: SandboxEvent[], connection: string | undefined, openBytes: (pick: BytesPick) => void): void {
  if (!connection) {
    fill(body, h('p', { class: 'empty' }, 'No handshake yet.'));
    return;
  }
  const mine = events.filter((e) => 'connection' in e && e.connection === connection);
  const outcome = mine.find((e) => e.kind === 'handshake');
  const messages = mine.filter((e): e is MessageEvent => e.kind === 'message');
  const serverHello = messages.find((e) => e.type === 'ServerHello');
  const sent = { client: 0, server: 0 };
  const arrows = messages.map((e) => {
    const fields = resumptionFields(e, serverHello);
    // ChangeCipherSpec is a record of its own, not a handshake message.
    const pick: BytesPick | undefined = e.type === 'ChangeCipherSpec' ? undefined : { from: e.from, message: sent[e.from]++ };
    return h('li', { class: `arrow from-${e.from}`, 'data-testid': 'message' },
      h('div', { class: 'label' },
        h('strong', {}, e.type), h('span', { class: 'muted' }, ` ${e.length} B `),
        pick ? h('button', { type: 'button', class: 'link', 'aria-label': `Fields and bytes of ${e.from}'s ${e.type}`, onclick: () => openBytes(pick) }, 'bytes') : null,
        ...fields.map((f) => h('div', { class: 'field' }, f))),
      h('div', { class: 'line', 'aria-hidden': 'true' }),
      h('span', { class: 'sr-only' }, e.from === 'client' ? 'client to server' : 'server to client'));
  });
  const records = mine.filter((e): e is RecordEvent => e.kind === 'record').map((r) =>
    h('li', {}, h('button', { type: 'button', onclick: () => openBytes({ record: r.number }) },
      `record ${r.number}: ${r.from} → ${r.from === 'client' ? 'server' : 'client'}, ${r.type}, ${r.length} B`)));
  fill(body,
    h('p', { 'data-testid': 'sequence-outcome' }, outcome?.kind === 'handshake' ? `${connection}: ${outcome.version}, ${outcome.reused ? 'resumed' : 'full handshake'}` : `${connection}: did not finish`),
    h('div', { class: 'columns', 'aria-hidden': 'true' }, h('span', {}, 'client'), h('span', {}, 'server')),
    h('ol', { class: 'sequence', 'aria-label': `Messages of ${connection}` }, ...arrows),
    h('details', { class: 'records' }, h('summary', {}, `Records on the wire (${records.length}): click one for its fields and bytes`), h('ol', {}, ...records)),
  );
}
