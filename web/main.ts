// The playground page: wires the controls to the Playground and redraws every panel after each
// step. Steps run one at a time, in order (a queue), while OpenSSL works in its Web Worker.
import { VARIANTS, dissect, parseRecords, type Flight, type Variant } from 'openssl-wasm-sandbox';
import { compareReports, runScenario, toC, type Scenario, type Step } from 'openssl-wasm-sandbox/conformance';
import { callbacksSetBySteps, type Role } from './context-settings.js';
import { byId, download, fill, h } from './dom.js';
import { Playground, SEED, contextRoles, newScenario, shareStoreSteps, withContext, withoutContext } from './playground.js';
import { Timeline, type State } from './timeline.js';
import type { Snapshot, SteppedHandshake } from './runtime.js';
import { variantChooser } from './variants.js';
import { hasScenarioHash, scenarioFromFile, scenarioFromHash, scenarioHash } from './share.js';
import { renderCache } from './panels/cache.js';
import { callPalette } from './panels/call-palette.js';
import { contextForm, contextLabel, type ContextForm } from './panels/context-form.js';
import { renderCounters } from './panels/counters.js';
import { eventFilters, renderEvents } from './panels/event-log.js';
import { describeStep, renderHistory } from './panels/history.js';
import { renderResult } from './panels/result.js';
import { renderComparison } from './panels/compare.js';
import { renderSessions, type SessionAction } from './panels/sessions.js';
import { SHARED_STORE, renderStore, sharingContexts } from './panels/store.js';
import { handshakeConnections, renderSequence, type BytesPick } from './panels/sequence.js';
import { renderRecordBytes } from './panels/bytes.js';
import { describeEvents, editedRecords, renderStepper, type StepperView } from './panels/stepper.js';

/** Each context's settings form, by scenario name; rebuilt when the contexts change (syncContexts). */
const forms = new Map<string, ContextForm>();
const variantSelect = byId<HTMLSelectElement>('variant');
variantChooser(variantSelect);
const offer = byId<HTMLSelectElement>('offer');
const target = byId<HTMLSelectElement>('target');
const connectionSelect = byId<HTMLSelectElement>('connection');
const status = byId('status');
const alertBox = byId('alert');

const defaults = (variant: Variant = '3.5') => newScenario(variant, { server: { role: 'server' }, client: { role: 'client' } });
const playground = new Playground(defaults());
let snapshot: Snapshot | undefined;
/** Every state reached, for undo and redo; the browser's history holds the same states, in order. */
const timeline = new Timeline();
/** This page load's history entries (others, from before a reload, reopen from their link). */
const PAGE = crypto.randomUUID();
/** The hash this page wrote itself, so that only a pasted link reloads. */
let writtenHash = '';
/** After a new handshake the diagram shows it; otherwise it keeps the connection chosen. */
let followLatest = true;

// ---- running steps one at a time ------------------------------------------------------

let queue: Promise<void> = Promise.resolve();
let pending = 0;

function showError(message: string | undefined): void {
  alertBox.hidden = !message;
  alertBox.textContent = message ?? '';
}

/**
 * Queues `work`; the page shows it busy (body[data-busy]) until every queued step is drawn.
 * Work that reaches a new state names it (`reach`): it becomes undoable.
 */
function perform(what: string, work: () => Promise<Snapshot | undefined>, reach?: Reach): void {
  pending++;
  document.body.dataset.busy = 'true';
  // The link shown was to the state before; the address bar keeps the new one's.
  byId('share-box').hidden = true;
  status.textContent = `${what}…`;
  queue = queue.then(async () => {
    try {
      const next = await work();
      if (reach) reached(reach);
      if (next) await render(next);
      status.textContent = 'Ready.';
    } catch (error) {
      showError((error as Error).message);
      status.textContent = 'Failed: see the message above.';
      variantSelect.value = playground.variant;
    } finally {
      if (--pending === 0) document.body.dataset.busy = 'false';
    }
  });
}

/** While a handshake is being stepped, other steps would land in the middle of it: they wait. */
function busyStepping(): boolean {
  if (!stepping || stepping.view.ended) return false;
  showError('Finish or close the stepped handshake first (Handshake panel).');
  return true;
}

