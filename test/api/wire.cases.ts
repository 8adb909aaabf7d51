import type { MessageEvent, Sandbox, SandboxEvent } from '../../src/index.js';
import * as check from './check.js';
import { transcriptFingerprint } from './fingerprint.js';
import { tls12SessionIdPair, type ApiSuite } from './suite.js';

const messages = (events: SandboxEvent[]) => events.filter((e): e is MessageEvent => e.kind === 'message');
const flow = (events: SandboxEvent[]) => messages(events).map((m) => `${m.from} ${m.type}`);
const ext = (m: MessageEvent, type: string) =>
  (m.fields.extensions as { type: string; fields?: Record<string, unknown> }[]).find((e) => e.type === type);

type HandshakeOptions = Parameters<Sandbox['handshake']>[0];
type Made = Awaited<ReturnType<Sandbox['handshake']>>;

/** What sb.handshake() does, made step by step as a caller would: step() and deliver() each flight until done, then the client's session and close(). */
async function stepwise(sb: Sandbox, { client, server, session, shutdown = 'clean' }: HandshakeOptions): Promise<Made> {
  const conn = await sb.connect(client, server, session);
  try {
    for (;;) {
      const flight = await conn.step();
      if (flight.outcome === 'done') break;
      if (flight.outcome !== 'continue') throw new Error(flight.error?.message ?? `the handshake ${flight.outcome}`);
      if (flight.records.length) await conn.deliver();
    }
    return { ...await conn.result(), session: await conn.session('client') };
  } finally {
    await conn.close(shutdown);
  }
}

/**
 * Full handshakes and resumptions in TLS 1.2 and 1.3, one waiting for an asynchronous get-session
 * handler, and a failure, each made by `make`: their results or errors, every event as JSON, the
 * transcripts and the key logs.
 */
async function observe(sb: Sandbox, make: (sb: Sandbox, options: HandshakeOptions) => Promise<Made>) {
  const outcomes: unknown[] = [];
  const connections: string[] = [];
  const made = async (options: HandshakeOptions) => {
    const from = await sb.eventCount();
    try {
      const hs = await make(sb, options);
      outcomes.push({ ...hs, session: hs.session.name });
      return hs.session;
    } catch (error) {
      outcomes.push({ error: (error as Error).message });
      return undefined;
    } finally {
      const created = (await sb.events(from)).find((e) => e.kind === 'call' && e.call === 'SSL_new');
      if (created?.kind === 'call') connections.push(String(created.result).replace(/_client$/, ''));
    }
  };
  const tls12 = await tls12SessionIdPair(sb);
  await made({ ...tls12, session: await made(tls12) });
  const tls13 = { server: await sb.context({ role: 'server' }), client: await sb.context({ role: 'client' }) };
  await made({ ...tls13, session: await made(tls13) });
  const waiting = {
    server: await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'], cacheMode: ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_STORE'], callbacks: { newSession: 'keep', getSession: true } }),
    client: tls12.client,
  };
  const offered = await made(waiting);
  const [kept] = await waiting.server.keptSessions();
  await waiting.server.setGetSessionHandler(async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return kept;
  });
  await made({ ...waiting, session: offered });
  const old = await sb.context({ role: 'client', maxProtocol: 'TLSv1.2' });
  await made({ client: old, server: await sb.context({ role: 'server', minProtocol: 'TLSv1.3' }), shutdown: 'unclean' });
  const transcripts = await Promise.all(connections.map(async (c) => (await sb.transcript(c)).map((chunk) => `${chunk.from} ${[...chunk.bytes].join(',')}`)));
  const keylogs = await Promise.all(connections.map((c) => sb.keylog(c)));
  return { outcomes, events: JSON.stringify(await sb.events()), transcripts, keylogs };
}

/** Runs a handshake and returns it with the messages it sent. */
async function traced(sb: Sandbox, options: Parameters<Sandbox['handshake']>[0]) {
  const from = await sb.eventCount();
  const hs = await sb.handshake(options);
  return { hs, events: await sb.events(from) };
}

