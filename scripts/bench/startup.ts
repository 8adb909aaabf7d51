// Start-up: a new Node process, to its first completed handshake (in this thread and in a
// worker), measured in child processes running the compiled library (npm run build:package).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Variant } from '../../src/index.js';

const exec = promisify(execFile);
const script = fileURLToPath(new URL('./first-handshake.mjs', import.meta.url));
const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[xs.length >> 1]);

export interface StartupFigures {
  runs: number;
  /** an empty Node process: start to running its script */
  nodeMs: number;
  processToHandshakeMs: number;
  /** from importing the library to the first handshake, in this thread and in a worker */
  importToHandshakeMs: number;
  importToHandshakeWorkerMs: number;
}

export async function startupFigures(variant: Variant, runs = 7): Promise<StartupFigures> {
  const node: number[] = [], total: number[] = [], library: number[] = [], worker: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(Number((await exec(process.execPath, ['-e', 'console.log(performance.now())'])).stdout));
    for (const mode of ['thread', 'worker']) {
      const { imported, done } = JSON.parse((await exec(process.execPath, [script, variant, mode])).stdout);
      if (mode === 'worker') worker.push(done - imported);
      else {
        total.push(done);
        library.push(done - imported);
      }
    }
  }
  return {
    runs, nodeMs: median(node), processToHandshakeMs: median(total),
    importToHandshakeMs: median(library), importToHandshakeWorkerMs: median(worker),
  };
}