function act(what: string, step: Step): void {
  if (busyStepping()) return;
  perform(what, async () => {
    showError(undefined);
    return playground.act(step);
  }, describeStep(step));
}

function load(what: string, scenario: Scenario, label: string, upTo = scenario.steps.length): void {
  perform(what, () => loadNow(scenario, upTo), { scenario, cursor: upTo, label });
}

async function loadNow(scenario: Scenario, upTo?: number): Promise<Snapshot> {
  // A new sandbox: a stepped connection in the old one is gone with it.
  if (stepping) {
    stepping = undefined;
    drawStepper();
  }
  const next = await playground.load(scenario, upTo);
  writeForms();
  followLatest = true;
  return next;
}

function writeForms(): void {
  variantSelect.value = playground.variant;
  syncContexts();
  for (const [name, form] of forms) form.write(playground.config(name));
}

/**
 * Makes every per-context control match the scenario's contexts: a settings form and its button,
 * a cache view, a flush button, and the choices of the handshake and of "Add and remove on".
 */
function syncContexts(): void {
  const contexts = contextRoles(playground.scenario);
  if (contexts.map(([n]) => n).join() === [...forms.keys()].join()) return;
  const open = new Set([...forms].filter(([, f]) => !f.element.hidden).map(([n]) => n));
  forms.clear();
  const formBox = byId('forms');
  formBox.querySelectorAll('fieldset.context').forEach((f) => f.remove());
  const buttons: HTMLElement[] = [];
  for (const [name, role] of contexts) {
    const form = contextForm(name, role);
    forms.set(name, form);
    form.element.hidden = !open.has(name);
    // The first server and client stay: every playground scenario has them.
    if (name !== role) {
      form.element.append(h('button', { type: 'button', onclick: () => removeContext(name) }, `Remove ${name} (SSL_CTX_free)`));
    }
    formBox.querySelector(':scope > .row')!.before(form.element);
    const button = h('button', { type: 'button', 'aria-expanded': String(open.has(name)), 'aria-controls': 'forms' }, `${contextLabel(name, role)} SSL_CTX settings`);
    button.addEventListener('click', () => toggleSettings(name, button));
    buttons.push(button);
  }
  showForms();
  fill(byId('context-buttons'), ...buttons);
  fill(byId('caches-body'), ...contexts.flatMap(([name, role]) => [h('h3', {}, `${contextLabel(name, role)}`), h('div', { id: `cache-${name}`, 'data-testid': `cache-${name}` })]));
  fill(byId('flush-buttons'), ...contexts.map(([name]) => h('button', { type: 'button', onclick: () => act('Flushing', { call: 'SSL_CTX_flush_sessions', args: [name] }) }, `SSL_CTX_flush_sessions(${name})`)));
  const choose = (select: HTMLSelectElement, names: string[]) => {
    const chosen = select.value;
    fill(select, ...names.map((n) => h('option', { value: n }, n)));
    select.value = names.includes(chosen) ? chosen : names[0];
  };
  choose(byId('hs-client'), contexts.filter(([, r]) => r === 'client').map(([n]) => n));
  choose(byId('hs-server'), contexts.filter(([, r]) => r === 'server').map(([n]) => n));
  choose(target, contexts.map(([n]) => n));
}

/** The settings panel shows while some context's form is open. */
function showForms(): void {
  byId('forms').hidden = [...forms.values()].every((f) => f.element.hidden);
}

function toggleSettings(name: string, button: HTMLElement): void {
  const form = forms.get(name)!;
  const open = button.getAttribute('aria-expanded') !== 'true';
  button.setAttribute('aria-expanded', String(open));
  form.element.hidden = !open;
  showForms();
  if (open) form.element.querySelector<HTMLElement>('select, input')?.focus();
}

function addContext(role: Role): void {
  if (busyStepping()) return;
  const { scenario, name } = withContext(playground.scenario, role);
  load(`Creating ${name} (SSL_CTX_new) and replaying the steps`, scenario, `add ${name}`);
}

