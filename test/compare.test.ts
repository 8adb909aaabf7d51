// `openssl-sandbox compare` and docs/versions.md: the version diff.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { VARIANTS } from '../src/index.js';
import { PAGE, versionsPage } from '../scripts/versions-doc.js';

const cli = (...args: string[]) => promisify(execFile)('npx', ['tsx', 'src/cli/openssl-sandbox.ts', ...args]).then(
  (r) => ({ code: 0, out: r.stdout }), (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }));

describe('openssl-sandbox compare', () => {
  it('names the step and the observations where 3.0 and 3.5 differ, in a table and as JSON', async () => {
    const file = 'test/conformance/size-eviction/readd-identical-refreshes-eviction-order-only-in-3.0.json';
    const json = await cli('compare', file, '--openssl', '3.0,3.5', '--reporter', 'json');
    assert.equal(json.code, 0);
    const { comparisons: [c] } = JSON.parse(json.out);
    assert.deepEqual(c.variants, ['3.0', '3.5']);
    // The add that evicts: 3.0 evicts b (a went to the head when re-added), 3.5 evicts a.
    const evicting = c.steps.find((s: { description: string }) => s.description.startsWith('SSL_CTX_add_session(store, c'));
    assert.ok(evicting, JSON.stringify(c.steps.map((s: { description: string }) => s.description)));
    const cache = evicting.differences.find((d: { what: string }) => d.what === 'cache.store');
    assert.notEqual(cache.byVariant['3.0'], cache.byVariant['3.5']);
    const pretty = await cli('compare', file, '--openssl', '3.0,3.5');
    assert.match(pretty.out, /step \d+: SSL_CTX_add_session\(store, c/);
    assert.match(pretty.out, /cache\.store\s+│/);
  });

  it('says when the variants agree', async () => {
    const same = await cli('compare', 'test/conformance/add-identical-twice.json', '--openssl', VARIANTS.join(','));
    assert.match(same.out, /add-identical-twice\.json: the same on/);
    assert.match(same.out, /0 of 1 scenarios behave differently/);
  });
});

describe('docs/versions.md', () => {
  it('is what scripts/versions-doc.ts makes of the catalog now (run `npx tsx scripts/versions-doc.ts`)', async () => {
    assert.equal(await readFile(PAGE, 'utf8'), await versionsPage());
  });
});
