// The lesson page: an index of the lessons (progress kept in localStorage) and a lesson view:
// intro, a question to answer before running, a real run of the lesson's scenario in a Web
// Worker, then (only then) the verdict next to the prediction, the finding, the explanation, and
// the steps with what OpenSSL returned and every context's cache and counters after each.
// Plain TypeScript and DOM.
import type { SandboxEvent, Variant } from 'openssl-wasm-sandbox';
import { runScenario, type Expected, type ScenarioReport, type Step } from 'openssl-wasm-sandbox/conformance';
import { scenarioHash } from '../share.js';
import { variantChooser } from '../variants.js';
import { answerOn, checkLesson, type Lesson } from './lesson.js';

interface Entry { slug: string; lesson: Lesson }
interface Progress { choice?: number; correct?: boolean; completed?: boolean }

const modules = import.meta.glob<Lesson>('./data/*.json', { eager: true, import: 'default' });
const lessons: Entry[] = Object.keys(modules).sort().map((path) => {
  const slug = path.replace(/^.*\//, '').replace(/\.json$/, '');
  return { slug, lesson: checkLesson(modules[path], slug) };
});

const STORE = 'openssl-sandbox-lessons-progress';
function loadProgress(): Record<string, Progress> {
  try {
    const data = JSON.parse(localStorage.getItem(STORE) ?? '{}');
    return data && typeof data === 'object' ? data : {};
  } catch {
    return {};
  }
}
function saveProgress(slug: string, change: Progress): void {
  const all = loadProgress();
  all[slug] = { ...all[slug], ...change };
  try {
    localStorage.setItem(STORE, JSON.stringify(all));
  } catch {
    // Private windows may refuse storage: progress is then only kept for this visit.
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { className?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** A little markdown: blank-line paragraphs, `code` and **bold**; everything else is text. */
function renderText(target: HTMLElement, text: string): void {
  target.replaceChildren(...text.split(/\n\s*\n/).map((para) => {
    const p = el('p');
    for (const part of para.split(/(`[^`]+`|\*\*[^*]+\*\*)/)) {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1) p.append(el('code', { textContent: part.slice(1, -1) }));
      else if (part.startsWith('**') && part.endsWith('**') && part.length > 3) p.append(el('strong', { textContent: part.slice(2, -2) }));
      else if (part) p.append(part);
    }
    return p;
  }));
}

/** Values as a person reads them: `{count: 1, contains: [first.session]}`. */
function brief(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(brief).join(', ')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${k}: ${brief(v)}`).join(', ')}}`;
  return String(value);
}

function forVariant(expected: Expected | undefined, variant: Variant): unknown {
  if (expected && typeof expected === 'object' && 'byVariant' in (expected as object)) return (expected as { byVariant: Record<string, unknown> }).byVariant[variant];
  return expected;
}

/** What a step does, as one line. */
function describeStep(step: Step): string {
  if ('call' in step) return `${step.as ? `${step.as} = ` : ''}${step.call}(${(step.args ?? []).map((a) => typeof a === 'string' && /^[0-9a-f]{16,}$/.test(a) ? `${a.slice(0, 8)}…` : brief(a)).join(', ')})`;
  if ('handshake' in step) {
    const h = step.handshake;
    return `handshake ${h.client} → ${h.server}${h.session ? `, offering ${h.session}` : ', full'}${step.as ? ` (named ${step.as})` : ''}${h.shutdown === 'unclean' ? ', unclean shutdown' : ''}`;
  }
  if ('clock' in step) return step.clock.startsWith('+') ? `clock moves ${step.clock} s` : `clock set to ${step.clock}`;
  return 'check the state';
}

// ---- views ----

const body = document.body;
const indexView = $('index-view');
const lessonView = $('lesson-view');
const variantSelect = $<HTMLSelectElement>('variant');
variantChooser(variantSelect);
const runButton = $<HTMLButtonElement>('run');
const status = $('status');
let current: { entry: Entry; index: number; report?: ScenarioReport; step: number; all: boolean } | undefined;

function badge(progress: Progress | undefined): HTMLElement | string {
  if (progress?.completed) return el('span', { className: 'badge completed', textContent: progress.correct ? 'completed · predicted right' : 'completed' });
  if (progress?.choice !== undefined) return el('span', { className: 'badge predicted', textContent: 'predicted' });
  return '';
}

function showIndex(): void {
  current = undefined;
  const progress = loadProgress();
  lessonView.hidden = true;
  indexView.hidden = false;
  $('lesson-list').replaceChildren(...lessons.map(({ slug, lesson }) => {
    const item = el('li', {}, el('a', { href: `#${slug}`, textContent: lesson.title }), badge(progress[slug]));
    item.dataset.slug = slug;
    item.dataset.state = progress[slug]?.completed ? 'completed' : progress[slug]?.choice !== undefined ? 'predicted' : 'new';
    return item;
  }));
  const done = lessons.filter(({ slug }) => progress[slug]?.completed);
  const right = done.filter(({ slug }) => progress[slug]?.correct).length;
  $('progress-summary').textContent = done.length
    ? `${done.length} of ${lessons.length} lessons completed, ${right} predicted right.`
    : `${lessons.length} lessons, from a first handshake to external caches. Start with the first.`;
  document.title = 'OpenSSL session cache lessons';
}

function chosen(): number | undefined {
  const input = document.querySelector<HTMLInputElement>('input[name="choice"]:checked');
  return input ? Number(input.value) : undefined;
}

function updateRunState(): void {
  const picked = chosen() !== undefined;
  runButton.disabled = !picked || body.dataset.busy === 'true';
  $('run-hint').textContent = picked ? 'Runs the experiment on real OpenSSL.' : 'Choose an answer first.';
}

function showLesson(index: number): void {
  const entry = lessons[index];
  const { lesson } = entry;
  current = { entry, index, step: 0, all: false };
  const progress = loadProgress()[entry.slug];
  indexView.hidden = true;
  lessonView.hidden = false;
  document.title = `${lesson.title} · OpenSSL session cache lessons`;
  $('lesson-position').textContent = `· lesson ${index + 1} of ${lessons.length}`;
  $('lesson-title').textContent = lesson.title;
  renderText($('intro'), lesson.intro);
  $('prompt').textContent = lesson.question.prompt;
  $('choices').replaceChildren(...lesson.question.choices.map((text, i) => {
    const input = el('input', { type: 'radio', name: 'choice', value: String(i), id: `choice-${i}`, checked: progress?.choice === i });
    input.addEventListener('change', updateRunState);
    return el('label', { className: 'choice', htmlFor: `choice-${i}` }, input, el('span', { textContent: text }));
  }));
  $('result').hidden = true;
  status.textContent = progress?.completed ? 'You have done this one: your earlier answer is selected. Run it again to see the result.'
    : progress?.choice !== undefined ? 'Your earlier answer is selected: run it to see what OpenSSL does.' : '';
  updateRunState();
  updatePlaygroundLink();
  const next = lessons[index + 1];
  const nextLink = $<HTMLAnchorElement>('next-lesson');
  nextLink.hidden = !next;
  if (next) nextLink.href = `#${next.slug}`;
  $('lesson-title').focus();
}

function updatePlaygroundLink(): void {
  if (!current) return;
  const link = $<HTMLAnchorElement>('playground-link');
  try {
    link.href = `../index.html${scenarioHash({ ...current.entry.lesson.scenario, openssl: [variantSelect.value as Variant] })}`;
    link.hidden = false;
  } catch {
    link.hidden = true;
  }
}

async function run(): Promise<void> {
  if (!current) return;
  const choice = chosen();
  if (choice === undefined) return;
  const { entry } = current;
  const variant = variantSelect.value as Variant;
  saveProgress(entry.slug, { choice });
  body.dataset.busy = 'true';
  updateRunState();
  status.textContent = `Running the experiment on OpenSSL ${variant} in a Web Worker…`;
  let events: SandboxEvent[] = [];
  let report: ScenarioReport;
  try {
    // record: every step's caches and counters, for the step-by-step view.
    report = await runScenario(entry.lesson.scenario, { openssl: variant, worker: true, record: true, events: (e) => { events = e; } });
  } catch (error) {
    status.textContent = `The experiment could not run: ${(error as Error).message}`;
    body.dataset.busy = 'false';
    updateRunState();
    return;
  }
  if (current?.entry !== entry) {
    body.dataset.busy = 'false';
    return;
  }
  const right = choice === answerOn(entry.lesson, variant);
  saveProgress(entry.slug, { choice, completed: report.ok, correct: right });
  current.report = report;
  current.step = 0;
  showResult(choice, variant, report, events);
  status.textContent = `Ran on OpenSSL ${variant} in ${report.durationMs} ms.`;
  body.dataset.busy = 'false';
  updateRunState();
}

function showResult(choice: number, variant: Variant, report: ScenarioReport, events: SandboxEvent[]): void {
  const { lesson } = current!.entry;
  const { choices } = lesson.question;
  const answer = answerOn(lesson, variant);
  const right = choice === answer;
  const note = lesson.byVariant?.[variant]?.note;
  const checks = report.observations.length;
  const verdict = $('verdict');
  verdict.className = `verdict ${right ? 'right' : 'wrong'}`;
  verdict.dataset.correct = String(right);
  verdict.replaceChildren(
    el('strong', { textContent: right ? '✓ Your prediction was right.' : '✗ Your prediction was not what OpenSSL did.' }),
    el('p', {}, 'You predicted: ', el('em', { textContent: choices[choice] })),
    el('p', {}, `OpenSSL ${variant} did: `, el('em', { textContent: choices[answer] })),
    el('p', { className: 'finding', id: 'finding' }, el('strong', { textContent: 'Finding: ' }), lesson.finding),
    ...(note ? [el('p', { className: 'variant-note', textContent: `On OpenSSL ${variant}: ${note}` })] : []),
    report.ok
      ? el('p', { className: 'held', textContent: `Confirmed by the run: all ${checks} checks of the experiment held.` })
      : el('p', { className: 'broken', textContent: `This run did not confirm the lesson: ${report.failures.length} check(s) failed (see the steps marked ✗).` }),
  );
  document.querySelectorAll<HTMLElement>('.choice').forEach((label, i) => {
    label.classList.toggle('answer', i === answer);
    label.classList.toggle('wrong', i === choice && !right);
  });
  renderText($('explanation'), lesson.explanation);
  $('c-log').textContent = events.map((e) => e.c).filter(Boolean).join('\n');
  $('result').hidden = false;
  renderSteps();
  // The outcome is what the run was for: keyboard and screen-reader users land on it.
  verdict.focus();
}

type StepState = NonNullable<ScenarioReport['record']>[number];

/** Every context's cache and non-zero counters after a step, as the recorded run saw them. */
function renderState(state: StepState | undefined): HTMLElement {
  if (!state) return el('p', { className: 'state muted', textContent: 'No state recorded (the run stopped before this step).' });
  return el('div', { className: 'state' }, ...Object.keys(state.cache).map((name) => {
    const cache = state.cache[name];
    const counters = Object.entries(state.counters[name] ?? {});
    return el('div', {},
      el('strong', { textContent: name }),
      ` cache (${cache.length}): `, cache.length ? el('code', { textContent: cache.join(' · ') }) : 'empty',
      '; counters: ', counters.length ? el('code', { textContent: counters.map(([c, n]) => `${c} ${n}`).join(', ') }) : 'all 0',
      counters.length ? ' (the others 0)' : '');
  }));
}

function renderSteps(): void {
  if (!current?.report) return;
  const { entry, report, step, all } = current;
  const variant = report.variant;
  const steps = entry.lesson.scenario.steps;
  const observed = new Map(report.observations.map((o) => [o.step, o.observed]));
  // A check step changes nothing: the state after it is the one after the last action step.
  const recorded = report.record ?? [];
  const stateAfter = (i: number) => recorded.filter((r) => r.step <= i).at(-1);
  $('steps').replaceChildren(...steps.map((s, i) => {
    const failures = report.failures.filter((f) => f.step === i);
    const expected = 'expect' in s ? forVariant(s.expect as Expected | undefined, variant) : undefined;
    const item = el('li', { className: `${i === step ? 'current' : ''}${failures.length ? ' failed' : ''}` },
      el('div', { className: 'what' }, el('span', { className: 'n', textContent: `${i + 1}.` }), describeStep(s)));
    item.hidden = !all && i !== step;
    item.dataset.step = String(i);
    if (i === step) item.setAttribute('aria-current', 'step');
    const seen = el('div', { className: 'seen' });
    if (observed.has(i)) {
      seen.append(failures.length ? '✗ OpenSSL returned ' : '✓ OpenSSL returned ', el('code', { textContent: brief(observed.get(i)) }));
      if (failures.length) seen.append(` (expected ${failures.map((f) => `${f.path} = ${brief(f.expected)}, got ${brief(f.observed)}`).join('; ')})`);
    } else if (expected !== undefined) {
      seen.append('expected ', el('code', { textContent: brief(expected) }));
    } else {
      seen.append(el('span', { className: 'muted', textContent: 'done (nothing checked here)' }));
    }
    item.append(seen, renderState(stateAfter(i)));
    return item;
  }));
  $('step-position').textContent = all ? `All ${steps.length} steps` : `Step ${step + 1} of ${steps.length}`;
  $<HTMLButtonElement>('step-back').disabled = all || step === 0;
  $<HTMLButtonElement>('step-forward').disabled = all || step === steps.length - 1;
  $('step-all').setAttribute('aria-pressed', String(all));
  $('step-all').textContent = all ? 'One step at a time' : 'Show all steps';
}

function moveStep(delta: number): void {
  if (!current?.report || current.all) return;
  const last = current.entry.lesson.scenario.steps.length - 1;
  current.step = Math.max(0, Math.min(last, current.step + delta));
  renderSteps();
}

// ---- wiring ----

function route(): void {
  const slug = decodeURIComponent(location.hash.slice(1));
  const index = lessons.findIndex((l) => l.slug === slug);
  if (index >= 0) showLesson(index);
  else showIndex();
}

$('predict').addEventListener('submit', (event) => {
  event.preventDefault();
  void run();
});
variantSelect.addEventListener('change', updatePlaygroundLink);
$('step-back').addEventListener('click', () => moveStep(-1));
$('step-forward').addEventListener('click', () => moveStep(1));
$('step-all').addEventListener('click', () => {
  if (!current) return;
  current.all = !current.all;
  renderSteps();
});
$('result').addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  if (target.closest('summary, a, pre') || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === 'ArrowLeft') moveStep(-1);
  else if (event.key === 'ArrowRight') moveStep(1);
});
$('reset-progress').addEventListener('click', () => {
  try {
    localStorage.removeItem(STORE);
  } catch {
    // nothing kept
  }
  showIndex();
});
window.addEventListener('hashchange', route);
route();