function removeContext(name: string): void {
  if (busyStepping()) return;
  try {
    load(`Removing ${name}`, withoutContext(playground.scenario, name), `remove ${name}`);
  } catch (error) {
    showError((error as Error).message);
  }
}
byId('add-server').addEventListener('click', () => addContext('server'));
byId('add-client').addEventListener('click', () => addContext('client'));

// ---- drawing --------------------------------------------------------------------------

/** How to find the focused control again once the panels are redrawn (its id, or its accessible name). */
function focusKey(): string | undefined {
  const active = document.activeElement;
  if (!active || active === document.body) return undefined;
  if (active.id) return `#${CSS.escape(active.id)}`;
  const label = active.getAttribute('aria-label');
  return label ? `[aria-label="${CSS.escape(label)}"]` : undefined;
}

async function render(next: Snapshot): Promise<void> {
  // Redrawing replaces the session and step buttons: keyboard users keep their place.
  const focused = focusKey();
  await draw(next);
  if (focused && (document.activeElement === document.body || !document.activeElement?.isConnected)) {
    document.querySelector<HTMLElement>(focused)?.focus();
  }
}

async function draw(next: Snapshot): Promise<void> {
  snapshot = next;
  byId('version').textContent = `${next.opensslVersion}.`;
  syncContexts();
  for (const [name, form] of forms) {
    form.showState(next.contexts[name].settings);
    form.showCallbacksSet(callbacksSetBySteps(name, playground.scenario.steps));
  }

  const chosen = offer.value;
  fill(offer, h('option', { value: '' }, 'none: a full handshake'),
    ...next.sessions.map((s) => h('option', { value: s.ref }, `${s.ref} (${s.info.name}, ${s.info.protocol}${s.info.resumable ? '' : ', not resumable'})`)));
  offer.value = next.sessions.some((s) => s.ref === chosen) ? chosen : '';

  const last = [...next.records].reverse().find((r) => 'handshake' in r.step);
  const outcome = byId('outcome');
  outcome.textContent = last ? last.text : 'No handshake yet.';
  outcome.dataset.resumed = String(last?.handshake?.reused ?? false);
  outcome.className = last?.error ? 'error' : last?.handshake?.reused ? 'resumed' : '';

  byId('now').textContent = `${new Date(next.now * 1000).toISOString().replace('.000Z', 'Z')} (${next.now})`;
  const latest = next.records.at(-1);
  fill(byId('last-result'), latest ? renderResult(latest) : null);

  palette.update(next);
  renderSessions(byId('sessions-body'), next, target.value, sessionAction);
  for (const name of forms.keys()) renderCache(byId(`cache-${name}`), next.contexts[name], next.now);
  renderCounters(byId('counters-body'), next);
  drawStore(next);
  drawEvents();
  const ahead = timeline.ahead;
  renderHistory(byId('history-list'), next.records, ahead?.steps ?? [], (n) => load(`Replaying to step ${n}`, ahead?.scenario ?? playground.scenario, `replay to step ${n}`, n));
  drawUndo();
  fitEventLog();
  drawSequence();
  await drawCode();
}

/** The external store panel, and its action: usable once two servers exist and not all of them share the store yet. */
function drawStore(next: Snapshot): void {
  renderStore(byId('store-body'), next);
  const servers = contextRoles(playground.scenario).filter(([, role]) => role === 'server').map(([name]) => name);
  const sharing = sharingContexts(next);
  const share = byId<HTMLButtonElement>('share-store');
  share.disabled = servers.length < 2 || servers.every((name) => sharing.includes(name));
  share.setAttribute('aria-describedby', 'store-body');
}

byId('share-store').addEventListener('click', () => !busyStepping() && perform('Sharing an external store', async () => {
  showError(undefined);
  return playground.actAll(shareStoreSteps(playground.scenario, SHARED_STORE));
}, 'share an external store'));

function drawSequence(): void {
  if (!snapshot) return;
  const connections = handshakeConnections(snapshot.events);
  const chosen = followLatest ? connections.at(-1) : connectionSelect.value;
  fill(connectionSelect, ...connections.map((c) => h('option', { value: c }, c)));
  connectionSelect.value = chosen ?? '';
  followLatest = false;
  byId<HTMLButtonElement>('capture').disabled = !chosen;
  // A record's bytes stay on show only with their own connection's diagram.
  if (byId('bytes-view').dataset.connection !== chosen) byId('bytes-view').hidden = true;
  renderSequence(byId('sequence-body'), snapshot.events, chosen, (pick) => showBytes(chosen!, pick));
}

