// A record as Wireshark shows it: its field tree beside its bytes. Selecting a field highlights
// its bytes; clicking a byte selects the innermost field holding it. An encrypted record the
// key log opens shows its decrypted content as a second block of bytes with its own fields.
import type { DissectedRecord, Field } from 'openssl-wasm-sandbox';
import { fill, h } from '../dom.js';

/** Big lists start folded, as in Wireshark, so that a ClientHello fits on a screen. */
const FOLDED = /^(Cipher Suites|Signature Hash Algorithms|Supported Groups|Elliptic curves|Certificates) /;

interface Block {
  /** Which bytes: the record as it crossed the wire, or its decrypted content. */
  name: 'record' | 'decrypted';
  bytes: Uint8Array;
  fields: Field[];
  hex: HTMLElement;
}

export function renderRecordBytes(body: HTMLElement, connection: string, record: DissectedRecord): void {
  const blocks: Block[] = [{ name: 'record', bytes: record.bytes, fields: record.fields, hex: h('pre', { class: 'hex', 'data-testid': 'record-bytes', tabindex: 0 }) }];
  if (record.decrypted) blocks.push({ name: 'decrypted', bytes: record.decrypted.bytes, fields: record.decrypted.fields, hex: h('pre', { class: 'hex', 'data-testid': 'decrypted-bytes', tabindex: 0 }) });
  const buttons = new Map<Field, HTMLButtonElement>();
  let selected: Field | undefined;

  const select = (field: Field, block: Block) => {
    if (selected) buttons.get(selected)?.setAttribute('aria-pressed', 'false');
    selected = field;
    const button = buttons.get(field)!;
    button.setAttribute('aria-pressed', 'true');
    // Unfold the branches above it.
    for (let item = button.closest('li'); item; item = item.parentElement?.closest('li') ?? null) {
      item.querySelector<HTMLUListElement>(':scope > ul')?.removeAttribute('hidden');
      item.querySelector(':scope > .fold')?.setAttribute('aria-expanded', 'true');
    }
    for (const b of blocks) {
      for (const span of Array.from(b.hex.querySelectorAll<HTMLElement>('span[data-at]'))) {
        const at = Number(span.dataset.at);
        span.classList.toggle('hl', b === block && at >= field.start && at < field.end);
      }
    }
    block.hex.querySelector('.hl')?.scrollIntoView({ block: 'nearest' });
    button.scrollIntoView({ block: 'nearest' });
  };

  const tree = (fields: Field[], block: Block): HTMLUListElement => h('ul', {}, ...fields.map((field) => {
    const length = field.end - field.start;
    const button = h('button', {
      type: 'button', class: 'field', 'aria-pressed': 'false', 'data-testid': 'field', 'data-filter': field.filter ?? '',
      title: `${field.filter ? `${field.filter}, ` : ''}${length} byte${length === 1 ? '' : 's'} at ${field.start}${block.name === 'decrypted' ? ' of the decrypted content' : ''}`,
      onclick: () => select(field, block),
    }, field.label);
    buttons.set(field, button);
    const note = field.note ? h('span', { class: 'note', 'data-testid': 'field-note' }, field.note) : null;
    if (!field.children?.length) return h('li', {}, button, note);
    const children = tree(field.children, block);
    const folded = FOLDED.test(field.label);
    if (folded) children.hidden = true;
    const fold = h('button', {
      type: 'button', class: 'fold', 'aria-expanded': String(!folded), 'aria-label': `Unfold ${field.label}`,
      onclick: () => {
        children.hidden = !children.hidden;
        fold.setAttribute('aria-expanded', String(!children.hidden));
      },
    }, '▸');
    return h('li', {}, fold, button, note, children);
  }));

  const hexOf = (block: Block) => {
    const rows: (Node | string)[] = [];
    for (let at = 0; at < block.bytes.length; at += 16) {
      const row = [...block.bytes.subarray(at, at + 16)];
      rows.push(h('span', { class: 'offset' }, `${at.toString(16).padStart(4, '0')}  `));
      row.forEach((b, i) => rows.push(h('span', { 'data-at': at + i }, b.toString(16).padStart(2, '0')), i === 15 ? '' : ' '));
      rows.push(`${'   '.repeat(16 - row.length)}  ${row.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')}\n`);
    }
    block.hex.replaceChildren(...rows);
    // A byte selects the innermost field that holds it.
    block.hex.onclick = (event) => {
      const at = Number((event.target as HTMLElement).dataset?.at);
      if (Number.isNaN(at)) return;
      const innermost = (fields: Field[]): Field | undefined => {
        const holder = fields.find((f) => at >= f.start && at < f.end);
        return holder && (innermost(holder.children ?? []) ?? holder);
      };
      const field = innermost(block.fields);
      if (field) select(field, block);
    };
  };

  const [wire, decrypted] = blocks;
  const direction = `${record.from} → ${record.from === 'client' ? 'server' : 'client'}`;
  const treeRoot = tree(wire.fields, wire);
  if (decrypted) {
    const secret = record.decrypted!.secret;
    treeRoot.append(h('li', { class: 'decrypted' },
      h('span', { class: 'decrypted-title' }, `Decrypted with the key log's ${secret} (${decrypted.bytes.length} bytes of ${record.decrypted!.type})`),
      tree(decrypted.fields, decrypted)));
  }
  for (const block of blocks) hexOf(block);
  fill(body,
    h('h3', { id: 'bytes-title', 'data-testid': 'bytes-title' }, `${connection} record ${record.number}: ${direction}, ${record.summary}, ${record.bytes.length} bytes`),
    record.encrypted ? h('p', { class: 'muted' }, `Encrypted: ${record.encrypted}.`) : null,
    h('div', { class: 'bytes-columns' },
      h('div', { class: 'field-tree', 'data-testid': 'field-tree', role: 'group', 'aria-label': `Fields of record ${record.number}` }, treeRoot),
      h('div', { class: 'hex-blocks' },
        h('p', { class: 'hex-title' }, `Record ${record.number} as it crossed the wire`), wire.hex,
        ...(decrypted ? [h('p', { class: 'hex-title' }, `Record ${record.number} decrypted`), decrypted.hex] : []))),
  );
}
