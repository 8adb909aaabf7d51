// The lessons (web/lessons/data/*.json): each is checked as data, and its scenario is run on
// every OpenSSL variant, so no lesson can teach something OpenSSL does not do. Then the lesson
// page in headless Chromium: a wrong and a right prediction, run for real, the finding only
// after the run, every step's caches and counters, progress kept across a reload, axe-core,
// and a lesson opened in the playground with its checks. Screenshots (1366×768 and 390×844)
// go to test/artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { DEFAULT_VARIANT, VARIANTS, type Variant } from '../src/index.js';
import { runScenario } from '../src/scenario/run.js';
import { checkLesson, type Lesson } from '../web/lessons/lesson.js';
import { checkScenario, scenarioHash } from '../web/share.js';
import { openHeadless, type HeadlessPage } from '../scripts/checkout/headless.js';
import { seriousViolations } from './browser/axe.js';
import { refusedByPolicy, watchCsp } from './browser/csp.js';
import { leftOutOfQuick } from './quick.js';

const dataDir = new URL('../web/lessons/data/', import.meta.url);
const files = readdirSync(dataDir).filter((f) => f.endsWith('.json')).sort();

/** The variants whose expectations somewhere differ from the default variant's. */
function differing(lesson: Lesson): Variant[] {
  const stated = lesson.scenario.steps.map((s) => ('expect' in s ? s.expect : undefined) as { byVariant?: Record<string, unknown> } | undefined)
    .filter((e) => e && typeof e === 'object' && 'byVariant' in e).map((e) => e!.byVariant!);
  return VARIANTS.filter((v) => stated.some((b) => JSON.stringify(b[v]) !== JSON.stringify(b[DEFAULT_VARIANT])));
}

describe('lessons as data', () => {
  it('there are at least 25 lessons, numbered in order', () => {
    assert.ok(files.length >= 25, `${files.length} lessons`);
    files.forEach((f, i) => assert.match(f, new RegExp(`^${String(i + 1).padStart(2, '0')}-[a-z0-9-]+\\.json$`)));
  });

  for (const file of files) {
    describe(file, () => {
      const lesson = checkLesson(JSON.parse(readFileSync(new URL(file, dataDir), 'utf8')), file);
      it('is a valid lesson whose scenario states the lesson\'s title', () => {
        assert.equal(lesson.scenario.title, lesson.title);
      });
      it('asks a question in its title, and neither the title, the file name nor the intro tells the finding', () => {
        assert.match(lesson.title, /\?$/);
        const words = (text: string) => text.toLowerCase().replace(/[^a-z0-9_]+/g, ' ').trim();
        for (const [what, text] of [['title', lesson.title], ['file name', file.replace(/-/g, ' ')], ['intro', lesson.intro]]) {
          assert.ok(!words(text).includes(words(lesson.finding)), `the ${what} tells the finding`);
        }
        assert.ok(!lesson.title.includes(lesson.question.choices[lesson.question.answer]), 'the title names the right answer');
      });
      it('opens in the playground on every variant, its checks kept in the link', async () => {
        for (const variant of VARIANTS) {
          const hash = scenarioHash({ ...lesson.scenario, openssl: [variant] });
          assert.deepEqual((await checkScenario(JSON.stringify({ ...lesson.scenario, openssl: [variant] }), file)).steps, lesson.scenario.steps);
          assert.ok(hash.length > 0);
        }
      });
      it('states, for each variant on which the outcome differs, what differs (and only for those)', () => {
        assert.deepEqual(Object.keys(lesson.byVariant ?? {}).sort(), differing(lesson));
      });
      for (const variant of VARIANTS) {
        it(`holds on OpenSSL ${variant}`, async () => {
          const report = await runScenario(lesson.scenario, { openssl: variant, worker: false, file });
          assert.equal(report.skipped, undefined, 'a lesson applies to both variants');
          assert.deepEqual(report.failures, [], JSON.stringify(report.failures, null, 1));
          assert.ok(report.observations.length > 0, 'the scenario checks something');
        });
      }
    });
  }
});

