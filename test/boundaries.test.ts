// The sandbox's boundaries with code and data it does not control: listeners and handlers of the
// caller's that throw (never through OpenSSL's frames, never killing the worker), bytes of any
// Uint8Array view across the worker, typed errors for every misuse.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { NODE_LINES, nodeOfLine } from '../scripts/lib/node-lines.mjs';
import {
  ArgumentError, HandleError, SandboxError, createSandbox, type Sandbox, type SandboxErrorCode,
} from '../src/index.js';

/** The names of the byte cases below, for running them alone on another Node. */
const BYTE_CASES = /decodeSession takes any Uint8Array view|deliver\(\) copies the records/;

async function typedRejection(promise: Promise<unknown>, code: SandboxErrorCode, pattern?: RegExp): Promise<SandboxError> {
  const error = await promise.then(() => assert.fail(`expected a ${code} rejection`), (e: unknown) => e);
  assert.ok(error instanceof SandboxError, `a typed error, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  if (pattern) assert.match(error.message, pattern);
  return error;
}

/** A TLS 1.2 server whose lookups go to the get callback (no internal store), and a session to offer it. */
async function externalCache(sb: Sandbox) {
  const server = await sb.context({
    role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'],
    cacheMode: ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_STORE'], callbacks: { newSession: 'keep' },
  });
  const client = await sb.context({ role: 'client', maxProtocol: 'TLSv1.2' });
  const { session } = await sb.handshake({ client, server });
  return { server, client, session };
}

for (const worker of [false, true]) {
  describe(`user code at the OpenSSL boundary [${worker ? 'worker' : 'in-process'}]`, () => {
    it('an onEvent listener that throws inside a handshake: a fault event, a LISTENER error of that call, no leak, the sandbox goes on', async () => {
      const sb = await createSandbox({ worker });
      const server = await sb.context({ role: 'server' });
      const client = await sb.context({ role: 'client' });
      let states = 0;
      // A state event is logged while OpenSSL runs SSL_do_handshake: this throws from inside its frames.
      const stop = await sb.onEvent((event) => {
        if (event.kind === 'state' && ++states === 3) throw new Error('listener bug');
      });
      await typedRejection(sb.handshake({ client, server }), 'LISTENER', /onEvent listener threw at event \d+ .*listener bug/);
      const faults = (await sb.events()).filter((e) => e.kind === 'fault');
      assert.equal(faults.length, 1);
      assert.equal(faults[0].kind === 'fault' && faults[0].source, 'onEvent listener');
      // The worker lives, the listener still listens, and OpenSSL's state is whole.
      const { session } = await sb.handshake({ client, server });
      assert.equal((await sb.handshake({ client, server, session })).reused.client, true);
      await stop();
      assert.deepEqual(await sb.dispose(), { allocations: 0, bytes: 0 });
    });

    it('a get-session handler that throws, or answers what is not a session: a HANDLER error of the handshake, no leak', async () => {
      const sb = await createSandbox({ worker });
      const { server, client, session } = await externalCache(sb);
      const other = await createSandbox({ worker: false });
      const foreign = await other.createSession({ id: '01' });
      const answers: [string, () => unknown][] = [
        ['throws', () => { throw new Error('cache down'); }],
        ['rejects', () => Promise.reject(new Error('cache down'))],
        ['a number', () => 5],
        ['a plain object', () => ({})],
        ['a context', () => server],
        ['a freed session', async () => { const s = await sb.createSession({ id: '02' }); await s.dispose(); return s; }],
        ['another sandbox\'s session', () => foreign],
      ];
      for (const [what, answer] of answers) {
        await server.setGetSessionHandler(answer as never);
        const error = await typedRejection(sb.handshake({ client, server, session }), 'HANDLER', /get-session handler/);
        assert.ok(error.message.length > 30, `${what}: ${error.message}`);
      }
      assert.equal((await sb.events()).filter((e) => e.kind === 'fault' && e.source === 'get-session handler').length, answers.length);
      await server.setGetSessionHandler((id) => (id ? null : null));
      assert.equal((await sb.handshake({ client, server, session })).reused.server, false);
      assert.deepEqual(await sb.dispose(), { allocations: 0, bytes: 0 });
      await other.dispose();
    });
  });

  describe(`bytes across the boundary [${worker ? 'worker' : 'in-process'}]`, () => {
    it('decodeSession takes any Uint8Array view (a pooled Buffer, a subarray) and leaves the caller\'s bytes whole', async () => {
      const sb = await createSandbox({ worker });
      const server = await sb.context({ role: 'server' });
      const client = await sb.context({ role: 'client' });
      const der = await (await sb.handshake({ client, server })).session.encode();
      // Inside a bigger buffer, as a file read or a network read gives them.
      const big = new Uint8Array(der.length + 64);
      big.set(der, 32);
      const view = big.subarray(32, 32 + der.length);
      assert.equal((await (await sb.decodeSession(view)).info()).resumable, true);
      assert.equal(big.byteLength, der.length + 64, 'the caller\'s buffer is not detached');
      const pooled = Buffer.from(der); // small Buffers share Node's pool
      assert.ok(pooled.buffer.byteLength > pooled.length, 'a pooled Buffer');
      assert.equal((await (await sb.decodeSession(pooled)).info()).resumable, true);
      assert.deepEqual(new Uint8Array(pooled), der);
      for (const bad of [null, undefined, 'der', [1, 2], new ArrayBuffer(8), 5, {}]) {
        await assert.rejects(sb.decodeSession(bad as never), (e) => e instanceof ArgumentError && /Uint8Array/.test(e.message), String(bad));
      }
      assert.deepEqual(await sb.dispose(), { allocations: 0, bytes: 0 });
    });

    it('deliver() copies the records it is given: the caller\'s arrays stay usable', async () => {
      const sb = await createSandbox({ worker });
      const conn = await sb.connect(await sb.context({ role: 'client' }), await sb.context({ role: 'server' }));
      const hello = await conn.step();
      const records = hello.records.map((r) => r.bytes);
      const lengths = records.map((r) => r.length);
      await conn.deliver(records);
      assert.deepEqual(records.map((r) => r.length), lengths);
      await conn.deliver(undefined).then(() => assert.fail('nothing is held'), (e) => assert.equal(e.code, 'NO_FLIGHT'));
      await conn.step();
      await assert.rejects(conn.deliver('x' as never), (e) => e instanceof ArgumentError);
      await assert.rejects(conn.deliver([new ArrayBuffer(3)] as never), (e) => e instanceof ArgumentError && /record 0/.test(e.message));
      assert.deepEqual(await sb.dispose(), { allocations: 0, bytes: 0 });
    });
  });

  describe(`typed errors [${worker ? 'worker' : 'in-process'}]`, () => {
    it('an unknown variant, batch() of a non-array, batch entries that fail: each a typed error', async () => {
      await typedRejection(createSandbox({ worker, openssl: '9.9' as never }), 'ARGUMENT', /unknown OpenSSL variant "9\.9"/);
      const sb = await createSandbox({ worker });
      await typedRejection(sb.batch(5 as never), 'ARGUMENT', /batch\(\) takes an array/);
      const server = await sb.context({ role: 'server' });
      const results = await sb.batch([['sessionCount', server], ['addSession', server, 5 as never], 7 as never, ['dispose'] as never]);
      assert.deepEqual(results[0], { ok: true, value: 0 });
      for (const result of results.slice(1)) assert.ok(!result.ok && result.error instanceof SandboxError, JSON.stringify(result));
      assert.ok(!results[1].ok && results[1].error instanceof HandleError && results[1].error.code === 'HANDLE_NOT_A_HANDLE');
      assert.ok(!results[2].ok && results[2].error instanceof ArgumentError);
      assert.deepEqual(await sb.dispose(), { allocations: 0, bytes: 0 });
    });
  });
}

// Node 22 is where a pooled Buffer first failed to cross (DataCloneError): the cases above on each line.
describe('bytes across the boundary on Node\'s other lines', () => {
  for (const major of NODE_LINES) {
    it(`pass on Node ${major}, in process and in a worker`, (t) => {
      const node = nodeOfLine(major);
      if (!node) return t.skip(`Node ${major} is not installed: \`node scripts/setup.mjs --node-lines\` (run by npm test) installs it`);
      const child = spawnSync(node, ['--import', 'tsx', '--test', '--test-reporter=tap', '--test-name-pattern', BYTE_CASES.source, fileURLToPath(import.meta.url)],
        // Without this runner's NODE_TEST_CONTEXT, which would make that one a subprocess of this one that runs nothing.
        { encoding: 'utf8', timeout: 300_000, cwd: fileURLToPath(new URL('..', import.meta.url)), env: { ...process.env, NODE_TEST_CONTEXT: undefined } });
      assert.match(child.stdout, /^# pass 4\n# fail 0$/m, `${child.stdout.slice(-3000)}\n${child.stderr.slice(-2000)}`);
      assert.equal(child.status, 0);
    });
  }
});

