// The API suite in Node: in this thread on every OpenSSL variant, and through a worker_threads
// worker on the default one. The worker's transport does not depend on the variant, and
// Chromium runs the suite in Web Workers on every variant (browser.test.ts): the full matrix
// here would double the run for nothing new.
import { describe, it } from 'node:test';
import { createSandbox, DEFAULT_VARIANT, VARIANTS, type Sandbox, type SandboxOptions } from '../src/index.js';
import { suites } from './api/index.js';
import { disposeCheckingLeaks } from './api/leaks.js';

for (const worker of [false, true]) {
  for (const variant of worker ? [DEFAULT_VARIANT] : VARIANTS) {
    for (const suite of suites) {
      describe(`${suite.title} [OpenSSL ${variant}, ${worker ? 'worker' : 'in-process'}]`, () => {
        for (const c of suite.cases) {
          it(c.name, async () => {
            const extra: Sandbox[] = [];
            const sb = await createSandbox({ openssl: variant, worker });
            try {
              await c.run(sb, {
                variant,
                another: async (options?: SandboxOptions) => {
                  const other = await createSandbox({ openssl: variant, worker, ...options });
                  extra.push(other);
                  return other;
                },
              });
            } finally {
              await disposeCheckingLeaks([sb, ...extra], c.name);
            }
          });
        }
      });
    }
  }
}