async function drawCode(): Promise<void> {
  const code = byId('c-code');
  try {
    code.textContent = toC(await playground.runtime.allEvents(), 'playground').source;
  } catch (error) {
    code.textContent = `/* This run cannot be exported as C: ${(error as Error).message} */`;
  }
}

/** The event log ends where the window does, so that the latest events are on the first screen. */
function fitEventLog(): void {
  const log = byId('event-log');
  const top = log.getBoundingClientRect().top + scrollY;
  log.style.maxHeight = `${Math.max(160, innerHeight - top - 16)}px`;
  log.scrollTop = log.scrollHeight;
}
addEventListener('resize', fitEventLog);
// What sits above it (the header's status and alert, the counters) changes height too.
for (const above of [document.querySelector('header')!, byId('counters-body')]) new ResizeObserver(() => fitEventLog()).observe(above);

// ---- undo, redo, Back and Forward -------------------------------------------------------

/** The address of the state: a link to it, when it fits in one. */
function addressOf(scenario: Scenario): string {
  try {
    return scenarioHash(scenario);
  } catch {
    return location.pathname + location.search;
  }
}

/** A state reached: given whole, or by what led to it (the playground's scenario, every step run). */
type Reach = State | string;

/**
 * Records the state just reached: a new entry of the timeline and of the browser's history (the
 * first state of the page replaces the entry it was opened with), its address a link to it.
 */
function reached(reach: Reach): void {
  const state = typeof reach === 'string' ? { scenario: playground.scenario, cursor: playground.scenario.steps.length, label: reach } : reach;
  const first = timeline.index < 0;
  const index = timeline.push(state);
  // The link replays what is run, not the steps past the cursor.
  const address = addressOf({ ...state.scenario, steps: state.scenario.steps.slice(0, state.cursor) });
  writtenHash = address.startsWith('#') ? address : '';
  fill(byId('compare-body'), h('p', { class: 'muted' }, 'Run the steps on every variant to compare them.'));
  if (first) history.replaceState({ page: PAGE, index }, '', address);
  else history.pushState({ page: PAGE, index }, '', address);
  drawUndo();
}

/** Replays a state of the timeline (undo, redo, Back, Forward): a fresh seeded sandbox, exactly as it was. */
function restore(state: State, what: string): void {
  perform(what, () => loadNow(state.scenario, state.cursor));
}

function drawUndo(): void {
  const undo = byId<HTMLButtonElement>('undo');
  const redo = byId<HTMLButtonElement>('redo');
  undo.disabled = !timeline.previous;
  redo.disabled = !timeline.next;
  undo.title = timeline.previous ? `Undo ${timeline.current?.label} (Ctrl+Z)` : 'Nothing to undo';
  redo.title = timeline.next ? `Redo ${timeline.next.label} (Ctrl+Shift+Z)` : 'Nothing to redo';
}

// Undo and redo are the browser's Back and Forward, so that both move through the same states.
const undo = () => timeline.previous && !busyStepping() && history.back();
const redo = () => timeline.next && !busyStepping() && history.forward();
byId('undo').addEventListener('click', undo);
byId('redo').addEventListener('click', redo);
document.addEventListener('keydown', (event) => {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
  const key = event.key.toLowerCase();
  // Ctrl+K goes to the call palette from anywhere, as in the devtools' command menus.
  if (key === 'k') {
    event.preventDefault();
    palette.focus();
    return;
  }
  // In a text field, Ctrl+Z undoes the typing.
  if ((event.target as HTMLElement).closest('input[type=text], input[type=search], input[type=number], textarea')) return;
  if (key === 'z' && !event.shiftKey) undo();
  else if ((key === 'z' && event.shiftKey) || key === 'y') redo();
  else return;
  event.preventDefault();
});

