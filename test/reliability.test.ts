// Reliability: OpenSSL's allocations are counted and all given back; a long run keeps the heap
// flat; the memory limits hold; a killed worker, an aborted module and a get-session handler
// that never answers all end in clear errors, pending calls included, and restart() recovers.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { HandleError } from '../src/core/errors.js';
import { HandleRegistry } from '../src/core/handles.js';
import { OpenSSL } from '../src/core/openssl.js';
import type { Ptr } from '../src/core/pointers.js';
import {
  ArgumentError, MemoryLimitError, OpenSSLError, SandboxError, VARIANTS, createSandbox, type Sandbox, type Session,
} from '../src/index.js';
import { loadScenario } from '../src/scenario/files.js';
import { MAX_SCENARIO_SIZE, ScenarioError } from '../src/scenario/validate.js';
import { soak } from '../scripts/soak.js';

const MiB = 1024 * 1024;

/** A TLS 1.2 server that asks a get-session handler, and a session it will look up. */
async function lookupPending(sb: Sandbox) {
  const server = await sb.context({
    role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'],
    cacheMode: ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_STORE'], callbacks: { newSession: 'keep' },
  });
  const client = await sb.context({ role: 'client', maxProtocol: 'TLSv1.2' });
  const first = await sb.handshake({ client, server });
  return { server, client, session: first.session };
}

async function rejection(promise: Promise<unknown>): Promise<SandboxError> {
  const error = await promise.then(() => assert.fail('expected a rejection'), (e: unknown) => e);
  assert.ok(error instanceof SandboxError, `a typed error, got ${String(error)}`);
  return error;
}

/** After a restart the sandbox works, and gives back every allocation. */
async function worksAfterRestart(sb: Sandbox) {
  await sb.restart();
  const server = await sb.context({ role: 'server' });
  const client = await sb.context({ role: 'client' });
  const { session } = await sb.handshake({ client, server });
  assert.equal((await sb.handshake({ client, server, session })).reused.client, true);
  assert.deepEqual(await sb.dispose(), { allocations: 0, bytes: 0 });
}

/** Captures the worker_threads workers started from now on, so that a test can kill one from outside. */
function watchWorkers(): { workers: Worker[]; stop(): void } {
  const threads = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  const Original = threads.Worker;
  const workers: Worker[] = [];
  threads.Worker = class extends Original {
    constructor(...args: ConstructorParameters<typeof Original>) {
      super(...args);
      workers.push(this);
    }
  };
  syncBuiltinESMExports();
  return { workers, stop: () => { threads.Worker = Original; syncBuiltinESMExports(); } };
}

