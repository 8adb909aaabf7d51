// A server cache of many sessions: the memory they take, and whether SSL_CTX_remove_session and
// SSL_CTX_add_session stay as fast with the cache that full as with a small one (O(1)).
import { createHash } from 'node:crypto';
import { createSandbox, type Sandbox, type Session, type Variant } from '../../src/index.js';

export interface ScaleFigures {
  sessions: number;
  /** WASM heap bytes per cached session (hand-made TLS 1.2 sessions with 32-byte ids) */
  bytesPerSession: number;
  /** remove + add calls per second with the cache full, and with 1,000 cached */
  callsPerSecondFull: number;
  callsPerSecondSmall: number;
  fillSeconds: number;
}

// Ids as random as OpenSSL's own: its cache hashes the first bytes of the id.
const idOf = (i: number) => createHash('sha256').update(String(i)).digest('hex');
// One creation time for all: re-added sessions then go to the head of OpenSSL's timeout-ordered list, as
// new ones do (a session older than the newest is placed by walking that list).
const TIME = 1_800_000_000;

async function fill(sb: Sandbox, size: number) {
  // OpenSSL counts the session being added against the limit: a cache of size n holds n - 1.
  const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', cacheSize: size + 1 });
  const sessions: Session[] = [];
  for (let i = 0; i < size; i++) {
    const session = await sb.createSession({ id: idOf(i), protocol: 'TLSv1.2', time: TIME });
    await server.addSession(session);
    sessions.push(session);
  }
  if ((await server.sessionCount()) !== size) throw new Error(`the cache holds ${await server.sessionCount()} sessions, not ${size}`);
  return { server, sessions };
}

async function churn(sb: Sandbox, size: number, budgetMs: number): Promise<number> {
  const { server, sessions } = await fill(sb, size);
  let calls = 0;
  const start = performance.now();
  // Remove and add back sessions all over the cache, in batches as a heavy user would.
  for (let k = 0; performance.now() - start < budgetMs; k++) {
    const picked = Array.from({ length: 250 }, (_, j) => sessions[(k * 7919 + j * 104729) % size]);
    await sb.batch(picked.flatMap((s) => [['removeSession', server, s], ['addSession', server, s]] as const).map((c) => [...c]));
    calls += picked.length * 2;
  }
  return calls / ((performance.now() - start) / 1000);
}

export async function scaleFigures(openssl: Variant, size: number, budgetMs: number): Promise<ScaleFigures> {
  const sb = await createSandbox({ openssl, worker: false, trace: false, clock: TIME });
  try {
    const before = (await sb.memory()).inUse;
    const t = performance.now();
    await fill(sb, size);
    const fillSeconds = (performance.now() - t) / 1000;
    const bytesPerSession = Math.round(((await sb.memory()).inUse - before) / size);
    await sb.reset();
    const callsPerSecondFull = Math.round(await churn(sb, size, budgetMs));
    await sb.reset();
    const callsPerSecondSmall = Math.round(await churn(sb, 1000, budgetMs));
    return { sessions: size, bytesPerSession, callsPerSecondFull, callsPerSecondSmall, fillSeconds: Number(fillSeconds.toFixed(1)) };
  } finally {
    await sb.dispose();
  }
}
