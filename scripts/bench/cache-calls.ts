// Cache calls through the worker boundary: one by one, and in batches, against the same calls
// in-process (the peer: no boundary at all).
import { createSandbox, type PublicBatchCall, type Variant } from '../../src/index.js';

export interface CacheCallFigures {
  mode: string;
  callsPerSecond: number;
}

async function measure(openssl: Variant, worker: boolean, batchSize: number, budgetMs: number): Promise<number> {
  const sb = await createSandbox({ openssl, worker });
  try {
    const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
    const client = await sb.context({ role: 'client', maxProtocol: 'TLSv1.2' });
    const { session } = await sb.handshake({ client, server });
    // Remove and add back the same session: two real cache calls that leave the cache as it was.
    const pair: PublicBatchCall[] = [['removeSession', server, session], ['addSession', server, session]];
    const batch = Array.from({ length: batchSize / 2 }, () => pair).flat();
    let calls = 0;
    const start = performance.now();
    while (performance.now() - start < budgetMs) {
      if (batchSize === 1) {
        await server.removeSession(session);
        await server.addSession(session);
        calls += 2;
      } else {
        await sb.batch(batch);
        calls += batch.length;
      }
    }
    return calls / ((performance.now() - start) / 1000);
  } finally {
    await sb.dispose();
  }
}

/** Single-call round trip through the worker, in microseconds (median of `n`). */
export async function roundTripMicros(openssl: Variant, n = 2000): Promise<number> {
  const sb = await createSandbox({ openssl, worker: true });
  try {
    const server = await sb.context({ role: 'server' });
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await server.sessionCount();
      times.push((performance.now() - t) * 1000);
    }
    return times.sort((a, b) => a - b)[n >> 1];
  } finally {
    await sb.dispose();
  }
}

export async function cacheCallFigures(openssl: Variant, budgetMs: number): Promise<CacheCallFigures[]> {
  const modes: [string, boolean, number][] = [
    ['in-process, one by one', false, 1], ['worker, one by one', true, 1], ['worker, batches of 1000', true, 1000],
  ];
  const figures: CacheCallFigures[] = [];
  for (const [mode, worker, size] of modes) figures.push({ mode, callsPerSecond: Math.round(await measure(openssl, worker, size, budgetMs)) });
  return figures;
}