describe('lesson page [Chromium, OpenSSL in a Web Worker]', { skip: leftOutOfQuick('Chromium') }, () => {
  const artifacts = new URL('./artifacts/', import.meta.url);
  mkdirSync(artifacts, { recursive: true });
  /** The viewport's size in the name: the main states are shot at 1366×768 and at 390×844. */
  const shot = async (name: string) => {
    const { width, height } = page.viewportSize()!;
    await page.screenshot({ path: new URL(`lessons-${width}x${height}-${name}.png`, artifacts).pathname, fullPage: true });
  };
  const idle = () => page.waitForSelector('body[data-busy="false"]', { timeout: 60_000 });
  const lesson = (n: number) => checkLesson(JSON.parse(readFileSync(new URL(files[n], dataDir), 'utf8')));
  let headless: HeadlessPage;
  let page: Page;
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  before(async () => {
    headless = await openHeadless('web/lessons/index.html', (p) => {
      p.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
      watchCsp(p, cspViolations);
    });
    page = headless.page;
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.waitForSelector('#lesson-list li');
  });
  after(() => headless?.close());

  /** Follows a link to a lesson and waits until the page shows it. */
  async function open(link: ReturnType<Page['getByRole']>, title: string): Promise<void> {
    await link.click();
    await page.waitForFunction((t) => document.getElementById('lesson-title')?.textContent === t && !document.getElementById('lesson-view')?.hidden, title);
  }

  async function runLesson(): Promise<void> {
    await page.getByRole('button', { name: 'Run' }).click();
    await page.waitForSelector('#result:not([hidden])', { timeout: 60_000 });
    await idle();
  }

  it('lists every lesson, none started', async () => {
    assert.equal(await page.locator('#lesson-list li').count(), files.length);
    assert.equal(await page.locator('#lesson-list li[data-state="new"]').count(), files.length);
    await shot('01-index');
  });

  it('a wrong prediction: the run shows what OpenSSL did, why, and the steps', async () => {
    const first = lesson(0);
    await open(page.getByRole('link', { name: first.title }), first.title);
    const run = page.getByRole('button', { name: 'Run' });
    assert.equal(await run.isDisabled(), true, 'no run before a prediction');
    const wrong = first.question.answer === 0 ? 1 : 0;
    await page.getByLabel(first.question.choices[wrong]).check();
    assert.equal(await run.isDisabled(), false);
    const before = await page.locator('main').innerText();
    assert.ok(!before.includes(first.finding) && !before.includes(first.explanation.slice(0, 60)), 'the finding and the explanation wait for the run');
    await shot('02-question');
    await runLesson();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'verdict', 'focus goes to the result');
    assert.equal(((await page.getByTestId('verdict').locator('#finding').textContent()) ?? '').trim(), `Finding: ${first.finding}`);
    const verdict = page.getByTestId('verdict');
    assert.equal(await verdict.getAttribute('data-correct'), 'false');
    const said = (await verdict.textContent()) ?? '';
    assert.match(said, /not what OpenSSL did/);
    assert.ok(said.includes(first.question.choices[first.question.answer]), 'the real outcome is shown');
    assert.match(said, /all \d+ checks of the experiment held/);
    assert.match((await page.getByTestId('explanation').textContent()) ?? '', /ssl_update_cache/);
    assert.match((await page.getByTestId('status').textContent()) ?? '', /Ran on OpenSSL 3\.5/);
    // Steps, one at a time, by button and by keyboard.
    const steps = first.scenario.steps.length;
    assert.equal((await page.getByTestId('step-position').textContent())?.trim(), `Step 1 of ${steps}`);
    assert.match((await page.locator('#steps li[aria-current="step"]').textContent()) ?? '', /handshake client → server, full[\s\S]*✓ OpenSSL returned \{reused: false, version: TLSv1\.2\}/);
    // The full state after the step: every context's cache and counters.
    const state = (await page.locator('#steps li[aria-current="step"] .state').innerText()).replace(/\s+/g, ' ');
    assert.match(state, /server cache \(1\): #\d+[^;]*; counters: accept 1, accept_good 1 \(the others 0\)/);
    assert.match(state, /client cache \(0\): empty; counters: connect 1, connect_good 1 \(the others 0\)/);
    await page.getByRole('button', { name: 'Forward →' }).click();
    assert.equal((await page.getByTestId('step-position').textContent())?.trim(), `Step 2 of ${steps}`);
    await page.getByRole('button', { name: 'Forward →' }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal((await page.getByTestId('step-position').textContent())?.trim(), `Step 3 of ${steps}`);
    assert.match((await page.locator('#steps li[aria-current="step"]').textContent()) ?? '', /SSL_CTX_sess_number\(server\)[\s\S]*returned 1/);
    await page.getByRole('button', { name: 'Back' }).click();
    assert.equal((await page.getByTestId('step-position').textContent())?.trim(), `Step 2 of ${steps}`);
    await page.getByRole('button', { name: 'Show all steps' }).click();
    assert.equal(await page.locator('#steps li:visible').count(), steps);
    assert.equal(await page.locator('#steps > li .state').count(), steps, 'every step shows the state after it');
    assert.match((await page.getByTestId('c-log').textContent()) ?? '', /SSL_CTX_new/);
    const href = (await page.getByTestId('playground-link').getAttribute('href')) ?? '';
    assert.match(href, /^\.\.\/index\.html#scenario=[A-Za-z0-9_-]+$/);
    await shot('02-wrong-prediction');
  });

  it('a right prediction on OpenSSL 3.0, reached with "Next lesson"', async () => {
    const second = lesson(1);
    await open(page.getByRole('link', { name: 'Next lesson →' }), second.title);
    assert.equal(await page.locator('#result').isHidden(), true);
    await page.getByTestId('variant').selectOption('3.0');
    await page.getByLabel(second.question.choices[second.question.answer]).check();
    await runLesson();
    assert.equal(await page.getByTestId('verdict').getAttribute('data-correct'), 'true');
    assert.match((await page.getByTestId('verdict').textContent()) ?? '', /prediction was right[\s\S]*OpenSSL 3\.0 did/);
    assert.match((await page.getByTestId('status').textContent()) ?? '', /Ran on OpenSSL 3\.0/);
    assert.match((await page.locator('#steps li[aria-current="step"]').textContent()) ?? '', /full \(named first\)✓ OpenSSL returned \{reused: false, flights: 4\}/);
    await shot('03-right-prediction');
  });

  it('axe-core finds no serious or critical accessibility violation on the index or on a lesson after its run', async () => {
    await page.getByRole('button', { name: 'Show all steps' }).click();
    assert.deepEqual(await seriousViolations(page), [], 'a lesson after its run, all steps shown');
    await page.getByRole('link', { name: 'All lessons' }).click();
    await page.waitForSelector('#index-view:not([hidden])');
    assert.deepEqual(await seriousViolations(page), [], 'the index');
  });

  it('remembers progress after a reload, and reads on a narrow screen', async () => {
    await page.goto(page.url().replace(/#.*$/, '#'));
    await page.reload();
    await page.waitForSelector('#lesson-list li');
    const state = (n: number) => page.locator('#lesson-list li').nth(n).getAttribute('data-state');
    assert.equal(await state(0), 'completed');
    assert.equal(await state(1), 'completed');
    assert.equal(await state(2), 'new');
    assert.match((await page.locator('#lesson-list li').nth(1).textContent()) ?? '', /predicted right/);
    assert.match((await page.getByTestId('progress-summary').textContent()) ?? '', new RegExp(`2 of ${files.length} lessons completed, 1 predicted right`));
    await shot('04-progress');
    // The first lesson reopens with the prediction made.
    await page.setViewportSize({ width: 390, height: 844 });
    const first = lesson(0);
    await open(page.getByRole('link', { name: first.title }), first.title);
    const wrong = first.question.answer === 0 ? 1 : 0;
    assert.equal(await page.getByLabel(first.question.choices[wrong]).isChecked(), true);
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('05-question');
    await runLesson();
    await page.getByRole('button', { name: 'Show all steps' }).click();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling on a phone (${overflow}px)`);
    await shot('06-result');
    await page.goto(page.url().replace(/#.*$/, '#'));
    await page.waitForSelector('#lesson-list li');
    await shot('07-index');
    await page.setViewportSize({ width: 1366, height: 768 });
    assert.deepEqual(pageErrors, []);
  });

  it('a lesson opened in the playground keeps its checks, and shows one that does not hold', async () => {
    const n = files.findIndex((f) => f.startsWith('24-'));
    const two = lesson(n);
    await page.goto(new URL(`#${files[n].replace(/\.json$/, '')}`, page.url()).href);
    await page.waitForFunction((t) => document.getElementById('lesson-title')?.textContent === t, two.title);
    await page.getByLabel(two.question.choices[two.question.answer]).check();
    await runLesson();
    await page.getByTestId('playground-link').click();
    const checked = two.scenario.steps.filter((s) => 'expect' in s && s.expect !== undefined).length;
    const checks = page.locator('#history-list [data-testid="check"]');
    await page.waitForFunction((n) => document.body.dataset.busy === 'false' && document.querySelectorAll('#history-list [data-testid="check"]').length === n, checked, { timeout: 60_000 });
    assert.deepEqual(await checks.evaluateAll((all) => all.map((c) => c.getAttribute('data-held'))), Array(checked).fill('true'));
    assert.match((await page.getByTestId('cache-server2').textContent()) ?? '', /second\.session|#/);
    await page.screenshot({ path: new URL('lessons-1366x768-08-in-the-playground.png', artifacts).pathname, fullPage: true });
    // The same lesson with one expectation changed: the playground says so, step and values.
    const steps = two.scenario.steps.map((s) => ('call' in s && s.call === 'SSL_CTX_add_session' ? { ...s, expect: 0 } : s));
    await page.goto(new URL(scenarioHash({ ...two.scenario, steps, openssl: ['3.5'] }), page.url()).href);
    await page.waitForFunction((n) => document.body.dataset.busy === 'false' && document.querySelectorAll('#history-list [data-testid="check"]').length === n, checked, { timeout: 60_000 });
    const failed = page.locator('#history-list [data-testid="check"][data-held="false"]');
    assert.equal(await failed.count(), 1);
    assert.match((await failed.textContent()) ?? '', /✗ check failed: SSL_CTX_add_session\(\): expected 0, observed 1/);
  });

  it('ran with no Content-Security-Policy violation, under a policy that refuses eval and inline script', async () => {
    assert.deepEqual(cspViolations, []);
    const refused = await refusedByPolicy(page, '/test/browser/eval-probe.ts');
    assert.equal(refused.eval, true);
    assert.equal(refused.inlineScript, true);
  });
});