export const wireSuite: ApiSuite = {
  title: 'the wire',
  cases: [
    { name: 'TLS 1.2 full handshake: the message sequence', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const { events } = await traced(sb, { client, server });
      check.deepEqual(flow(events), [
        'client ClientHello', 'server ServerHello', 'server Certificate', 'server ServerKeyExchange', 'server ServerHelloDone',
        'client ClientKeyExchange', 'client ChangeCipherSpec', 'client Finished', 'server ChangeCipherSpec', 'server Finished',
      ]);
    } },

    { name: 'TLS 1.2 session-id resumption: no Certificate, and the ServerHello echoes the offered id', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const first = await sb.handshake({ client, server });
      const { events } = await traced(sb, { client, server, session: first.session });
      check.deepEqual(flow(events), [
        'client ClientHello', 'server ServerHello', 'server ChangeCipherSpec', 'server Finished', 'client ChangeCipherSpec', 'client Finished',
      ]);
      const [hello, reply] = messages(events);
      check.equal(hello.fields.sessionId, first.sessionId.server);
      check.equal(reply.fields.sessionId, first.sessionId.server);
    } },

    { name: 'TLS 1.2 ticket resumption: the ClientHello carries the ticket', run: async (sb) => {
      const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2' });
      const client = await sb.context({ role: 'client' });
      const first = await traced(sb, { client, server });
      const ticket = messages(first.events).find((m) => m.type === 'NewSessionTicket');
      check.ok(ticket && (ticket.fields.ticketLength as number) > 0 && (ticket.fields.lifetimeHint as number) > 0, 'a ticket with a lifetime hint');
      const { hs, events } = await traced(sb, { client, server, session: first.hs.session });
      check.equal(hs.reused.server, true);
      const hello = messages(events)[0];
      check.equal(ext(hello, 'session_ticket')?.fields?.ticketLength, ticket.fields.ticketLength);
      check.ok(!flow(events).includes('server Certificate'), 'no certificate');
    } },

    { name: 'TLS 1.3 full handshake: the message sequence, then two tickets', run: async (sb) => {
      const server = await sb.context({ role: 'server' });
      const client = await sb.context({ role: 'client' });
      const { events } = await traced(sb, { client, server });
      const sequence = flow(events).filter((m) => !m.endsWith('ChangeCipherSpec'));
      check.deepEqual(sequence, [
        'client ClientHello', 'server ServerHello', 'server EncryptedExtensions', 'server Certificate', 'server CertificateVerify',
        'server Finished', 'client Finished', 'server NewSessionTicket', 'server NewSessionTicket',
      ]);
      const tickets = messages(events).filter((m) => m.type === 'NewSessionTicket');
      check.deepEqual(tickets.map((t) => t.fields.lifetime), [7200, 7200]);
      check.deepEqual(tickets.map((t) => t.fields.nonce), ['0000000000000000', '0000000000000001']);
    } },

    { name: 'TLS 1.3 PSK resumption: pre_shared_key offered and selected, no Certificate', run: async (sb) => {
      const server = await sb.context({ role: 'server' });
      const client = await sb.context({ role: 'client' });
      const first = await sb.handshake({ client, server });
      const { events } = await traced(sb, { client, server, session: first.session });
      const [hello, reply] = messages(events);
      const psk = ext(hello, 'pre_shared_key')?.fields as { identities: { length: number }[]; binders: number };
      check.equal(psk.identities.length, 1);
      check.ok(psk.identities[0].length > 32, 'a stateless ticket, longer than a session id');
      check.equal(psk.binders, 1);
      check.deepEqual(ext(hello, 'psk_key_exchange_modes')?.fields?.modes, ['psk_dhe_ke']);
      check.equal(ext(reply, 'pre_shared_key')?.fields?.selectedIdentity, 0);
      check.ok(!flow(events).includes('server Certificate'), 'no certificate');
    } },

    { name: 'TLS 1.3 HelloRetryRequest: the server asks for another key share', run: async (sb) => {
      const server = await sb.context({ role: 'server', groups: 'P-384' });
      const client = await sb.context({ role: 'client', groups: 'X25519:P-384' });
      const { hs, events } = await traced(sb, { client, server });
      check.equal(hs.version, 'TLSv1.3');
      // Each side sends a ChangeCipherSpec at its first chance (middlebox compatibility): the server right after
      // the HelloRetryRequest, the client before its second ClientHello.
      check.deepEqual(flow(events).slice(0, 5), ['client ClientHello', 'server HelloRetryRequest', 'server ChangeCipherSpec',
        'client ChangeCipherSpec', 'client ClientHello']);
      const hrr = messages(events)[1];
      check.equal(ext(hrr, 'key_share')?.fields?.selectedGroup, 'secp384r1');
      check.deepEqual(ext(messages(events).filter((m) => m.type === 'ClientHello')[1], 'key_share')?.fields?.groups, ['secp384r1']);
    } },

    { name: 'an untraced connection logs its calls, not its messages, records or states; the wire is still recorded', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const from = await sb.eventCount();
      const conn = await sb.connect(client, server, undefined, { trace: false });
      check.equal((await conn.handshake()).version, 'TLSv1.2');
      const flights = (await conn.transcript()).length;
      await conn.close();
      const kinds = (await sb.events(from)).map((e) => e.kind);
      check.deepEqual(kinds.filter((k) => ['message', 'record', 'state', 'alert'].includes(k)), []);
      check.ok(kinds.includes('handshake') && kinds.includes('call'), 'the calls and the handshake are logged');
      check.equal(flights, 4);
    } },

    { name: 'step by step: each flight is held until delivered, and the result is the same', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const conn = await sb.connect(client, server);
      const seen: string[] = [];
      for (;;) {
        const flight = await conn.step();
        if (flight.outcome === 'done') break;
        check.equal(flight.outcome, 'continue');
        if (flight.records.length) {
          seen.push(`${flight.from}: ${flight.records.map((r) => r.type).join(',')}`);
          await conn.deliver();
        }
      }
      // OpenSSL writes each TLS 1.2 server message in its own record: ServerHello, Certificate, ServerKeyExchange, ServerHelloDone.
      check.deepEqual(seen, ['client: handshake', 'server: handshake,handshake,handshake,handshake',
        'client: handshake,change_cipher_spec,handshake', 'server: change_cipher_spec,handshake']);
      check.equal((await conn.result()).version, 'TLSv1.2');
      await conn.close();
    } },

    { name: 'a whole handshake (run in the glue) and the same steps made one by one give the same events, results, errors, transcripts and key logs', run: async (_, { another }) => {
      const whole = await observe(await another({ seed: 5 }), (sb, options) => sb.handshake(options));
      const steps = await observe(await another({ seed: 5 }), stepwise);
      check.deepEqual((whole.outcomes as { reused?: { server: boolean }; error?: string }[]).map((o) => (o.error ? 'failed' : o.reused!.server)),
        [false, true, false, true, false, true, 'failed']);
      check.deepEqual(whole.outcomes, steps.outcomes);
      check.equal(whole.events, steps.events);
      check.deepEqual(whole.transcripts, steps.transcripts);
      check.deepEqual(whole.keylogs, steps.keylogs);
    } },

    { name: 'a tampered byte in the Finished message: the receiver sends its own alert', run: async (sb) => {
      const server = await sb.context({ role: 'server' });
      const client = await sb.context({ role: 'client' });
      const conn = await sb.connect(client, server);
      const from = await sb.eventCount();
      let flight = await conn.step();
      for (; !(flight.from === 'client' && flight.done.client); flight = await conn.step()) {
        if (flight.records.length) await conn.deliver();
      }
      // The client's last flight: [change_cipher_spec,] Finished, encrypted as application_data.
      const records = flight.records.map((r) => r.bytes);
      const finished = records[records.length - 1];
      finished[finished.length - 1] ^= 0x01;
      await conn.deliver(records);
      const reaction = await conn.step();
      check.equal(reaction.outcome, 'failed');
      check.equal(reaction.from, 'server');
      check.ok(reaction.error!.queue.some((e) => /decrypt|bad record mac/i.test(e.reason)), JSON.stringify(reaction.error));
      const alerts = (await sb.events(from)).filter((e) => e.kind === 'alert');
      check.deepEqual(alerts.map((a) => a.kind === 'alert' && [a.side, a.direction, a.level, a.description]), [['server', 'sent', 'fatal', 'bad_record_mac']]);
      check.equal(reaction.records.length, 1, 'the alert record is held like any flight');
      await conn.close('unclean');
    } },

    { name: 'a dropped flight stalls the handshake; a replayed ClientHello is refused with an alert', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const dropped = await sb.connect(client, server);
      await dropped.step();
      await dropped.deliver([]);
      let outcome = (await dropped.step()).outcome;
      if (outcome === 'continue') outcome = (await dropped.step()).outcome;
      check.equal(outcome, 'stalled');
      await dropped.close('unclean');

      const replayed = await sb.connect(client, server);
      const hello = await replayed.step();
      const from = await sb.eventCount();
      await replayed.deliver([hello.records[0].bytes, hello.records[0].bytes]);
      const reaction = await replayed.step();
      check.equal(reaction.outcome, 'failed');
      check.ok(reaction.error!.queue.length > 0, 'OpenSSL says why');
      check.ok((await sb.events(from)).some((e) => e.kind === 'alert' && e.side === 'server' && e.direction === 'sent' && e.level === 'fatal'),
        'the server sent a fatal alert');
      await replayed.close('unclean');
    } },

    { name: 'with a seed, the same steps give byte-identical transcripts; another seed gives others', run: async (_, { another }) => {
      const run = async (seed: number) => transcriptFingerprint(await another({ seed }));
      const [a, b, c] = [await run(7), await run(7), await run(8)];
      check.ok(a === b, 'same seed, same bytes');
      check.ok(a !== c, 'another seed, other bytes');
    } },

    { name: 'the key log holds the TLS 1.3 secrets of each connection', run: async (sb) => {
      const server = await sb.context({ role: 'server' });
      const client = await sb.context({ role: 'client' });
      const hs = await sb.handshake({ client, server });
      const labels = (await sb.keylog(hs.connection)).trim().split('\n').map((l) => l.split(' ')[0]).sort();
      check.deepEqual(labels, ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'EXPORTER_SECRET',
        'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']);
    } },
  ],
};
