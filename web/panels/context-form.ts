// The controls of one SSL_CTX, each labelled with the OpenSSL setting it drives. Empty fields
// and unchecked boxes leave OpenSSL's defaults, so the C log shows only what the user chose.
import { OPTIONS, SESSION_CACHE_MODES, type ContextConfig, type ContextState, type ProtocolVersion, type SslOption } from 'openssl-wasm-sandbox';
import { DEFAULT_CACHE_MODE, PROTOCOLS, type Role } from '../context-settings.js';
import { fill, h } from '../dom.js';

/** The flags one can combine; SSL_SESS_CACHE_OFF (0) is none of them, BOTH and NO_INTERNAL are unions. */
const MODE_FLAGS = SESSION_CACHE_MODES
  .filter((f) => !['SSL_SESS_CACHE_OFF', 'SSL_SESS_CACHE_BOTH', 'SSL_SESS_CACHE_NO_INTERNAL'].includes(f));
/** The option that matters most for sessions is shown first; the rest fold away. */
const MAIN_OPTION: SslOption = 'SSL_OP_NO_TICKET';
const OTHER_OPTIONS = OPTIONS.filter((o) => o !== MAIN_OPTION);

export interface ContextForm {
  element: HTMLFieldSetElement;
  read(): ContextConfig;
  write(config: ContextConfig): void;
  /** Shows what OpenSSL reports now (SSL_CTX_get_*), as the placeholders of empty fields. */
  showState(state: ContextState): void;
  /** The callbacks later steps installed (callbacksSetBySteps), which the fields above do not show. */
  showCallbacksSet(calls: string[]): void;
}

/** The name people read for a context: `Server` for the first server, its own name for others (`server2`). */
export function contextLabel(name: string, role: Role): string {
  return name === role ? `${role[0].toUpperCase()}${role.slice(1)}` : name;
}