window.addEventListener('popstate', (event) => {
  const entry = event.state as { page?: string; index?: number } | null;
  const state = entry?.page === PAGE ? timeline.go(entry.index ?? -1) : undefined;
  writtenHash = location.hash;
  if (state) {
    if (stepping && !stepping.view.ended) showError('The stepped handshake was closed: you went to another state.');
    restore(state, `Going to: ${state.label}`);
  } else {
    openHash();
  }
});

/** The field tree and bytes of a record of `connection`, dissected from its transcript and opened with its key log. */
function showBytes(connection: string, pick: BytesPick): void {
  perform('Dissecting the records', async () => {
    const { sb } = playground.runtime;
    const records = await dissect(await sb.transcript(connection), await sb.keylog(connection));
    const carrying = 'record' in pick ? undefined
      : records.filter((r) => r.from === pick.from).flatMap((r) => r.messages.map(() => r))[pick.message];
    const record = 'record' in pick ? records.find((r) => r.number === pick.record) : carrying;
    const view = byId('bytes-view');
    if (!record) return undefined;
    view.hidden = false;
    view.dataset.connection = connection;
    renderRecordBytes(view, connection, record);
    // A message opens with its own node selected.
    if (!('record' in pick)) {
      const before = records.filter((r) => r.from === pick.from && r.number < record.number).reduce((n, r) => n + r.messages.length, 0);
      view.querySelectorAll<HTMLButtonElement>('button[data-filter="tls.handshake"]')[pick.message - before]?.click();
    }
    view.querySelector<HTMLElement>('h3')?.scrollIntoView({ block: 'nearest' });
    return undefined;
  });
}

// ---- controls -------------------------------------------------------------------------

const eventFilter = eventFilters(byId('event-filters'), () => drawEvents());

function drawEvents(): void {
  if (!snapshot) return;
  eventFilter.update(snapshot.events);
  renderEvents(byId('event-log'), snapshot, eventFilter.read());
}

// Any function of the C API table, its result then the thing to read (as after a handshake).
const palette = callPalette(byId('call-palette'), (name, step) => {
  act(name, step);
  void queue.then(() => byId('last-result').focus());
}, (prefix) => playground.nextName(prefix));

function sessionAction(call: SessionAction, ref: string): void {
  const ctx = target.value;
  const step: Step = call === 'SSL_SESSION_dup' ? { call, args: [ref], as: playground.nextName('dup') }
    : call === 'SSL_SESSION_free' ? { call, args: [ref] } : { call, args: [ctx, ref] };
  act(call, step);
}

byId('apply').addEventListener('click', () => !busyStepping() && perform('Applying', async () => {
  showError(undefined);
  const configs = Object.fromEntries([...forms].map(([name, form]) => [name, form.read()]));
  const { snapshot: next, how } = await playground.apply(configs);
  byId('apply-note').textContent = how;
  writeForms();
  followLatest = true;
  return next;
}, 'apply the settings'));

// A new variant replays the steps done so far on it: the history stays, and the change is undoable.
variantSelect.addEventListener('change', () => {
  if (busyStepping()) {
    variantSelect.value = playground.variant;
    return;
  }
  const variant = variantSelect.value as Variant;
  load(`Replaying the steps on OpenSSL ${variant}`, { ...playground.scenario, openssl: [variant] }, `switch to OpenSSL ${variant}`);
});

// The panes under the panels: one shown at a time (the WAI-ARIA tabs pattern, arrow keys included).
const tabs = Array.from(document.querySelectorAll<HTMLButtonElement>('#panes [role=tab]'));
function showTab(tab: HTMLButtonElement): void {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
    byId(t.getAttribute('aria-controls')!).hidden = !selected;
  }
}
for (const [i, tab] of tabs.entries()) {
  tab.addEventListener('click', () => showTab(tab));
  tab.addEventListener('keydown', (event) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = tabs[(i + step + tabs.length) % tabs.length];
    showTab(next);
    next.focus();
  });
}

/** The contexts the next handshake connects: the Client and Server choices. */
const pair = () => ({ client: byId<HTMLSelectElement>('hs-client').value, server: byId<HTMLSelectElement>('hs-server').value });

