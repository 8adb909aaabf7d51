import type { Sandbox } from '../../src/index.js';

/**
 * Disposes every sandbox of a case and fails, naming the case, if OpenSSL still held an
 * allocation afterwards: dispose() frees every object and OpenSSL's own state, so anything
 * left is a leak.
 */
export async function disposeCheckingLeaks(sandboxes: Sandbox[], caseName: string): Promise<void> {
  const reports = await Promise.all(sandboxes.map((sb) => sb.dispose()));
  const leaks = reports.filter((r) => r && r.allocations !== 0);
  if (leaks.length > 0) {
    const what = leaks.map((r) => `${r!.allocations} allocations (${r!.bytes} bytes)`).join(', ');
    throw new Error(`leak: '${caseName}' left ${what} of OpenSSL memory after dispose()`);
  }
}
