// Conformance checks in your own test runner (node:test here): a scenario file, and the same
// kind of claim written against the API.
//   npm install openssl-wasm-sandbox && node --test
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createSandbox, VARIANTS } from 'openssl-wasm-sandbox';
import { format, loadScenario, runScenario } from 'openssl-wasm-sandbox/conformance';

const scenarioFile = fileURLToPath(new URL('./remove-then-resume.json', import.meta.url));

for (const openssl of VARIANTS) {
  describe(`OpenSSL ${openssl}`, () => {
    it('holds the scenario remove-then-resume.json', async () => {
      const report = await runScenario(await loadScenario(scenarioFile), { openssl, file: scenarioFile });
      assert.ok(report.ok, format([report], 'pretty'));
    });

    it('counts a resumption as a hit of the server cache', async () => {
      const sb = await createSandbox({ openssl, worker: false });
      try {
        const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
        const client = await sb.context({ role: 'client', maxProtocol: 'TLSv1.2' });
        const first = await sb.handshake({ client, server });
        const again = await sb.handshake({ client, server, session: first.session });
        assert.equal(again.reused.server, true);
        assert.deepEqual(await server.counterChanges(), { accept: 2, accept_good: 2, hits: 1 });
      } finally {
        await sb.dispose();
      }
    });
  });
}
