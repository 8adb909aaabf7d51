// npm run soak [-- --handshakes 10000] [--openssl 3.5|3.0|all] [--worker] [--json]
// A long run of handshakes with cache calls: once warmed up (the server's cache full), OpenSSL's
// live allocations and the WebAssembly heap must stay flat, and dispose() must give every
// OpenSSL allocation back. Exits 1 when they do not. test/reliability.test.ts runs a short one.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { VARIANTS, createSandbox, type LeakReport, type Variant } from '../src/index.js';

export interface SoakOptions {
  openssl: Variant;
  handshakes: number;
  worker?: boolean;
  /** The server's SSL_CTX_sess_set_cache_size: the cache is full, and warm, after this many rounds. */
  cacheSize?: number;
}

/** Samples of the module's memory, each at the end of a round. */
interface Sample { allocations: number; bytes: number; inUse: number; heapSize: number }

export interface SoakFigures {
  openssl: Variant;
  handshakes: number;
  /** OpenSSL's live allocations (count and bytes), malloc's bytes in use and the heap, at the end of warm-up and of the run. */
  warm: Sample;
  end: Sample;
  /** The highest of each after warm-up. */
  maxAfterWarm: Sample;
  /** What dispose() found left. */
  disposed: LeakReport | null;
  /** True when nothing grew after warm-up and nothing was left after dispose(). */
  flat: boolean;
}

export async function soak({ openssl, handshakes, worker = false, cacheSize = 100 }: SoakOptions): Promise<SoakFigures> {
  const sb = await createSandbox({ openssl, worker });
  const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'], cacheSize });
  const client = await sb.context({ role: 'client' });
  const sample = async (): Promise<Sample> => {
    const { allocations, bytes, inUse, heapSize } = await sb.memory();
    return { allocations, bytes, inUse, heapSize };
  };
  // Each round: a full handshake, its resumption, the session removed and added back, the counters read.
  const round = async () => {
    const full = await sb.handshake({ client, server });
    const resumed = await sb.handshake({ client, server, session: full.session });
    await server.removeSession(full.session);
    await server.addSession(full.session);
    await sb.batch([['sessionCount', server], ['counters', server], ['sessionInfo', full.session]]);
    await Promise.all([full.session.dispose(), resumed.session.dispose()]);
  };
  const rounds = Math.ceil(handshakes / 2);
  const warmUp = Math.min(rounds, cacheSize + 10);
  for (let i = 0; i < warmUp; i++) await round();
  const warm = await sample();
  const maxAfterWarm = { ...warm };
  let end = warm;
  for (let i = warmUp; i < rounds; i++) {
    await round();
    end = await sample();
    for (const key of Object.keys(end) as (keyof Sample)[]) maxAfterWarm[key] = Math.max(maxAfterWarm[key], end[key]);
  }
  const disposed = await sb.dispose();
  const flat = maxAfterWarm.allocations === warm.allocations && maxAfterWarm.bytes === warm.bytes
    && maxAfterWarm.heapSize === warm.heapSize && disposed?.allocations === 0;
  return { openssl, handshakes: rounds * 2, warm, end, maxAfterWarm, disposed, flat };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values: args } = parseArgs({
    options: {
      handshakes: { type: 'string', default: '10000' },
      openssl: { type: 'string', default: process.env.OPENSSL ?? '3.5' },
      worker: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const variants = (args.openssl === 'all' ? VARIANTS : [args.openssl]) as Variant[];
  const results: SoakFigures[] = [];
  for (const openssl of variants) {
    const started = performance.now();
    const figures = await soak({ openssl, handshakes: Number(args.handshakes), worker: args.worker });
    results.push(figures);
    if (!args.json) {
      const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
      const line = (s: Sample) => `${s.allocations} allocations, ${kb(s.bytes)}; malloc in use ${kb(s.inUse)}; heap ${kb(s.heapSize)}`;
      console.log(`OpenSSL ${openssl}: ${figures.handshakes} handshakes in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      console.log(`  after warm-up:       ${line(figures.warm)}`);
      console.log(`  at the end:          ${line(figures.end)}`);
      console.log(`  most after warm-up:  ${line(figures.maxAfterWarm)}`);
      console.log(`  left after dispose:  ${figures.disposed ? `${figures.disposed.allocations} allocations, ${figures.disposed.bytes} bytes` : 'module aborted'}`);
      console.log(`  ${figures.flat ? 'flat' : 'NOT FLAT'}`);
    }
  }
  if (args.json) console.log(JSON.stringify(results, null, 2));
  process.exitCode = results.every((r) => r.flat) ? 0 : 1;
}
