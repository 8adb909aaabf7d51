// Run as its own Node process by startup.ts: loads the compiled library (dist/, as the package
// ships it), makes one full handshake, and prints the times since the process started
// (performance.now() counts from there).
const [variant, mode] = process.argv.slice(2);
const imported = performance.now();
const { createSandbox } = await import('../../dist/index.js');
const sb = await createSandbox({ openssl: variant, worker: mode === 'worker' });
const server = await sb.context({ role: 'server' });
const client = await sb.context({ role: 'client' });
await sb.handshake({ client, server });
const done = performance.now();
await sb.dispose();
console.log(JSON.stringify({ imported, done }));