byId('handshake').addEventListener('click', () => {
  const shutdown = document.querySelector<HTMLInputElement>('input[name=shutdown]:checked')?.value as 'clean' | 'unclean';
  const step: Step = {
    handshake: { ...pair(), ...(offer.value ? { session: offer.value } : {}), ...(shutdown === 'unclean' ? { shutdown } : {}) },
    as: playground.nextName('hs'),
  };
  followLatest = true;
  act('Handshaking', step);
  // The result is what one looks at next: screen readers and keyboards go there too.
  void queue.then(() => byId('outcome').focus());
});

// ---- step through: a handshake flight by flight ------------------------------------------

let stepping: { handshake: SteppedHandshake; view: StepperView } | undefined;
const stepNext = byId<HTMLButtonElement>('step-next');
const stepDeliver = byId<HTMLButtonElement>('step-deliver');
const stepClose = byId<HTMLButtonElement>('step-close');
const stepOutcome = byId('step-outcome');

function drawStepper(): void {
  const focused = focusKey();
  const view = stepping?.view;
  byId('stepper').hidden = !view;
  renderStepper(byId('stepper-body'), view, drawStepper);
  const open = !!view && !view.ended;
  byId<HTMLButtonElement>('handshake').disabled = open;
  byId<HTMLButtonElement>('step-start').disabled = open;
  const stuck = view?.last?.outcome === 'failed' || view?.last?.outcome === 'stalled';
  stepNext.disabled = !open || !!view?.held || stuck;
  stepDeliver.disabled = !open || !view?.held || editedRecords(view.held, view.edits).invalid;
  stepClose.hidden = !open || !stuck;
  stepClose.textContent = view?.tampered ? 'Close (unclean)' : 'Close';
  if (focused && (document.activeElement === document.body || !document.activeElement?.isConnected)) {
    document.querySelector<HTMLElement>(focused)?.focus();
  }
  if (stuck && document.activeElement === stepNext) stepClose.focus();
}

function showStepOutcome(text: string, kind: '' | 'error' | 'done'): void {
  stepOutcome.textContent = text;
  stepOutcome.className = kind;
}

/** The event log and the diagram follow the stepped connection as it goes (no snapshot: that belongs to whole steps). */
function drawLive(): void {
  if (!snapshot) return;
  drawEvents();
  followLatest = true;
  drawSequence();
}

byId('step-start').addEventListener('click', () => {
  if (busyStepping()) return;
  const name = playground.nextName('hs');
  const shutdown = document.querySelector<HTMLInputElement>('input[name=shutdown]:checked')?.value;
  const step = {
    handshake: { ...pair(), ...(offer.value ? { session: offer.value } : {}), ...(shutdown === 'unclean' ? { shutdown: 'unclean' as const } : {}) },
    as: name,
  };
  perform('Connecting (SSL_new on both sides)', async () => {
    showError(undefined);
    const handshake = await playground.startStepped(step);
    const connection = handshake.connection.name;
    stepping = { handshake, view: { connection, name, lines: [], edits: [], firstRecord: 1, tampered: false, ended: false } };
    showStepOutcome(`Connected${offer.value ? `, offering ${offer.value}` : ''}: press Next step to run the client's SSL_do_handshake.`, '');
    drawStepper();
    drawLive();
    stepNext.focus();
    return undefined;
  });
});

