// The API suite in Node, in both modes (in this thread, through a worker_threads worker) and
// on both OpenSSL variants.
import { describe, it } from 'node:test';
import { createSandbox, VARIANTS, type Sandbox, type SandboxOptions } from '../src/index.js';
import { suites } from './api/index.js';
import { disposeCheckingLeaks } from './api/leaks.js';

for (const worker of [false, true]) {
  for (const variant of VARIANTS) {
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
