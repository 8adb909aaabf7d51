// The WASM heap over a long run: thousands of handshakes with cache calls must not grow it
// past a bounded amount, and reset() must give back what the run took.
import { createSandbox, type Variant } from '../../src/index.js';

export interface MemoryFigures {
  iterations: number;
  /** malloc'd bytes: before anything, after warm-up, after the run, after reset() */
  inUse: { start: number; warm: number; end: number; disposed: number };
  heapSize: number;
}

export async function memoryFigures(openssl: Variant, iterations: number): Promise<MemoryFigures> {
  const sb = await createSandbox({ openssl, worker: false });
  const start = (await sb.memory()).inUse;
  const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'], cacheSize: 100 });
  const client = await sb.context({ role: 'client' });
  const round = async () => {
    const full = await sb.handshake({ client, server });
    const resumed = await sb.handshake({ client, server, session: full.session });
    await server.removeSession(full.session);
    await server.addSession(full.session);
    await Promise.all([full.session.dispose(), resumed.session.dispose()]);
  };
  const warmUp = Math.min(500, iterations / 4);
  for (let i = 0; i < warmUp; i++) await round();
  const warm = (await sb.memory()).inUse;
  for (let i = warmUp; i < iterations; i++) await round();
  const { inUse: end, heapSize } = await sb.memory();
  await sb.reset(); // frees every object but keeps the module, whose memory can still be read
  const disposed = (await sb.memory()).inUse;
  await sb.dispose();
  return { iterations, inUse: { start, warm, end, disposed }, heapSize };
}