stepNext.addEventListener('click', () => {
  const current = stepping;
  if (!current || current.view.ended) return;
  perform('Running SSL_do_handshake', async () => {
    const { view, handshake } = current;
    const flight = await handshake.connection.step();
    const events = await playground.runtime.pullEvents();
    const { messages, alerts } = describeEvents(events, flight.from);
    view.last = flight;
    const records = flight.records.map((r) => r.type).join(', ');
    const wrote = flight.records.length ? `wrote ${records}${messages.length ? ` (${messages.join(', ')})` : ''}` : 'wrote nothing';
    view.lines.push({ text: `${flight.from}: ${flight.outcome === 'failed' ? 'failed' : wrote}${alerts.length ? `; ${alerts.join('; ')}` : ''}`, kind: flight.outcome === 'failed' ? 'error' : undefined });
    if (flight.outcome === 'failed') {
      const reasons = flight.error?.queue.map((q) => q.reason).filter(Boolean).join('; ') || flight.error?.message || 'no reason given';
      showStepOutcome(`The ${flight.from} failed: ${reasons}.${alerts.length ? ` Alert: ${alerts.join('; ')}.` : ''} Close the connection to go on.`, 'error');
    } else if (flight.outcome === 'stalled') {
      showStepOutcome('Stalled: neither side can move (a flight was dropped). Close the connection to go on.', 'error');
    } else if (flight.outcome === 'done') {
      await finishStepping(current, flight);
      return undefined;
    } else if (flight.records.length) {
      view.held = flight;
      view.edits = flight.records.map((_, source) => ({ source, action: 'keep', flip: '' }));
      const wire = await playground.runtime.sb.transcript(view.connection);
      view.firstRecord = 1 + wire.reduce((n, chunk) => n + parseRecords(chunk.bytes).length, 0);
      showStepOutcome(`The ${flight.from}'s flight is held: keep, drop, duplicate, move or modify its records, then Deliver.`, '');
    } else {
      showStepOutcome(`The ${flight.from} wrote nothing: Next step.`, '');
    }
    drawStepper();
    drawLive();
    if (view.held) stepDeliver.focus();
    return undefined;
  });
});

stepDeliver.addEventListener('click', () => {
  const current = stepping;
  const held = current?.view.held;
  if (!current || !held) return;
  const { records, tampered, invalid } = editedRecords(held, current.view.edits);
  if (invalid) return;
  perform('Delivering', async () => {
    const { view, handshake } = current;
    await handshake.connection.deliver(tampered ? records : undefined);
    const changes = view.edits.flatMap((e) => [
      ...(e.action !== 'keep' ? [`record ${view.firstRecord + e.source} ${e.action === 'drop' ? 'dropped' : 'duplicated'}`] : []),
      ...(e.flip.trim() ? [`record ${view.firstRecord + e.source} byte ${e.flip} flipped`] : []),
    ]);
    if (view.edits.some((e, i) => e.source !== i)) changes.push('records reordered');
    view.lines.push(tampered
      ? { text: `delivered to the ${held.from === 'client' ? 'server' : 'client'}, changed: ${changes.join(', ')} (${records.length} record${records.length === 1 ? '' : 's'})`, kind: 'tampered' }
      : { text: `delivered to the ${held.from === 'client' ? 'server' : 'client'} as written` });
    if (tampered) handshake.tampered = view.tampered = true;
    view.held = undefined;
    view.edits = [];
    showStepOutcome('Delivered: Next step runs the other side.', '');
    await playground.runtime.pullEvents();
    drawStepper();
    drawLive();
    stepNext.focus();
    return undefined;
  });
});

/** Takes the client session and closes: a whole step if nothing was changed. */
async function finishStepping(current: NonNullable<typeof stepping>, last: Flight): Promise<void> {
  const { view, handshake } = current;
  const next = await playground.endStepped(handshake, last);
  view.ended = true;
  view.held = undefined;
  const record = next.records.at(-1);
  if (!handshake.tampered && record?.step === handshake.step) reached(describeStep(handshake.step));
  if (!handshake.tampered && record?.step === handshake.step) {
    view.lines.push({ text: record.text, kind: record.error ? 'error' : 'done' });
    const how = last.outcome === 'done' ? `Done: ${record.text}.` : `Closed: ${record.text}.`;
    showStepOutcome(`${how} Recorded as step ${view.name}${record.handshake ? `; its client session is ${view.name}.session` : ''}.`, record.error ? 'error' : 'done');
  } else {
    view.lines.push({ text: `closed (${last.outcome === 'done' ? 'clean' : 'unclean'} shutdown)`, kind: 'tampered' });
    const result = last.outcome === 'done' ? 'Done, though tampered' : `Closed after the ${last.from} ${last.outcome === 'failed' ? 'failed' : 'stalled'}`;
    showStepOutcome(`${result}. Tampered handshakes are not part of the shared link / scenario: not recorded as a step, no session kept.`, last.outcome === 'done' ? 'done' : 'error');
  }
  await render(next);
  drawStepper();
  byId('step-start').focus();
}