describe('a sandbox nobody disposes', () => {
  it('does not keep Node running: the worker holds the process only while a call is pending', () => {
    // A script that forgets dispose() (an error thrown before it, say), with a listener and a handler.
    const script = `
      import { createSandbox } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)};
      const sb = await createSandbox();
      const server = await sb.context({ role: 'server' });
      const client = await sb.context({ role: 'client' });
      await sb.onEvent(() => {});
      await server.setGetSessionHandler(() => null);
      await sb.handshake({ client, server });
      console.log('forgotten');`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(child.signal, null, `the process did not exit by itself: ${child.stderr}`);
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /forgotten/);
  });

  it('once collected, stops its worker (the thread exits); one still held keeps it', () => {
    // Node announces each worker thread it starts ('worker' on process): the test watches that thread end.
    const script = (hold: boolean) => `
      import { createSandbox } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)};
      let worker;
      process.on('worker', (w) => { worker = w; });
      async function use() {
        const sb = await createSandbox();
        const server = await sb.context({ role: 'server' });
        const client = await sb.context({ role: 'client' });
        await sb.onEvent(() => {});
        await sb.handshake({ client, server });
        return sb;
      }
      globalThis.held = ${hold ? 'await use()' : '(await use(), undefined)'};
      let ended = false;
      worker.once('exit', () => { ended = true; });
      for (let i = 0; i < 40 && !ended; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      console.log(ended ? 'worker exited' : 'worker running');
      process.exit(0);`;
    const run = (hold: boolean) => spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script(hold)], { encoding: 'utf8', timeout: 60_000 });
    const dropped = run(false);
    assert.equal(dropped.status, 0, dropped.stderr);
    assert.match(dropped.stdout, /worker exited/, 'nobody holds the sandbox: its worker thread ends');
    const held = run(true);
    assert.equal(held.status, 0, held.stderr);
    assert.match(held.stdout, /worker running/, 'a sandbox still held keeps its worker');
  });
});

