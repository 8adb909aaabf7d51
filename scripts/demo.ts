// The terminal demo: a TLS 1.2 handshake, a resumption, and the cache calls of the manual
// page SSL_CTX_add_session(3), each narrated and shown as the C call OpenSSL received.
import { createSandbox, type Sandbox, type Variant } from '../src/index.js';

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const style = (code: string) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = style('1');
const dim = style('2');
const green = style('32');

let shown = 0;
/** Prints what happened since the last call: OpenSSL calls, callbacks and handshake messages (not every state change). */
async function calls(sb: Sandbox) {
  for (const event of await sb.events(shown)) {
    if (event.kind !== 'state' && event.kind !== 'record') console.log(dim(`      ${event.c}`));
  }
  shown = await sb.eventCount();
}

const say = (text: string) => console.log(`  ${text}`);
const heading = (n: number, text: string) => console.log(`\n${bold(`${n}. ${text}`)}`);
const yesNo = (b: boolean) => (b ? green('yes') : 'no');

async function main() {
  const variant = (process.env.OPENSSL ?? '3.5') as Variant;
  const sb = await createSandbox({ openssl: variant });
  console.log(bold(`${await sb.opensslVersion()}, compiled to WebAssembly, running in Node ${process.versions.node}.`));
  say('Every line in grey is the C call the sandbox just made, with what OpenSSL returned.');

  heading(1, 'Two contexts');
  say('A server that speaks TLS 1.2 and remembers sessions in its own cache (no tickets), and a client:');
  const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
  const client = await sb.context({ role: 'client' });
  await calls(sb);

  heading(2, 'A full handshake');
  say('The client has no session yet, so both sides do the whole key exchange and the server sends its certificate.');
  const full = await sb.handshake({ client, server });
  const cached = await server.sessionCount();
  await calls(sb);
  say(`Negotiated ${full.version} with ${full.cipher}; resumed: ${yesNo(full.reused.server)}.`);
  say(`${full.flights} flights crossed the wire: ${full.bytes.client} bytes from the client, ${full.bytes.server} from the server.`);
  say(`The server stored the session under id ${full.sessionId.server.slice(0, 16)}…; its cache now holds ${cached} session.`);

  heading(3, 'A resumption');
  say(`The client offers the session it kept (${full.session.name}) in its ClientHello.`);
  const resumed = await sb.handshake({ client, server, session: full.session });
  await calls(sb);
  say(`Resumed: ${yesNo(resumed.reused.server)}. The server found the id in its cache, skipped the key exchange and the`);
  say(`certificate, and sent ${resumed.bytes.server} bytes instead of ${full.bytes.server}.`);

  heading(4, 'SSL_CTX_remove_session');
  say('Removing the session from the server\'s cache returns 1; removing it again returns 0: it is no longer there.');
  await server.removeSession(full.session);
  await server.removeSession(full.session);
  await calls(sb);
  const afterRemove = await sb.handshake({ client, server, session: full.session });
  await calls(sb);
  say(`Offering it again, the server no longer finds it: resumed: ${yesNo(afterRemove.reused.server)}, a full handshake again.`);

  heading(5, 'SSL_CTX_add_session');
  const mine = afterRemove.session;
  say('That full handshake cached a new session. Each side holds its own SSL_SESSION object for it: the server\'s');
  say(`is in the cache, the client's is ${mine.name}. Same id, different objects. Adding ${mine.name} replaces the server's`);
  say('object and returns 1; adding the identical object again is a no-op and returns 0; a copy (another object, same id)');
  say('replaces it again and returns 1. The cache still holds one session.');
  await server.addSession(mine);
  await server.addSession(mine);
  const copy = await mine.dup();
  await server.addSession(copy);
  const count = await server.sessionCount();
  await calls(sb);
  say(`Sessions in the cache: ${count}.`);
  const viaCopy = await sb.handshake({ client, server, session: mine });
  await calls(sb);
  say(`Offering ${mine.name}, the server resumes from the copy it now holds: resumed: ${yesNo(viaCopy.reused.server)}.`);

  heading(6, 'What the server counted (SSL_CTX_sess_*)');
  const counters = await server.counters();
  await calls(sb);
  say(`accept ${counters.accept}, accept_good ${counters.accept_good}, hits ${counters.hits}, misses ${counters.misses}, timeouts ${counters.timeouts}`);
  say('hits are resumptions served from the cache; misses are offered sessions it did not find.');

  await sb.dispose();
  console.log(`\n${dim('All objects freed. Run the tests with `npm test`.')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
