/** Runs one kind of handshake for about `ms` milliseconds and returns how many it made per second. */
export type Sampler = (ms: number) => Promise<number>;

/** One measured case of one peer: `prepare` sets it up (contexts, first session) and returns its sampler. */
export interface Case {
  name: string;
  peer: string;
  prepare: () => Promise<Sampler>;
}

/** The sampler of an operation run in this thread, warmed up first. */
export async function repeat(op: () => Promise<void>, warmUp = 20): Promise<Sampler> {
  for (let i = 0; i < warmUp; i++) await op();
  return async (ms) => {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < ms) {
      await op();
      n++;
    }
    return n / ((performance.now() - start) / 1000);
  };
}

/** The handshakes every peer makes, each with the same settings (as scripts/bench/handshakes.c names them). */
export const HANDSHAKES = [
  { name: 'TLS 1.3 full', version: 'TLSv1.3', resume: false, native: 'tls13-full' },
  { name: 'TLS 1.3 resumption', version: 'TLSv1.3', resume: true, native: 'tls13-resumption' },
  { name: 'TLS 1.2 full', version: 'TLSv1.2', resume: false, native: 'tls12-full' },
  { name: 'TLS 1.2 session-id resumption', version: 'TLSv1.2', resume: true, native: 'tls12-resumption' },
] as const;
export type Handshake = typeof HANDSHAKES[number];

/**
 * Every peer negotiates X25519, node:tls's (OpenSSL 3.0's) default, so all do the same work; P-256
 * is listed too because TLS 1.2 signs with the EC certificate only on a curve the client lists.
 */
export const GROUP = 'X25519:P-256';
