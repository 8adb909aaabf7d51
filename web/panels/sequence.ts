// A handshake as a message sequence diagram: one arrow per handshake message OpenSSL reported,
// with the fields that decide resumption; below, its records, whose bytes open on a click.
import type { MessageEvent, RecordEvent, SandboxEvent } from 'openssl-wasm-sandbox';
import { fill, h, shortId } from '../dom.js';

interface Extension { type: string; length: number; fields?: Record<string, unknown> }

/** The fields of a message that matter for sessions, as short lines. */
export function resumptionFields(event: MessageEvent): string[] {
  const f = event.fields as Record<string, unknown>;
  const out: string[] = [];
  if (typeof f.sessionId === 'string') out.push(`session_id: ${f.sessionId ? shortId(f.sessionId) : 'empty'}`);
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

/** Connections that had a handshake, newest last. */
export function handshakeConnections(events: SandboxEvent[]): string[] {
  return [...new Set(events.filter((e): e is MessageEvent => e.kind === 'message').map((e) => e.connection))];
}

export function renderSequence(body: HTMLElement, events: SandboxEvent[], connection: string | undefined, openRecord: (record: RecordEvent) => void): void {
  if (!connection) {
    fill(body, h('p', { class: 'empty' }, 'No handshake yet.'));
    return;
  }
  const mine = events.filter((e) => 'connection' in e && e.connection === connection);
  const outcome = mine.find((e) => e.kind === 'handshake');
  const arrows = mine.filter((e): e is MessageEvent => e.kind === 'message').map((e) => {
    const fields = resumptionFields(e);
    return h('li', { class: `arrow from-${e.from}`, 'data-testid': 'message' },
      h('div', { class: 'label' },
        h('strong', {}, e.type), h('span', { class: 'muted' }, ` ${e.length} B`),
        ...fields.map((f) => h('div', { class: 'field' }, f))),
      h('div', { class: 'line', 'aria-hidden': 'true' }),
      h('span', { class: 'sr-only' }, e.from === 'client' ? 'client to server' : 'server to client'));
  });
  const records = mine.filter((e): e is RecordEvent => e.kind === 'record').map((r) =>
    h('li', {}, h('button', { type: 'button', onclick: () => openRecord(r) },
      `${r.from} flight ${r.flight} #${r.index}: ${r.type} ${r.length} B`)));
  fill(body,
    h('p', { 'data-testid': 'sequence-outcome' }, outcome?.kind === 'handshake' ? `${connection}: ${outcome.version}, ${outcome.reused ? 'resumed' : 'full handshake'}` : `${connection}: did not finish`),
    h('div', { class: 'columns', 'aria-hidden': 'true' }, h('span', {}, 'client'), h('span', {}, 'server')),
    h('ol', { class: 'sequence', 'aria-label': `Messages of ${connection}` }, ...arrows),
    h('details', { class: 'records' }, h('summary', {}, `Records on the wire (${records.length}): click one for its bytes`), h('ol', {}, ...records)),
  );
}

/** A classic hex dump: offset, 16 bytes, their ASCII. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = [...bytes.subarray(at, at + 16)];
    const hex = row.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = row.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(4, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}
