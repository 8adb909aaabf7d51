// The call palette: any function of the C API table that this OpenSSL has, with its arguments
// picked from what the playground has named (contexts, sessions, SSL objects, DER bytes) or typed
// as C would pass them (negative numbers, flag masks, NULL). A call is a scenario step like the
// buttons' calls: undoable, replayed on another variant, shared in the link and exported as C.
// Wrong input is not second-guessed here: the engine refuses it with a typed error naming the argument.
import { C_API, CALL_NAMES, hasSince, type ArgKind, type CFunction, type CallName } from 'openssl-wasm-sandbox';
import type { Step } from 'openssl-wasm-sandbox/conformance';
import type { Snapshot } from '../runtime.js';
import { fill, h } from '../dom.js';
import { SHARED_STORE } from './store.js';

/** What a result is named in later steps, by the kind of object the call returns. */
const RESULT_PREFIX: Partial<Record<string, string>> = {
  SSL: 'ssl', SSL_CONF_CTX: 'conf', SSL_SESSION: 'session', 'SSL_SESSION|NULL': 'session', 'get0 SSL_SESSION|NULL': 'session', der: 'der',
};

/** A row of the table, as the common shape every row has. */
const rowOf = (name: CallName): CFunction => C_API[name];

/** A field left empty: an optional trailing argument the sandbox fills in. */
const OMIT = Symbol('omitted');

interface Field {
  element: HTMLElement;
  read(): unknown;
}

export interface CallPalette {
  /** The functions this OpenSSL has, and the names the argument fields offer, after a step. */
  update(snapshot: Snapshot): void;
  focus(): void;
}

/**
 * Builds the palette into `root` (a search field, the prototype, a field per argument and a Call
 * button); `run` makes the step, `nextName` names its result (`ssl1`, `session2`…).
 */
export function callPalette(root: HTMLElement, run: (name: CallName, step: Step) => void, nextName: (prefix: string) => string): CallPalette {
  const search = h('input', { id: 'call-name', type: 'search', list: 'call-names', autocomplete: 'off', spellcheck: 'false', placeholder: 'SSL_CTX_sess_set_cache_size', 'aria-describedby': 'call-prototype', 'aria-keyshortcuts': 'Control+K' });
  const names = h('datalist', { id: 'call-names' });
  const prototype = h('code', { id: 'call-prototype', 'data-testid': 'call-prototype' });
  const argsBox = h('div', { class: 'call-args', role: 'group', 'aria-label': 'Arguments' });
  const button = h('button', { type: 'button', id: 'call-run', disabled: true }, 'Call');
  fill(root, h('label', { for: 'call-name' }, 'Call a function ', h('kbd', {}, 'Ctrl+K')), h('div', { class: 'row' }, search, button), names, prototype, argsBox);

  let snapshot: Snapshot | undefined;
  let chosen: CallName | undefined;
  let fields: Field[] = [];

  const choose = () => {
    const name = (CALL_NAMES as readonly string[]).includes(search.value.trim()) ? search.value.trim() as CallName : undefined;
    const row = name && rowOf(name);
    if (name === chosen && row && fields.length === row.args.length) return;
    chosen = name;
    prototype.textContent = row ? `${row.c}${row.sandbox ? ' (the sandbox\'s own function, also in its native runtime)' : ''}` : '';
    fields = row && snapshot ? row.args.map((kind, i) => argumentField(kind, i, snapshot!)) : [];
    fill(argsBox, ...fields.map((f) => f.element));
    button.disabled = !row;
  };
  search.addEventListener('input', choose);
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && chosen) {
      event.preventDefault();
      (fields[0]?.element.querySelector('input, select') as HTMLElement | null ?? button).focus();
    }
  });

  button.addEventListener('click', () => {
    if (!chosen) return;
    const row = rowOf(chosen);
    const args = fields.map((f) => f.read());
    // Only trailing optional arguments may be left out, as C's macros (SSL_CTX_flush_sessions' time) allow.
    while (args.length && args.at(-1) === OMIT) args.pop();
    const prefix = RESULT_PREFIX[row.returns];
    const step = { call: chosen, args: args.map((a) => (a === OMIT ? null : a)), ...(prefix ? { as: nextName(prefix) } : {}) } as Step;
    run(chosen, step);
  });

  return {
    update(next) {
      const variantChanged = snapshot?.opensslVersion !== next.opensslVersion;
      snapshot = next;
      if (variantChanged) {
        fill(names, ...CALL_NAMES.filter((name) => { const { since } = rowOf(name); return !since || hasSince(next.opensslVersion, since); })
          .map((name) => h('option', { value: name }, C_API[name].c)));
      }
      // The objects named may have changed: the fields offer what exists now, keeping what was chosen.
      const kept = fields.map((f) => f.element.querySelector('select')?.selectedOptions[0]?.text);
      fields = [];
      choose();
      fields.forEach((f, i) => {
        const select = f.element.querySelector('select');
        const option = select && Array.from(select.options).find((o) => o.text === kept[i]);
        if (option) option.selected = true;
      });
    },
    focus() {
      search.focus();
      search.select();
    },
  };
}