stepClose.addEventListener('click', () => {
  const current = stepping;
  const last = current?.view.last;
  if (!current || !last || current.view.ended) return;
  perform('Closing the connection', () => finishStepping(current, last).then(() => undefined));
});

for (const button of Array.from(document.querySelectorAll<HTMLButtonElement>('[data-advance]'))) {
  button.addEventListener('click', () => act('Moving the clock', { clock: `+${button.dataset.advance}` }));
}
target.addEventListener('change', () => snapshot && renderSessions(byId('sessions-body'), snapshot, target.value, sessionAction));
connectionSelect.addEventListener('change', drawSequence);

// Back to the default settings and no steps; the variant stays. Undoable like any step.
byId('reset').addEventListener('click', () => {
  if (busyStepping()) return;
  byId('bytes-view').hidden = true;
  load('Starting over', defaults(playground.variant), 'reset');
});

byId('share').addEventListener('click', async () => {
  try {
    const url = new URL(scenarioHash(playground.scenario), location.href).href;
    byId('share-box').hidden = false;
    const field = byId<HTMLInputElement>('share-url');
    field.value = url;
    field.select();
    await navigator.clipboard?.writeText(url).catch(() => {});
    status.textContent = 'Share link copied (and selected).';
  } catch (error) {
    showError((error as Error).message);
  }
});

byId('export').addEventListener('click', () =>
  download('playground-scenario.json', `${JSON.stringify(playground.scenario, null, 2)}\n`, 'application/json'));

byId<HTMLInputElement>('import').addEventListener('change', (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  // Queued at once (not after reading the file), so that the page is busy from the first moment.
  perform(`Running ${file.name}`, async () => {
    const scenario = await scenarioFromFile(file);
    showError(undefined);
    return loadNow({ ...scenario, seed: scenario.seed ?? SEED });
  }, `import ${file.name}`);
});

byId('capture').addEventListener('click', () => perform('Capturing', async () => {
  const connection = connectionSelect.value;
  const { pcapng } = await playground.runtime.sb.capture(connection);
  download(`${connection}.pcapng`, pcapng as BlobPart, 'application/vnd.tcpdump.pcap');
  return undefined;
}));

// The steps run so far, on every variant one after the other (each in a worker of its own).
byId('compare').addEventListener('click', () => perform('Running the steps on every variant', async () => {
  const steps = playground.scenario.steps;
  const scenario = { ...playground.scenario, openssl: undefined };
  const reports = [];
  for (const variant of VARIANTS) {
    status.textContent = `Running the steps on OpenSSL ${variant}…`;
    reports.push(await runScenario(scenario, { openssl: variant, worker: true, record: true }));
  }
  renderComparison(byId('compare-body'), compareReports(reports), (n) => describeStep(steps[n]));
  return undefined;
}));

byId('copy-code').addEventListener('click', async () => {
  const text = byId('c-code').textContent ?? '';
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = 'C code copied.';
  } catch {
    // Without clipboard access (http, permissions): select it for Ctrl+C.
    getSelection()?.selectAllChildren(byId('c-code'));
    status.textContent = 'C code selected: press Ctrl+C to copy.';
  }
});

// ---- start: a shared link, or the defaults ----------------------------------------------

function openHash(): void {
  const hash = location.hash;
  if (!hasScenarioHash(hash)) {
    load('Loading OpenSSL', defaults(), 'start');
    return;
  }
  // Queued at once: the page is busy while the scenario validator loads and checks the link.
  perform('Replaying the shared session', async () => {
    let shared: Scenario | undefined;
    try {
      const scenario = await scenarioFromHash(hash);
      shared = { ...scenario, seed: scenario.seed ?? SEED };
    } catch (error) {
      showError((error as Error).message);
    }
    const opened = shared ?? defaults();
    const next = await loadNow(opened);
    reached({ scenario: opened, cursor: opened.steps.length, label: shared ? 'open a shared link' : 'start' });
    return next;
  });
}

window.addEventListener('hashchange', () => {
  if (location.hash !== writtenHash) openHash();
});
openHash();