for (const worker of [false, true]) {
  describe(`the clock within time_t [${worker ? 'worker' : 'in-process'}]`, () => {
    it('refuses times this build cannot represent, typed and naming the limit, and changes nothing; expiry is right just below it', async () => {
      const sb = await createSandbox({ worker, seed: 1 });
      const limit = await sb.clock.limit();
      // emscripten 3.1.6 builds a 32-bit time_t: 2038-01-19T03:14:07Z. A 64-bit build lifts it to what Date can show.
      assert.ok(limit === 2 ** 31 - 1 || limit === 8.64e12, String(limit));
      const before = await sb.clock.now();
      for (const refused of [() => sb.clock.advance(1e10), () => sb.clock.set(limit + 1), () => sb.clock.set(1e20), () => sb.clock.set(-1)]) {
        await typedRejection(refused(), 'CLOCK_RANGE', new RegExp(`runs from 0 to ${limit} \\(${new Date(limit * 1000).toISOString()}`));
        assert.equal(await sb.clock.now(), before, 'the clock is as it was');
      }
      await typedRejection(createSandbox({ worker, clock: limit + 1 }), 'CLOCK_RANGE');
      // Just below the limit, a session expires when its timeout says.
      await sb.clock.set(limit - 1000);
      const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'], timeout: 300 });
      const client = await sb.context({ role: 'client', maxProtocol: 'TLSv1.2' });
      const { session } = await sb.handshake({ client, server });
      assert.equal((await session.info()).time, limit - 1000);
      assert.equal((await sb.handshake({ client, server, session })).reused.server, true);
      await sb.clock.advance(301);
      assert.equal((await sb.handshake({ client, server, session })).reused.server, false, 'expired 301 s later');
      await sb.clock.advance(limit - (await sb.clock.now()));
      assert.equal(await sb.clock.now(), limit);
      assert.deepEqual(await sb.dispose(), { allocations: 0, bytes: 0 });
    });
  });
}