for (const variant of VARIANTS) {
  describe(`leaks [OpenSSL ${variant}]`, () => {
    it('the allocation count sees an OpenSSL object nobody freed', async () => {
      const openssl = await OpenSSL.load(variant);
      openssl.glue.osb_session_new();
      const left = openssl.release();
      assert.ok(left.allocations > 0 && left.bytes > 0, `an unfreed SSL_SESSION shows: ${JSON.stringify(left)}`);
    });

    it('a soak of handshakes with cache calls keeps OpenSSL\'s memory and the heap flat after warm-up', async () => {
      const figures = await soak({ openssl: variant, handshakes: 600, cacheSize: 20 });
      assert.equal(figures.maxAfterWarm.allocations, figures.warm.allocations, 'live OpenSSL allocations');
      assert.equal(figures.maxAfterWarm.bytes, figures.warm.bytes, 'live OpenSSL bytes');
      assert.equal(figures.maxAfterWarm.heapSize, figures.warm.heapSize, 'WebAssembly heap');
      assert.deepEqual(figures.disposed, { allocations: 0, bytes: 0 });
    });
  });

  for (const worker of [false, true]) {
    describe(`limits and faults [OpenSSL ${variant}, ${worker ? 'worker' : 'in-process'}]`, () => {
      it('memoryLimit refuses OpenSSL memory past it with a MemoryLimitError; freeing makes room again', async () => {
        const limit = 2 * MiB;
        const sb = await createSandbox({ openssl: variant, worker, memoryLimit: limit });
        const server = await sb.context({ role: 'server' });
        const client = await sb.context({ role: 'client' });
        const kept: Session[] = [];
        let refused: unknown;
        for (let i = 0; i < 100_000 && !refused; i++) {
          await sb.createSession({ id: i.toString(16).padStart(8, '0') }).then((s) => kept.push(s), (e: unknown) => { refused = e; });
        }
        assert.ok(refused instanceof MemoryLimitError && refused instanceof OpenSSLError, String(refused));
        assert.equal(refused.code, 'MEMORY_LIMIT');
        assert.match(refused.message, /memoryLimit of 2097152 bytes/);
        const full = await sb.memory();
        assert.ok(full.bytes <= limit && full.refused > 0, JSON.stringify(full));
        await rejection(sb.handshake({ client, server }));

        await Promise.all(kept.map((s) => s.dispose()));
        assert.equal((await sb.handshake({ client, server })).version, 'TLSv1.3');
        assert.deepEqual(await sb.dispose(), { allocations: 0, bytes: 0 }, 'OpenSSL\'s failure paths freed what they took');
      });

      it('heapLimit aborts the module when the heap grows past it: every call, pending ones too, fails with ABORTED until restart()', async () => {
        const sb = await createSandbox({ openssl: variant, worker, heapLimit: 17 * MiB });
        const made = (n: number, from: number) => Array.from({ length: n }, (_, i) => sb.createSession({ id: (from + i).toString(16).padStart(8, '0') }));
        let aborted: SandboxError | undefined;
        for (let batch = 0; batch < 200 && !aborted; batch++) {
          // Many calls in flight at once: the ones after the abort must settle too.
          const settled = await Promise.allSettled(made(200, batch * 200));
          const failure = settled.find((s) => s.status === 'rejected');
          if (failure) aborted = (failure as PromiseRejectedResult).reason;
        }
        assert.ok(aborted instanceof SandboxError, String(aborted));
        assert.equal(aborted.code, 'ABORTED');
        assert.match(aborted.message, /out of memory: the WebAssembly heap grew to \d+ bytes, past the sandbox heapLimit of 17825792.*restart/);
        assert.equal((await rejection(sb.memory())).code, 'ABORTED');
        await worksAfterRestart(sb);
      });

      it('a memoryLimit below what one handshake takes is refused, naming that minimum; at the minimum a handshake runs', async () => {
        const refused = await createSandbox({ openssl: variant, worker, memoryLimit: 100_000 }).then(() => assert.fail('a 100,000-byte limit'), (e: unknown) => e);
        assert.ok(refused instanceof ArgumentError, String(refused));
        const found = new RegExp(`^memoryLimit of 100000 bytes is below the (\\d+) bytes OpenSSL ${variant.replace('.', '\\.')} holds during one handshake`).exec(refused.message);
        assert.ok(found, refused.message);
        const minimum = Number(found[1]);
        console.log(`# memoryLimit minimum [OpenSSL ${variant}]: ${minimum} bytes`);
        await assert.rejects(createSandbox({ openssl: variant, worker, memoryLimit: minimum - 1 }), (e) => e instanceof ArgumentError && e.message.includes(`below the ${minimum} bytes`));
        const sb = await createSandbox({ openssl: variant, worker, memoryLimit: minimum, seed: 1 });
        const hs = await sb.handshake({ client: await sb.context({ role: 'client' }), server: await sb.context({ role: 'server' }) });
        assert.equal(hs.version, 'TLSv1.3');
        assert.ok((await sb.memory()).peak <= minimum);
        assert.deepEqual(await sb.dispose(), { allocations: 0, bytes: 0 });
      });

      it('a heapLimit the module already exceeds is refused', async () => {
        await assert.rejects(createSandbox({ openssl: variant, worker, heapLimit: MiB }), (e) => e instanceof ArgumentError && /heapLimit must exceed/.test(e.message));
      });

      it('a get-session handler that never answers ends the waiting handshake at the caller\'s timeout; the sandbox goes on', async () => {
        const sb = await createSandbox({ openssl: variant, worker });
        const { server, client, session } = await lookupPending(sb);
        await server.setGetSessionHandler(() => new Promise(() => {}), 200);
        const waiting = sb.handshake({ client, server, session });
        // Calls made meanwhile are answered: the wait blocks nothing else.
        assert.equal(await server.sessionCount(), 0);
        const timeout = await rejection(waiting);
        assert.equal(timeout.code, 'TIMEOUT');
        await server.setGetSessionHandler(null);
        assert.equal((await sb.handshake({ client, server })).version, 'TLSv1.2');
        assert.deepEqual(await sb.dispose(), { allocations: 0, bytes: 0 });
      });
    });
  }

  it(`a killed worker rejects its pending and later calls with WORKER_DEAD; restart() brings it back [OpenSSL ${variant}]`, async () => {
    const watch = watchWorkers();
    let sb: Sandbox;
    try {
      sb = await createSandbox({ openssl: variant, worker: true });
    } finally {
      watch.stop();
    }
    assert.equal(watch.workers.length, 1);
    const { server, client, session } = await lookupPending(sb);
    await server.setGetSessionHandler(() => new Promise(() => {}), 600_000);
    const pending = sb.handshake({ client, server, session });
    await watch.workers[0].terminate(); // from outside, as a crash or the system would
    const dead = await rejection(pending);
    assert.equal(dead.code, 'WORKER_DEAD');
    assert.match(dead.message, /the worker exited.*restart\(\)/);
    assert.equal((await rejection(server.sessionCount())).code, 'WORKER_DEAD');
    await worksAfterRestart(sb);
  });
}

it('a scenario file larger than the limit is refused, with the limit, before it is read', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'osb-scenario-'));
  try {
    const file = join(dir, 'huge.json');
    await writeFile(file, `{"title": "${'x'.repeat(MAX_SCENARIO_SIZE)}"}`);
    await assert.rejects(loadScenario(file), (e) => e instanceof ScenarioError && /huge\.json[\s\S]*larger than 1000000 bytes/.test(e.message));
  } finally {
    await rm(dir, { recursive: true });
  }
});

describe('the handle registry over a long run', () => {
  it('forgets the oldest freed handles beyond its bound, and still refuses them as freed', () => {
    const registry = new HandleRegistry(10);
    const refs = Array.from({ length: 50 }, (_, i) => registry.issue('SSL_SESSION', (i + 1) as Ptr<'SSL_SESSION'>, 'sess'));
    const kept = registry.issue('SSL_CTX', 999 as Ptr<'SSL_CTX'>, 'ctx');
    for (const ref of refs) registry.release(ref, 'SSL_SESSION');
    // The first freed are forgotten, the latest still remembered: both count as freed, not as foreign.
    for (const [ref, said] of [[refs[0], 'freed long ago'], [refs[49], 'already freed']] as const) {
      assert.equal(registry.isAlive(ref, 'SSL_SESSION'), false);
      assert.throws(() => registry.pointer(ref, 'SSL_SESSION'), (e: HandleError) => e.problem === 'disposed' && e.message.includes(`${ref.name} (SSL_SESSION) was ${said}`));
    }
    assert.equal(registry.pointer(kept, 'SSL_CTX'), 999, 'a live handle is never forgotten');
    assert.throws(() => registry.pointer({ ...refs[0], id: 1000 }, 'SSL_SESSION'), (e: HandleError) => e.problem === 'not-a-handle');
  });
});