/** The input for one argument, by its kind in the table (see ArgKind in src/sandbox/c-api.ts). */
function argumentField(kind: ArgKind, i: number, snapshot: Snapshot): Field {
  const id = `call-arg-${i}`;
  const label = (text: string) => h('label', { for: id }, h('code', {}, kind), text ? ` ${text}` : '');
  const choice = (options: [string, unknown][], text = ''): Field => {
    // Options are told apart by position: a name and NULL cannot collide.
    const select = h('select', { id }, ...options.map(([shown], n) => h('option', { value: String(n) }, shown)));
    return {
      element: h('span', { class: 'field' }, label(text), select),
      read: () => (select.value === '' ? OMIT : options[Number(select.value)][1]),
    };
  };
  const typed = (placeholder: string, parse: (text: string) => unknown, optional = false): Field => {
    const input = h('input', { id, type: 'text', placeholder, spellcheck: 'false', autocomplete: 'off' });
    return {
      element: h('span', { class: 'field' }, label(optional ? '(optional)' : ''), input),
      read: () => (optional && !input.value.trim() ? OMIT : parse(input.value.trim())),
    };
  };
  const named = (names: string[]) => names.map((n): [string, unknown] => [n, n]);
  const sessions = named(snapshot.sessions.map((s) => s.ref));
  switch (kind) {
    case 'SSL_CTX': return choice(named(Object.keys(snapshot.contexts)));
    case 'SSL_SESSION': return choice(sessions);
    case 'SSL_SESSION|NULL': return choice([...sessions, ['NULL', null]]);
    case 'SSL': case 'SSL_CONF_CTX': case 'der': return choice(named(snapshot.named[kind]));
    case 'int': case 'long': case 'size_t': case 'uint32_t': case 'time_t': return typed('-1, 300, 0x7fffffff', integer);
    case 'time_t?': return typed('now', integer, true);
    case 'cache_mode': case 'options': case 'verify_mode': case 'conf_flags': return typed('NAME | NAME, or a number', flags);
    case 'version': return typed('TLSv1.2 or 0x0303', (t) => cNumber(t) ?? t);
    case 'hex': return typed('hex digits', (t) => t);
    case 'text': case 'string': return typed('text', (t) => t);
    case 'new_cb': return choice([['keep (return 1: the store keeps it)', 'keep'], ['decline (return 0)', 'decline'], ['free (SSL_SESSION_free at once)', 'free'],
      [`its DER into the external store "${SHARED_STORE}" (return 0)`, { store: SHARED_STORE }], ['NULL (remove the callback)', null]]);
    case 'remove_cb': return choice([['forget (the store forgets it)', 'forget'], [`the external store "${SHARED_STORE}" forgets it`, { store: SHARED_STORE }], ['NULL (remove the callback)', null]]);
    case 'get_cb': return getCallback(id, snapshot);
    case 'verify_cb': return choice([['NULL (OpenSSL\'s own verification)', null]]);
  }
}

/** The get-session callback: what it answers (the store, NULL, a named session, or the external store) and *copy. */
function getCallback(id: string, snapshot: Snapshot): Field {
  const answers: [string, unknown][] = [['the store', 'store'], ['NULL (a miss)', 'null'], ...snapshot.sessions.map((s): [string, unknown] => [s.ref, s.ref]),
    [`a copy decoded from the external store "${SHARED_STORE}" (*copy is 0)`, { store: SHARED_STORE }], ['no callback (NULL)', null]];
  const answer = h('select', { id }, ...answers.map(([shown], n) => h('option', { value: String(n) }, shown)));
  const copy = h('select', { id: `${id}-copy` }, h('option', { value: '1' }, '*copy = 1 (OpenSSL takes a reference)'), h('option', { value: '0' }, '*copy = 0 (the reference passes to OpenSSL)'));
  return {
    element: h('span', { class: 'field' }, h('label', { for: id }, h('code', {}, 'get_cb'), ' answers'), answer, h('label', { for: `${id}-copy`, class: 'sr-only' }, '*copy'), copy),
    read: () => {
      const value = answers[Number(answer.value)][1];
      return value === null || copy.value === '1' || typeof value === 'object' ? value : { answer: value, copy: 0 };
    },
  };
}

/** An unsigned number as C source writes one (300, 0x0303), or undefined. */
function cNumber(text: string): number | undefined {
  return /^(0x[0-9a-f]+|\d+)$/i.test(text) ? Number(text) : undefined;
}

/** A whole number as C source writes one (-1, 300, 0x7fffffff); anything else goes on as typed, for the engine to refuse by name. */
function integer(text: string): unknown {
  const negative = text.startsWith('-');
  const n = cNumber(negative ? text.slice(1) : text);
  return n === undefined ? text : negative ? -n : n;
}

/** A flag mask: a number (bits without a name included) or names joined by | as in C. */
function flags(text: string): unknown {
  return cNumber(text) ?? text.split(/[\s|,]+/).filter(Boolean);
}
