// The playground (web/) in headless Chromium, driven as a person would: configure the contexts,
// handshake, resume, remove and add the session, move the clock, read the C code, and reopen
// the shared link. Assertions read what the page shows; screenshots go to test/artifacts/.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { openHeadless, type HeadlessPage } from '../scripts/checkout/headless.js';
import { EVENT_KINDS, VARIANTS } from '../src/index.js';
import { seriousViolations } from './browser/axe.js';
import { refusedByPolicy, watchCsp } from './browser/csp.js';

const artifacts = new URL('./artifacts/', import.meta.url);
mkdirSync(artifacts, { recursive: true });

let headless: HeadlessPage;
let page: Page;
const pageErrors: string[] = [];
/** Content-Security-Policy violations on every page the tests open, and in their workers. */
const cspViolations: string[] = [];

/** Waits until every queued step has run and the panels are drawn. */
const idle = (p: Page = page) => p.waitForSelector('body[data-busy="false"]', { timeout: 30_000 });
async function press(locator: Locator): Promise<void> {
  await locator.click();
  await idle(locator.page());
}
const shot = (name: string, p: Page = page) => p.screenshot({ path: new URL(`${name}.png`, artifacts).pathname, fullPage: true });
/** The Handshake panel alone, legible at its own size (the stepped handshake lives there). */
const panelShot = (name: string) => page.locator('#actions').screenshot({ path: new URL(`${name}-panel.png`, artifacts).pathname });
const text = async (testId: string, p: Page = page) => (await p.getByTestId(testId).textContent()) ?? '';
const resumed = async (p: Page = page) => p.getByTestId('handshake-outcome').getAttribute('data-resumed');
const cacheCount = async () => Number(await page.getByTestId('cache-server').getAttribute('data-count'));

/** Step through: Next step until a flight is held (or the handshake ends); `held` sees each held flight before Deliver. */
async function stepUntil(stop: (from: string, clientDone: boolean) => boolean, deliver = true): Promise<void> {
  const held = page.getByTestId('held-flight');
  for (let n = 0; n < 20; n++) {
    await press(page.getByRole('button', { name: 'Next step' }));
    if (await page.getByRole('button', { name: 'Next step' }).isDisabled() && !(await held.count())) return; // ended, failed or stalled
    if (!(await held.count())) continue;
    const from = (await held.getAttribute('data-from')) ?? '';
    if (stop(from, (await held.getAttribute('data-client-done')) === 'true')) return;
    if (deliver) await press(page.getByRole('button', { name: 'Deliver' }));
  }
  throw new Error('the stepped handshake did not end in 20 steps');
}

/** Opens a context's settings (they open per context, closed at first). */
async function settings(role: 'server' | 'client'): Promise<Locator> {
  const button = page.getByRole('button', { name: `${role === 'server' ? 'Server' : 'Client'} SSL_CTX settings` });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  return page.getByTestId(`${role}-config`);
}

/** Shows one of the panes under the panels: Steps, Handshake messages or C code. */
const pane = (name: string) => page.getByRole('tab', { name }).click();

/** The steps run so far (the Steps pane also lists undone ones, greyed, after them). */
const stepsRun = () => page.getByTestId('history').locator('li:not(.ahead):not(.empty)').count();

/** Waits until the page, busy or not, shows `count` steps run (Back and Forward start their work on popstate). */
async function untilSteps(count: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('#history-list li:not(.ahead):not(.empty)').length === n && document.body.dataset.busy === 'false', count, { timeout: 30_000 });
}

async function handshake(offer = ''): Promise<void> {
  await page.getByLabel('Offer a session').selectOption(offer);
  await press(page.getByRole('button', { name: 'Run handshake' }));
}

before(async () => {
  headless = await openHeadless('web/index.html', (p) => {
    p.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
    watchCsp(p, cspViolations);
  });
  page = headless.page;
  await page.setViewportSize({ width: 1440, height: 900 });
  await idle();
});

after(() => headless?.close());