export function contextForm(context: string, role: Role): ContextForm {
  const id = (name: string) => `${context}-${name}`;
  const protocolSelect = (name: string) => h('select', { id: id(name) },
    h('option', { value: '' }, 'default'), ...PROTOCOLS.map((p) => h('option', { value: p }, p)));
  const number = (name: string, min: number, max: number) => h('input', { id: id(name), type: 'number', min, max, step: 1, inputmode: 'numeric' });
  const check = (name: string, label: string) => h('label', { class: 'check' }, h('input', { type: 'checkbox', id: id(name), value: label }), h('code', {}, label));
  const field = (name: string, label: string, call: string, control: HTMLElement, hint?: string) => {
    if (hint) control.setAttribute('aria-describedby', id(`${name}-hint`));
    return h('div', { class: 'field' }, h('label', { for: id(name) }, label, ' ', h('code', { class: 'call' }, call)), control,
      hint ? h('span', { class: 'muted', id: id(`${name}-hint`) }, hint) : null);
  };

  const min = protocolSelect('min');
  const max = protocolSelect('max');
  const size = number('cache-size', 0, 2147483647);
  const timeout = number('timeout', 0, 2147483647);
  const sidCtx = h('input', { id: id('sid-ctx'), type: 'text', maxlength: 32, spellcheck: 'false', autocomplete: 'off' });
  const tickets = number('tickets', 0, 64);
  const newCb = h('select', { id: id('cb-new') },
    h('option', { value: '' }, 'not set'), h('option', { value: 'keep' }, 'keep (returns 1)'), h('option', { value: 'decline' }, 'decline (returns 0)'));
  const modes = MODE_FLAGS.map((f) => check(`mode-${f}`, f));
  const mainOption = check(`opt-${MAIN_OPTION}`, MAIN_OPTION);
  const others = OTHER_OPTIONS.map((o) => check(`opt-${o}`, o));
  const removeCb = check('cb-remove', 'SSL_CTX_sess_set_remove_cb');
  const getCb = check('cb-get', 'SSL_CTX_sess_set_get_cb');
  const callbacksSet = h('p', { class: 'muted', 'data-testid': `${context}-callbacks-set` });

  const element = h('fieldset', { class: `context ${role}`, 'data-testid': `${context}-config` },
    h('legend', {}, `${contextLabel(context, role)} SSL_CTX${context === role ? '' : ` (${role})`}`),
    h('div', { class: 'fields' },
      field('min', 'Minimum protocol', 'SSL_CTX_set_min_proto_version', min),
      field('max', 'Maximum protocol', 'SSL_CTX_set_max_proto_version', max),
      field('cache-size', 'Cache size', 'SSL_CTX_sess_set_cache_size', size, 'From 3.0, a cache of size N holds N-1 sessions after an add (ssl_sess.c counts the new one before it evicts); 1.1.1 holds N. 0: no limit.'),
      field('timeout', 'Timeout (s)', 'SSL_CTX_set_timeout', timeout),
      field('sid-ctx', 'Session id context', 'SSL_CTX_set_session_id_context', sidCtx),
      field('tickets', 'Tickets (TLS 1.3)', 'SSL_CTX_set_num_tickets', tickets),
    ),
    h('fieldset', { class: 'flags' }, h('legend', {}, 'Cache mode ', h('code', { class: 'call' }, 'SSL_CTX_set_session_cache_mode'), ' (none checked: SSL_SESS_CACHE_OFF)'), ...modes),
    h('fieldset', { class: 'flags' }, h('legend', {}, 'Options ', h('code', { class: 'call' }, 'SSL_CTX_set_options')), mainOption,
      h('details', {}, h('summary', {}, 'more options'), ...others)),
    h('fieldset', { class: 'flags' }, h('legend', {}, 'Callbacks'),
      h('div', { class: 'field' }, h('label', { for: id('cb-new') }, 'New session ', h('code', { class: 'call' }, 'SSL_CTX_sess_set_new_cb')), newCb),
      removeCb, getCb, callbacksSet),
  );

  const box = (name: string) => element.querySelector<HTMLInputElement>(`#${CSS.escape(id(name))}`)!;
  const int = (input: HTMLInputElement) => (input.value.trim() === '' ? undefined : Number(input.value));

  function read(): ContextConfig {
    const cacheMode = MODE_FLAGS.filter((f) => box(`mode-${f}`).checked);
    const options = OPTIONS.filter((o) => box(`opt-${o}`).checked);
    const callbacks = {
      ...(newCb.value ? { newSession: newCb.value as 'keep' | 'decline' } : {}),
      ...(box('cb-remove').checked ? { removeSession: true } : {}),
      ...(box('cb-get').checked ? { getSession: true } : {}),
    };
    const same = cacheMode.length === DEFAULT_CACHE_MODE.length && cacheMode.every((f) => DEFAULT_CACHE_MODE.includes(f));
    const config: ContextConfig = { role };
    if (min.value) config.minProtocol = min.value as ProtocolVersion;
    if (max.value) config.maxProtocol = max.value as ProtocolVersion;
    if (options.length) config.options = options;
    if (!same) config.cacheMode = cacheMode;
    for (const [key, input] of [['cacheSize', size], ['timeout', timeout], ['numTickets', tickets]] as const) {
      const value = int(input);
      if (value !== undefined) config[key] = value;
    }
    if (sidCtx.value !== '') config.sessionIdContext = sidCtx.value;
    if (Object.keys(callbacks).length) config.callbacks = callbacks;
    return config;
  }

  function write(config: ContextConfig): void {
    min.value = config.minProtocol ?? '';
    max.value = config.maxProtocol ?? '';
    const mode = config.cacheMode ?? DEFAULT_CACHE_MODE;
    for (const f of MODE_FLAGS) box(`mode-${f}`).checked = mode.includes(f);
    for (const o of OPTIONS) box(`opt-${o}`).checked = config.options?.includes(o) ?? false;
    size.value = config.cacheSize?.toString() ?? '';
    timeout.value = config.timeout?.toString() ?? '';
    tickets.value = config.numTickets?.toString() ?? '';
    sidCtx.value = config.sessionIdContext ?? '';
    newCb.value = config.callbacks?.newSession ?? '';
    box('cb-remove').checked = config.callbacks?.removeSession ?? false;
    box('cb-get').checked = config.callbacks?.getSession ?? false;
  }

  function showCallbacksSet(calls: string[]): void {
    fill(callbacksSet, ...(calls.length ? ['Since it was made, steps installed: ', ...calls.flatMap((c, i) => [i ? '; ' : '', h('code', {}, c)]),
      '. The fields above are the callbacks it was made with.'] : []));
  }

  function showState(state: ContextState): void {
    size.placeholder = `${state.cacheSize}`;
    timeout.placeholder = `${state.timeout}`;
    tickets.placeholder = `${state.numTickets}`;
    sidCtx.placeholder = '(empty)';
    for (const [select, value] of [[min, state.minProtocol], [max, state.maxProtocol]] as const) {
      select.options[0].textContent = `default (${value})`;
    }
  }

  return { element, read, write, showState, showCallbacksSet };
}