describe('playground [Chromium, OpenSSL 3.5 in a Web Worker]', () => {
  it('starts with both contexts and no steps', async () => {
    assert.match(await text('version'), /OpenSSL 3\.5/);
    assert.equal(await cacheCount(), 0);
    const filters = await page.locator('#event-filters details > label').allTextContents();
    assert.deepEqual(filters, [...EVENT_KINDS], 'the event log filters every kind of event');
    await shot('01-initial');
  });

  it('configures a TLS 1.2 server with SSL_OP_NO_TICKET and a 300 s timeout through set calls', async () => {
    const server = await settings('server');
    await server.getByLabel('Maximum protocol').selectOption('TLSv1.2');
    await server.getByLabel('SSL_OP_NO_TICKET').check();
    await server.getByLabel('Timeout (s)').fill('300');
    await press(page.getByRole('button', { name: 'Apply' }));
    assert.match(await text('apply-note'), /Reconfigured with 3 calls/);
    const code = await text('c-code');
    assert.match(code, /SSL_CTX_set_max_proto_version\(server_ctx_1, TLS1_2_VERSION\)/);
    assert.match(code, /SSL_CTX_set_options\(server_ctx_1, SSL_OP_NO_TICKET\)/);
  });

  it('runs a full handshake, then resumes its session', async () => {
    await handshake();
    assert.equal(await resumed(), 'false');
    assert.match(await text('handshake-outcome'), /hs1: .*TLSv1\.2, full handshake/);
    assert.equal(await cacheCount(), 1);
    // The TLS 1.2 server looked up the TLS 1.3-capable client's random session id: a miss, labelled as such.
    assert.equal((await page.getByTestId('counter-server-misses').textContent())?.trim(), '1 (+1)');
    assert.match(await text('compatibility-miss'), /^server: the miss is the client's random compatibility session id \(RFC 8446 D\.4\)/);
    await handshake('hs1.session');
    assert.equal(await resumed(), 'true');
    assert.equal(await page.getByTestId('compatibility-miss').count(), 0, 'a resumption by id sends the session\'s own id');
    assert.match(await text('handshake-outcome'), /hs2: .*resumed \(offered hs1\.session\)/);
    const hits = page.getByTestId('counter-server-hits');
    assert.equal((await hits.textContent())?.trim(), '1 (+1)');
    assert.match((await hits.getAttribute('class')) ?? '', /changed/);
    assert.ok((await page.getByTestId('message').count()) >= 4, 'the sequence diagram shows the messages');
    assert.match(await text('sequence'), /ClientHello[\s\S]*session_id: [0-9a-f]{8}/);
    await shot('02-resumed');
  });

  it('shows a record\'s bytes from the transcript', async () => {
    await pane('Handshake messages');
    await page.getByText(/Records on the wire/).click();
    await press(page.getByRole('button', { name: /^record 1: client → server, handshake, \d+ B$/ }));
    assert.match(await text('record-bytes'), /^0000 {2}16 03 0[13]/);
    assert.match(await text('bytes-title'), /^conn_\d+ record 1: client → server, handshake: ClientHello, \d+ bytes$/);
    await pane('Steps');
  });

  it('SSL_CTX_remove_session returns 1 and the next handshake is a full one', async () => {
    await press(page.getByRole('button', { name: 'SSL_CTX_remove_session(server, hs1.session)' }));
    assert.match(await text('session-result-hs1.session'), /SSL_CTX_remove_session\(server_ctx_1, sess_\d+\) = 1/);
    await handshake('hs1.session');
    assert.equal(await resumed(), 'false');
    assert.match(await text('handshake-outcome'), /hs3: .*full handshake/);
    // SSL_CTX_remove_session marks the session it is given not resumable: the client no longer offers it.
    assert.equal(await page.getByTestId('session-hs1.session').getAttribute('data-resumable'), 'false');
    await shot('03-removed');
  });

  it('SSL_CTX_add_session returns 1; the cache takes the session back', async () => {
    const count = await cacheCount();
    await press(page.getByRole('button', { name: 'SSL_CTX_add_session(server, hs1.session)' }));
    assert.match(await text('session-result-hs1.session'), /SSL_CTX_add_session\(server_ctx_1, sess_\d+\) = 1/);
    assert.equal(await cacheCount(), count + 1);
    assert.match(await text('c-code'), /SSL_CTX_add_session\(/);
    await handshake('hs3.session');
    assert.equal(await resumed(), 'true');
  });

  it('past the timeout the session expires: no resumption; later ones are flushed', async () => {
    await press(page.getByRole('button', { name: '+301 s' }));
    assert.match(await text('now'), /2027-01-15T08:05:01Z/);
    const expired = page.getByTestId('cache-server').locator('tr[data-expired="true"]');
    assert.equal(await expired.count(), 1, 'the 300 s server session is marked expired');
    await shot('04-expired');
    const count = await cacheCount();
    await handshake('hs3.session');
    assert.equal(await resumed(), 'false');
    assert.equal((await page.getByTestId('counter-server-timeouts').textContent())?.trim(), '1 (+1)');
    // The lookup dropped the expired session; the full handshake cached a new one.
    assert.equal(await expired.count(), 0);
    assert.equal(await cacheCount(), count);
    // hs1.session, added by hand, keeps the client context's 2 h timeout: a day later it is expired too.
    await press(page.getByRole('button', { name: '+1 day' }));
    assert.equal(await expired.count(), await cacheCount());
    await press(page.getByRole('button', { name: 'SSL_CTX_flush_sessions(server)' }));
    assert.equal(await cacheCount(), 0, 'the flush drops every expired session');
    await shot('05-flushed');
  });

  it('a shared link reopens the same state, replayed in a fresh seeded sandbox', async () => {
    await press(page.getByRole('button', { name: 'Copy share link' }));
    const url = await page.getByTestId('share-url').inputValue();
    assert.match(url, /#scenario=/);
    const again = await page.context().browser()!.newPage();
    again.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
    watchCsp(again, cspViolations);
    await again.setViewportSize({ width: 1440, height: 900 });
    await again.goto(url);
    await idle(again);
    for (const id of ['history', 'handshake-outcome', 'cache-server', 'cache-client', 'counters', 'sessions', 'c-code', 'now']) {
      assert.equal(await text(id, again), await text(id, page), `${id} is the same`);
    }
    await shot('06-shared', again);
    await again.close();
  });

  it('replays to an earlier step, keeping the later ones to replay forward', async () => {
    // Steps 1-3 are Apply's set calls, 4 the full handshake, 5 the resumption.
    const all = await page.getByTestId('history').locator('li').count();
    await press(page.getByRole('button', { name: 'Replay to step 5' }));
    assert.equal(await stepsRun(), 5);
    assert.equal(await page.getByTestId('ahead-step').count(), all - 5, 'the later steps are still there, not run');
    assert.equal(await page.getByTestId('history').locator('li[aria-current]').count(), 1);
    assert.equal(await resumed(), 'true');
    assert.match(await text('handshake-outcome'), /hs2: /);
    // Forward again to the last step, then back to 5: a new step will replace the ones after it.
    await press(page.getByRole('button', { name: `Replay to step ${all}` }));
    assert.equal(await stepsRun(), all);
    await press(page.getByRole('button', { name: 'Replay to step 5' }));
  });

  it('refuses a damaged or oversized link before running anything', async () => {
    const base = page.url().replace(/#.*/, '');
    const other = await page.context().browser()!.newPage();
    watchCsp(other, cspViolations);
    await other.goto(`${base}#scenario=${'A'.repeat(100_001)}`);
    await idle(other);
    assert.match(await text('error', other), /too long/);
    await other.goto('about:blank'); // a new document, not a hashchange racing the wait below
    await other.goto(`${base}#scenario=${Buffer.from('{"title":1}').toString('base64url')}`);
    await idle(other);
    assert.match(await text('error', other), /not a valid scenario[\s\S]*Nothing was run/);
    await other.close();
  });

  it('a failed handshake says why', async () => {
    await (await settings('client')).getByLabel('Minimum protocol').selectOption('TLSv1.3');
    await press(page.getByRole('button', { name: 'Apply' }));
    await handshake();
    assert.match(await text('handshake-outcome'), /handshake failed: .*(protocol|version)/i);
    assert.match((await page.getByTestId('handshake-outcome').getAttribute('class')) ?? '', /error/);
  });

  it('keyboard: a session button keeps the focus after the panels are redrawn', async () => {
    const button = page.getByRole('button', { name: 'SSL_SESSION_dup(hs1.session)' });
    await button.focus();
    await page.keyboard.press('Enter');
    await idle();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'SSL_SESSION_dup(hs1.session)');
    assert.match(await text('session-result-hs1.session'), /SSL_SESSION \*sess_\d+ = SSL_SESSION_dup\(sess_1\)/);
    assert.equal(await page.getByTestId('session-dup1').count(), 1);
  });

  it('downloads a capture of the chosen handshake as pcapng', async () => {
    await pane('Handshake messages');
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download capture (.pcapng)' }).click()]);
    await idle();
    const bytes = await readFile(await file.path());
    assert.match(file.suggestedFilename(), /^conn_\d+\.pcapng$/);
    assert.equal(bytes.readUInt32LE(0), 0x0a0d0d0a, 'a pcapng section header block');
  });

  it('exports the steps as a scenario file, which imports into a fresh page', async () => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export scenario' }).click()]);
    const scenario = JSON.parse(await readFile(await file.path(), 'utf8'));
    assert.equal(scenario.seed, 1);
    assert.ok(scenario.steps.some((s: { handshake?: unknown }) => s.handshake));
    const other = await page.context().browser()!.newPage();
    await other.goto(page.url().replace(/#.*/, ''));
    await idle(other);
    await other.getByLabel('Import scenario').setInputFiles(await file.path());
    await idle(other);
    assert.equal(await text('history', other), await text('history', page));
    assert.equal(await text('c-code', other), await text('c-code', page));
    await other.close();
  });

  it('steps through a TLS 1.3 handshake flight by flight, untampered: recorded as a handshake step', async () => {
    // The client wants TLS 1.3 (the test above): the server may offer it again.
    await (await settings('server')).getByLabel('Maximum protocol').selectOption('TLSv1.3');
    await press(page.getByRole('button', { name: 'Apply' }));
    const steps = await stepsRun();
    await page.getByLabel('Offer a session').selectOption('');
    await press(page.getByRole('button', { name: 'Step through' }));
    assert.equal(await page.getByRole('button', { name: 'Run handshake' }).isDisabled(), true, 'one handshake at a time');
    await press(page.getByRole('button', { name: 'Next step' }));
    const held = page.getByTestId('held-flight');
    assert.equal(await held.getAttribute('data-from'), 'client');
    assert.match(await held.textContent() ?? '', /record 1: handshake TLSv1(\.[0-2])?, \d+ bytes/);
    assert.match(await text('step-lines'), /client: wrote handshake \(ClientHello\)/);
    await shot('08-step-held');
    await panelShot('08-step-held');
    await press(page.getByRole('button', { name: 'Deliver' }));
    await stepUntil(() => false);
    assert.match(await text('step-outcome'), /^Done: hs\d+: conn_\d+, TLSv1\.3, full handshake\. Recorded as step hs\d+/);
    assert.match(await text('step-lines'), /server: wrote .*ServerHello/);
    assert.equal(await stepsRun(), steps + 1);
    const name = (await text('step-outcome')).match(/Recorded as step (hs\d+)/)![1];
    assert.equal(await page.getByTestId(`session-${name}.session`).count(), 1, 'its client session is listed');
    assert.match(await text('event-log'), /SSL_shutdown/);
    await shot('09-step-done');
    await panelShot('09-step-done');
    // Recorded as the handshake step it was: a replay of the shared link shows the same state.
    const again = await page.context().browser()!.newPage();
    again.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
    watchCsp(again, cspViolations);
    await again.goto(page.url());
    await idle(again);
    for (const id of ['history', 'cache-server', 'cache-client', 'counters', 'sessions', 'c-code']) {
      assert.equal(await text(id, again), await text(id, page), `${id} is the same`);
    }
    await again.close();
  });

  it('Handshake messages: each message as Wireshark\'s field tree over its bytes, TLS 1.3\'s EncryptedExtensions decrypted with the key log', async () => {
    await pane('Handshake messages');
    const tree = page.getByTestId('field-tree');
    const selected = () => tree.locator('button[aria-pressed="true"]').textContent();
    const highlighted = async (testId: string) => (await page.getByTestId(testId).locator('span.hl').allTextContents()).join('');

    // The server's EncryptedExtensions: opened from its arrow, decrypted, its message node selected and its bytes lit.
    await press(page.getByRole('button', { name: 'Fields and bytes of server\'s EncryptedExtensions' }));
    const title = await text('bytes-title');
    const [, connection, number] = title.match(/^(conn_\d+) record (\d+): server → client, application_data → handshake: EncryptedExtensions, (\d+) bytes$/) ?? [];
    assert.ok(number, title);
    assert.match(await tree.textContent() ?? '', /TLSv1\.3 Record Layer: handshake \(decrypted\): EncryptedExtensions[\s\S]*Opaque Type: application_data \(23\)[\s\S]*Decrypted with the key log's SERVER_HANDSHAKE_TRAFFIC_SECRET/);
    assert.equal(await selected(), 'Handshake Protocol: EncryptedExtensions');
    const message = await highlighted('decrypted-bytes');
    assert.match(message, /^08/, 'HandshakeType encrypted_extensions (8)');
    assert.equal(message.length / 2, 4 + parseInt(message.slice(2, 8), 16), 'type, length and body: the whole message');
    assert.equal(await highlighted('record-bytes'), '', 'nothing lit in the encrypted record');
    await shot('10-bytes-decrypted');

    // One number per record everywhere: the bytes view, the diagram's record list and the event log.
    await page.getByText(/Records on the wire/).click();
    assert.equal(await page.getByRole('button', { name: new RegExp(`^record ${number}: server → client, application_data, \\d+ B$`) }).count(), 1);
    await page.getByText('Filters', { exact: true }).click();
    await page.getByLabel('record', { exact: true }).check();
    assert.match(await text('event-log'), new RegExp(`${connection} record ${number}: server → client, application_data`));
    await page.getByLabel('record', { exact: true }).uncheck();
    await page.getByText('Filters', { exact: true }).click();

    // The ClientHello: its session id is the random compatibility one, and says so.
    await press(page.getByRole('button', { name: 'Fields and bytes of client\'s ClientHello' }));
    const sessionId = tree.getByRole('button', { name: /^Session ID: [0-9a-f]{64}$/ });
    await sessionId.click();
    assert.equal(await highlighted('record-bytes'), (await sessionId.textContent())!.slice('Session ID: '.length), 'its 32 bytes are lit');
    assert.match(await page.getByTestId('field-note').first().textContent() ?? '', /random compatibility session id \(RFC 8446 D\.4\)/);
    assert.match(await text('sequence'), /ClientHello[\s\S]*session_id: [0-9a-f…]+ \(random compatibility session id/);

    // A byte selects the innermost field holding it, unfolding its branch: the first cipher suite.
    const record = page.getByTestId('record-bytes');
    await record.locator('span[data-at="0"]').click();
    assert.equal(await selected(), 'Content Type: handshake (22)');
    await record.locator('span[data-at="78"]').click();
    assert.match(await selected() ?? '', /^Cipher Suite: TLS_\w+ \(0x13\d\d\)$/);
    assert.equal(await highlighted('record-bytes'), (await selected())!.match(/0x(13\d\d)/)![1]);
    assert.equal(await tree.getByRole('button', { name: /^Unfold Cipher Suites/ }).getAttribute('aria-expanded'), 'true');
    await shot('11-bytes-client-hello');
    await pane('Steps');
  });

  it('steps through a handshake and flips a byte of the client\'s Finished: the server fails with its own bad_record_mac alert', async () => {
    const steps = await text('history');
    await press(page.getByRole('button', { name: 'Step through' }));
    // The client's last flight: [change_cipher_spec,] Finished (encrypted, as application_data).
    await stepUntil((from, clientDone) => from === 'client' && clientDone);
    const records = page.getByTestId('held-flight').locator('.held-record');
    const n = await records.count();
    const size = Number((await records.nth(n - 1).textContent())!.match(/(\d+) bytes/)![1]) + 5;
    // Held records carry the numbers they take on the wire: the client's last flight comes after the server's.
    const number = Number((await records.nth(n - 1).textContent())!.match(/^record (\d+):/)![1]);
    assert.ok(number > n, `record ${number} follows the records already delivered`);
    const flip = page.getByLabel(`Record ${number}: flip the byte at offset`);
    await flip.fill(String(size - 1));
    await flip.press('Enter');
    await flip.blur();
    assert.match(await records.nth(n - 1).textContent() ?? '', new RegExp(`byte ${size - 1}: [0-9a-f]{2} → [0-9a-f]{2}`));
    assert.match(await text('deliver-summary'), /not be part of the shared link/);
    await shot('10-step-modified');
    await panelShot('10-step-modified');
    await press(page.getByRole('button', { name: 'Deliver' }));
    assert.match(await text('step-lines'), new RegExp(`changed: record ${number} byte ${size - 1} flipped`));
    await press(page.getByRole('button', { name: 'Next step' }));
    const outcome = await text('step-outcome');
    assert.match(outcome, /^The server failed: .*(decrypt|bad record mac)/i);
    assert.match(outcome, /server sent a fatal alert: bad_record_mac/);
    assert.match(await text('event-log'), /alert[\s\S]*bad_record_mac/);
    assert.equal(await page.getByRole('button', { name: 'Next step' }).isDisabled(), true);
    await shot('11-step-failed');
    await panelShot('11-step-failed');
    await press(page.getByRole('button', { name: 'Close (unclean)' }));
    assert.match(await text('step-outcome'), /not part of the shared link \/ scenario/);
    assert.equal(await text('history'), steps, 'the tampered handshake is not a step');
    await shot('12-step-closed');
    await panelShot('12-step-closed');
    // The page goes on: a normal handshake still succeeds.
    await handshake();
    assert.match(await text('handshake-outcome'), /hs\d+: conn_\d+, TLSv1\.3, full handshake/);
  });

  it('keyboard: a stepped handshake with a dropped flight stalls, and closes', async () => {
    await page.getByRole('button', { name: 'Step through' }).focus();
    await page.keyboard.press('Enter');
    await idle();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Next step');
    await page.keyboard.press('Enter');
    await idle();
    const action = page.getByLabel('Record 1: keep, drop or duplicate');
    await action.focus();
    await action.selectOption('drop');
    await press(page.getByRole('button', { name: 'Deliver' }));
    for (let i = 0; i < 3 && !/Stalled/.test(await text('step-outcome')); i++) await press(page.getByRole('button', { name: 'Next step' }));
    assert.match(await text('step-outcome'), /Stalled/);
    await press(page.getByRole('button', { name: 'Close (unclean)' }));
    assert.equal(await page.getByRole('button', { name: 'Run handshake' }).isDisabled(), false);
  });

  it('undoes and redoes a handshake (Ctrl+Z, Redo), and Back and Forward move through the same states', async () => {
    // Replayed states name connections afresh (the tampered handshakes above were not steps), so
    // they are compared with each other: the panels of a state are the same however one gets there.
    const state = async () => Promise.all(['history', 'handshake-outcome', 'cache-server', 'counters'].map((id) => text(id)));
    const before = await stepsRun();
    await handshake();
    assert.equal(await stepsRun(), before + 1);
    const name = (await text('handshake-outcome')).split(':')[0];
    await page.getByRole('heading', { name: 'Counters' }).click(); // the focus out of any field: Ctrl+Z there undoes typing
    await page.keyboard.press('Control+z');
    await untilSteps(before);
    assert.doesNotMatch(await text('handshake-outcome'), new RegExp(`^${name}:`), 'undone: the state before the handshake');
    assert.equal(await page.getByTestId('ahead-step').count(), 1, 'the undone handshake is listed, redoable');
    const undone = await state();
    await press(page.getByRole('button', { name: 'Redo' }));
    await untilSteps(before + 1);
    assert.match(await text('handshake-outcome'), new RegExp(`^${name}:`), 'redone: the same handshake');
    const redone = await state();
    await page.goBack();
    await untilSteps(before);
    assert.deepEqual(await state(), undone);
    await page.goForward();
    await untilSteps(before + 1);
    assert.deepEqual(await state(), redone);
    assert.match(page.url(), /#scenario=/, 'each state keeps its link');
  });

  it('switching the variant replays the steps on it and keeps them; undo switches back', async () => {
    const steps = await stepsRun();
    const described = await page.getByTestId('history').locator('li:not(.ahead) strong').allTextContents();
    await page.getByLabel('OpenSSL', { exact: true }).selectOption('3.0');
    await untilSteps(steps);
    assert.match(await text('version'), /OpenSSL 3\.0/, await page.locator('#alert').textContent() ?? '');
    assert.deepEqual(await page.getByTestId('history').locator('li:not(.ahead) strong').allTextContents(), described);
    await press(page.getByRole('button', { name: 'Undo' }));
    await untilSteps(steps);
    assert.match(await text('version'), /OpenSSL 3\.5/);
    assert.equal(await page.getByLabel('OpenSSL', { exact: true }).inputValue(), '3.5');
  });

  it('Reset restores the default settings and no steps, and is undoable', async () => {
    const steps = await stepsRun();
    await press(page.getByRole('button', { name: 'Reset' }));
    assert.equal(await stepsRun(), 0);
    assert.equal(await (await settings('server')).getByLabel('Maximum protocol').inputValue(), '', 'the default: no maximum set');
    await press(page.getByRole('button', { name: 'Undo' }));
    await untilSteps(steps);
    assert.equal(await (await settings('server')).getByLabel('Maximum protocol').inputValue(), 'TLSv1.3');
  });

  it('explains a return value: SSL_CTX_remove_session 1 succeeded, 0 was not found in the cache', async () => {
    await page.getByLabel('Add and remove on').selectOption('server');
    await handshake();
    const session = `${(await text('handshake-outcome')).split(':')[0]}.session`;
    // TLS 1.3 with tickets: the server keeps no session; the client's is added, then removed twice.
    await press(page.getByRole('button', { name: `SSL_CTX_add_session(server, ${session})` }));
    const remove = page.getByRole('button', { name: `SSL_CTX_remove_session(server, ${session})` });
    await press(remove);
    const result = page.getByTestId(`session-result-${session}`);
    assert.match(await result.textContent() ?? '', /= 1 The operation succeeded\. SSL_CTX_add_session\(3\)/);
    assert.match(await result.getAttribute('class') ?? '', /\bgood\b/);
    await press(remove);
    assert.match(await result.textContent() ?? '', /= 0 The operation failed: the session was not found in the cache\./);
    assert.match(await result.getAttribute('class') ?? '', /\bbad\b/);
    assert.notEqual(await result.locator('code').evaluate((e) => getComputedStyle(e).color),
      await page.getByTestId('history').locator('li:not(.ahead) output.good code').first().evaluate((e) => getComputedStyle(e).color), '0 is not shown in the colour of 1');
  });

  it('the event log filters by connection, by context and by text', async () => {
    await page.getByText('Filters', { exact: true }).click();
    const shownCode = () => page.getByTestId('event-log').locator('li.event code').allTextContents();
    await page.getByLabel('Events of connection').selectOption('conn_1');
    const ofConn1 = await shownCode();
    assert.ok(ofConn1.length > 0 && ofConn1.every((c) => /\bconn_1(_client|_server)?\b/.test(c)), 'only conn_1\'s events');
    await page.getByLabel('Events of connection').selectOption('');
    await page.getByLabel('Events of context').selectOption('server_ctx_1');
    await page.getByLabel('Search the events').fill('ssl_ctx_add_session');
    const adds = await shownCode();
    assert.ok(adds.length > 0 && adds.every((c) => c.includes('SSL_CTX_add_session(server_ctx_1')), `only the server's adds: ${adds.join(' | ')}`);
    await page.getByLabel('Search the events').fill('no event says this');
    assert.equal(await page.getByTestId('event-log').getAttribute('data-count'), '0');
    await page.getByLabel('Search the events').fill('');
    await page.getByLabel('Events of context').selectOption('');
    await page.getByText('Filters', { exact: true }).click();
  });

  it('a second server context: add the first server\'s session to it, and the client resumes on it', async () => {
    await press(page.getByRole('button', { name: 'Reset' }));
    await press(page.getByRole('button', { name: '+ server' }));
    assert.equal(await page.getByTestId('cache-server2').count(), 1, 'server2 has its own cache view');
    assert.equal(await page.getByTestId('counter-server2-hits').count(), 1, 'and its own counters');
    for (const name of ['server', 'server2']) {
      const button = page.getByRole('button', { name: `${name === 'server' ? 'Server' : name} SSL_CTX settings` });
      if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
      const form = page.getByTestId(`${name}-config`);
      await form.getByLabel('Maximum protocol').selectOption('TLSv1.2');
      await form.getByLabel('SSL_OP_NO_TICKET').check();
    }
    await press(page.getByRole('button', { name: 'Apply' }));
    await page.getByLabel('Server', { exact: true }).selectOption('server');
    await handshake();
    const session = `${(await text('handshake-outcome')).split(':')[0]}.session`;
    await page.getByLabel('Add and remove on').selectOption('server2');
    await press(page.getByRole('button', { name: `SSL_CTX_add_session(server2, ${session})` }));
    assert.match(await text(`session-result-${session}`), /SSL_CTX_add_session\(server_ctx_2, sess_\d+\) = 1/);
    assert.equal(await page.getByTestId('cache-server2').getAttribute('data-count'), '1');
    await page.getByLabel('Server', { exact: true }).selectOption('server2');
    await handshake(session);
    assert.equal(await resumed(), 'true', `the client resumed ${session} on server2: ${await text('handshake-outcome')}`);
    assert.match(await page.getByTestId('counter-server2-hits').textContent() ?? '', /^1/);
    assert.match(await page.getByTestId('counter-server-hits').textContent() ?? '', /^0/);
    // server2 is named by steps: it cannot go without them.
    await press(page.getByRole('button', { name: 'Remove server2 (SSL_CTX_free)' }));
    assert.match(await text('error'), /server2 is used by step \d+/);
    await page.getByLabel('Server', { exact: true }).selectOption('server');
    await shot('09-two-servers');
  });

  it('two servers share an external store: server2 resumes a session the first server made, its get callback answering from the store', async () => {
    await press(page.getByRole('button', { name: 'Reset' }));
    const share = page.getByRole('button', { name: 'Share an external store between the servers' });
    assert.equal(await share.isDisabled(), true, 'one server has no one to share with');
    await press(page.getByRole('button', { name: '+ server' }));
    for (const name of ['server', 'server2']) {
      const button = page.getByRole('button', { name: `${name === 'server' ? 'Server' : name} SSL_CTX settings` });
      if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
      await page.getByTestId(`${name}-config`).getByLabel('SSL_OP_NO_TICKET').check();
    }
    await press(page.getByRole('button', { name: 'Apply' }));
    await press(share);
    assert.equal(await share.isDisabled(), true, 'both servers share it now');
    assert.match(await text('server2-callbacks-set'), /steps installed: SSL_CTX_sess_set_new_cb\(server2, \{"store":"shared"\}\)/, 'the settings say which callbacks the steps installed');
    assert.match(await text('c-code'), /sandbox_use_store\(server_ctx_2, "shared"\);\s+SSL_CTX_sess_set_get_cb\(server_ctx_2, get_session_shared_cb\)/);
    await page.getByLabel('Server', { exact: true }).selectOption('server');
    await handshake();
    const session = `${(await text('handshake-outcome')).split(':')[0]}.session`;
    const entries = page.getByTestId('store-entry');
    assert.ok(await entries.count() >= 1, 'the first server\'s new-session callback stored its sessions');
    assert.deepEqual([...new Set(await entries.evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.context)))], ['server']);
    assert.equal(await page.getByTestId('store-lookup').count(), 0);
    await page.getByLabel('Server', { exact: true }).selectOption('server2');
    await handshake(session);
    assert.equal(await resumed(), 'true', `server2 resumed ${session}: ${await text('handshake-outcome')}`);
    const lookup = page.getByTestId('store-lookup').last();
    assert.equal(await lookup.getAttribute('data-context'), 'server2');
    assert.equal(await lookup.getAttribute('data-hit'), 'true');
    assert.match(await lookup.textContent() ?? '', /server2 \(server_ctx_2\) asked "shared" for .*: hit, decoded as #\d+/);
    assert.match(await page.getByTestId('counter-server2-cb_hits').textContent() ?? '', /^1/);
    assert.match(await page.getByTestId('counter-server-hits').textContent() ?? '', /^0/);
    await page.getByText('Filters', { exact: true }).click();
    await page.getByLabel('Search the events').fill('get_session_shared_cb(');
    assert.match(await text('event-log'), /get_session_shared_cb\(conn_\d+_server, .*\) = #\d+; copy = 0/, 'the lookup is an event');
    await page.getByLabel('Search the events').fill('');
    await page.getByText('Filters', { exact: true }).click();
    await page.getByLabel('Server', { exact: true }).selectOption('server');
    await shot('10-shared-store');
  });

  it('the call palette (Ctrl+K) calls any function of the table with C\'s arguments: a negative size, an SSL object made and freed, a wrong argument refused by name', async () => {
    const steps = await stepsRun();
    await page.locator('body').press('Control+k');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'call-name', 'Ctrl+K focuses the palette');
    const call = async (name: string, ...args: string[]) => {
      await page.getByLabel('Call a function').fill(name);
      for (const [i, value] of args.entries()) {
        const field = page.locator(`#call-arg-${i}`);
        if (await field.evaluate((e) => e.tagName === 'SELECT')) await field.selectOption({ label: value });
        else await field.fill(value);
      }
      await press(page.getByRole('button', { name: 'Call', exact: true }));
    };
    await page.getByLabel('Call a function').fill('SSL_CTX_sess_set_cache_size');
    assert.equal(await text('call-prototype'), 'long SSL_CTX_sess_set_cache_size(SSL_CTX *ctx, long t)');
    await call('SSL_CTX_sess_set_cache_size', 'server', '-1');
    assert.match(await text('last-result'), /SSL_CTX_sess_set_cache_size\(server_ctx_1, -1\) = 0\b/, 'C passes a negative size on; OpenSSL refuses it with 0 (ssl_lib.c: larg < 0)');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'last-result', 'the result is where the focus goes');
    await call('SSL_CTX_sess_get_cache_size', 'server');
    assert.match(await text('last-result'), /SSL_CTX_sess_get_cache_size\(server_ctx_1\) = 20480\b/, 'and keeps the size it had');

    await call('SSL_new', 'client');
    assert.match(await text('last-result'), /SSL_new\(client_ctx_\d+\)/);
    await page.getByLabel('Call a function').fill('SSL_free');
    assert.deepEqual(await page.locator('#call-arg-0 option').allTextContents(), ['ssl1'], 'the SSL object is offered by the name its step gave it');
    await call('SSL_free', 'ssl1');
    assert.match(await text('last-result'), /SSL_free\(ssl_\d+\)/);
    assert.deepEqual(await page.locator('#call-arg-0 option').allTextContents(), [], 'once freed it is offered no more');
    await pane('C code');
    assert.match(await text('c-code'), /SSL_CTX_sess_set_cache_size\(server_ctx_1, -1\)[\s\S]*SSL_new\(client_ctx_\d+\)[\s\S]*SSL_free\(ssl_\d+\)/);

    await call('SSL_CTX_sess_set_cache_size', 'server', 'lots');
    assert.match(await text('last-result'), /argument 2 \(long t\): expected a whole number, got "lots"/, 'a wrong argument is refused, naming it, before any C runs');
    assert.equal(await stepsRun(), steps + 5);
    await press(page.getByRole('button', { name: 'Undo' }));
    await untilSteps(steps + 4);
    await shot('13-call-palette');
  });

  it('runs the steps on every variant and shows where they differ', async () => {
    // A link to steps that differ: SSL_SESSION_get_time_ex exists from 3.3 (refused on 3.0, and on 1.1.1).
    const scenario = {
      title: 'playground', openssl: ['3.5'], seed: 1, contexts: { server: { role: 'server' }, client: { role: 'client' } },
      steps: [{ handshake: { client: 'client', server: 'server' }, as: 'hs1' }, { call: 'SSL_SESSION_get_time_ex', args: ['hs1.session'] }],
    };
    await page.goto(`${page.url().replace(/#.*/, '')}#scenario=${Buffer.from(JSON.stringify(scenario)).toString('base64url')}`);
    await untilSteps(2);
    await pane('Variants');
    await press(page.getByRole('button', { name: 'Run the steps on every variant' }));
    const compare = page.getByTestId('compare');
    for (const variant of VARIANTS) assert.match(await compare.textContent() ?? '', new RegExp(`OpenSSL ${variant.replace('.', '\\.')}`));
    assert.ok(await page.getByTestId('compare-step').count() >= 1, `a difference is shown: ${await compare.textContent()}`);
    assert.match(await compare.textContent() ?? '', /Step 2: SSL_SESSION_get_time_ex\(hs1\.session\)[\s\S]*not in this OpenSSL/);
    await shot('10-variants');
    await pane('Steps');
  });

  it('at 1366×768 the actions, a cache, the counters and the latest events share the first screen', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    const open = page.locator('#context-buttons button[aria-expanded="true"]');
    while (await open.count()) await open.first().click();
    await press(page.getByRole('button', { name: 'Reset' })); // the page as it loads: two contexts
    await handshake(); // drawn at this size: the event log shows its end
    await page.evaluate(() => scrollTo(0, 0));
    for (const locator of [page.getByRole('button', { name: 'Run handshake' }), page.getByRole('button', { name: '+60 s' }),
      page.getByTestId('cache-server'), page.getByTestId('counter-client-hits'), page.getByTestId('event-log').locator('li').last()]) {
      const box = await locator.boundingBox();
      assert.ok(box && box.y >= 0 && box.y + Math.min(box.height, 20) <= 768 && box.x + box.width <= 1366, `${locator} is on the first screen (${JSON.stringify(box)})`);
    }
    await page.screenshot({ path: new URL('08-one-screen-1366x768.png', artifacts).pathname });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('axe-core finds no serious or critical accessibility violation, panels and settings open', async () => {
    const serious = async (what: string) => assert.deepEqual(await seriousViolations(page), [], what);
    await handshake();
    await serious('after a handshake');
    await settings('server');
    await settings('client');
    await pane('Handshake messages');
    await press(page.getByRole('button', { name: 'Fields and bytes of client\'s ClientHello' }));
    await page.getByTestId('field-tree').getByRole('button', { name: /^Session ID: / }).click();
    await serious('with both settings forms and the handshake messages open, a ClientHello\'s fields and bytes shown');
    await pane('Steps');
    const open = page.locator('#context-buttons button[aria-expanded="true"]');
    while (await open.count()) await open.first().click();
  });

  it('stacks into one column in a narrow window, without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    assert.deepEqual(await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]), [390, 390]);
    await shot('07-narrow');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('main states at 1366×768 and 390×844 (screenshots): the panels, each pane, the settings open; no sideways scrolling', async () => {
    for (const [width, height] of [[1366, 768], [390, 844]]) {
      await page.setViewportSize({ width, height });
      const size = `${width}x${height}`;
      const states: [string, () => Promise<unknown>][] = [
        ['panels', () => pane('Steps')],
        ['handshake-messages', () => pane('Handshake messages')],
        ['c-code', () => pane('C code')],
        ['variants', () => pane('Variants')],
        ['settings', async () => { await pane('Steps'); await settings('server'); }],
      ];
      for (const [name, show] of states) {
        await show();
        assert.deepEqual(await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]), [width, width], `${name} at ${size}`);
        await page.screenshot({ path: new URL(`main-${size}-${name}.png`, artifacts).pathname, fullPage: true });
      }
      await page.getByRole('button', { name: 'Server SSL_CTX settings' }).click();
    }
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('refuses an oversized scenario file before reading it', async () => {
    const other = await page.context().browser()!.newPage();
    watchCsp(other, cspViolations);
    await other.goto(page.url().replace(/#.*/, ''));
    await idle(other);
    await other.locator('#import').setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: Buffer.alloc(1_000_001, 0x20) });
    await idle(other);
    assert.match(await text('error', other), /huge\.json[\s\S]*larger than 1000000 bytes[\s\S]*Nothing was run/);
    await other.close();
  });

  it('logged no uncaught errors and no Content-Security-Policy violation, in the page or its worker', () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(cspViolations, []);
  });

  it('runs under a Content-Security-Policy that refuses eval and inline script, and network access from the worker', async () => {
    assert.match((await page.request.get(page.url())).headers()['content-security-policy'] ?? '', /script-src 'self' 'wasm-unsafe-eval'/);
    const refused = await refusedByPolicy(page, '/test/browser/eval-probe.ts');
    assert.deepEqual(refused, { eval: true, inlineScript: true, workerFetch: [true] });
  });
});

describe('playground static build [vite build, any static host]', () => {
  let out = '';
  let server: Server | undefined;
  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'playground-dist-'));
    const { build } = await import('vite');
    const root = fileURLToPath(new URL('..', import.meta.url));
    await build({ configFile: join(root, 'vite.config.ts'), root: join(root, 'web'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  });
  after(async () => {
    server?.close();
    await rm(out, { recursive: true, force: true });
  });

  it('emits the page, the worker and every OpenSSL module, with relative URLs', async () => {
    const assets = await readdir(join(out, 'assets'));
    assert.equal(assets.filter((f) => f.endsWith('.wasm')).length, VARIANTS.length);
    assert.ok(assets.some((f) => /^entry-.*\.js$/.test(f)), 'the worker entry');
    const html = await readFile(join(out, 'index.html'), 'utf8');
    assert.match(html, /src="\.\/assets\//);
    assert.doesNotMatch(html, /https?:\/\//, 'nothing from a CDN');
    assert.match(html.replace(/&#39;/g, "'"), /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self' 'wasm-unsafe-eval';/);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  });

  it("Vite's preview serves the hashed assets to be kept (immutable), the pages to be asked again, and openssl.wasm as application/wasm", async () => {
    const { preview } = await import('vite');
    const root = fileURLToPath(new URL('..', import.meta.url));
    const site = await preview({ configFile: join(root, 'vite.config.ts'), root: join(root, 'web'), logLevel: 'warn', build: { outDir: out }, preview: { host: '127.0.0.1', port: 0 } });
    try {
      const base = site.resolvedUrls!.local[0];
      const wasm = (await readdir(join(out, 'assets'))).find((f) => f.endsWith('.wasm'));
      const asset = await fetch(new URL(`assets/${wasm}`, base));
      // Streaming compilation, and Chromium's code cache with it, take only application/wasm.
      assert.equal(asset.headers.get('content-type'), 'application/wasm');
      assert.match(asset.headers.get('cache-control') ?? '', /^public, max-age=31536000, immutable$/);
      await asset.arrayBuffer();
      const html = await fetch(new URL('index.html', base));
      assert.equal(html.headers.get('cache-control'), 'no-cache');
      await html.text();
    } finally {
      await site.close();
    }
  });

  it('runs from a plain static server under a sub-path, offline', async () => {
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
    server = createServer(async (req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/sub\//, '');
      try {
        const body = await readFile(join(out, path));
        res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const built = await page.context().browser()!.newPage();
    const violations = watchCsp(built);
    const requested: string[] = [];
    built.on('request', (r) => requested.push(r.url()));
    try {
      await built.goto(`http://127.0.0.1:${port}/sub/index.html`);
      await idle(built);
      // Opened without a link, the page starts without the scenario validator (a link or a file loads it).
      const validator: string[] = [];
      for (const file of await readdir(join(out, 'assets'))) {
        if (file.endsWith('.js') && (await readFile(join(out, 'assets', file), 'utf8')).includes('must have required property')) validator.push(file);
      }
      assert.equal(validator.length, 1, 'the scenario validator is a chunk of its own');
      assert.deepEqual(requested.filter((url) => url.endsWith(`/assets/${validator[0]}`)), []);
      assert.ok(requested.some((url) => url.endsWith('.wasm')), 'the requests were recorded');
      await press(built.getByRole('button', { name: 'Run handshake' }));
      await built.getByLabel('Offer a session').selectOption('hs1.session');
      await press(built.getByRole('button', { name: 'Run handshake' }));
      assert.equal(await resumed(built), 'true');
      assert.match(await text('version', built), /OpenSSL 3\.5/);
      // A static host sends no headers: the page's meta tag is its policy (the worker has none; see web/README.md).
      assert.deepEqual(violations, []);
      assert.equal((await refusedByPolicy(built)).inlineScript, true);
    } finally {
      await built.close();
    }
  });
});
