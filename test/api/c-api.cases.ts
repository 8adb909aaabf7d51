import { CallError, ConstantError, HandleError, OPTIONS, SESSION_CACHE_MODES, Session, Ssl, VERIFY_MODES } from '../../src/index.js';
import * as check from './check.js';
import { tls12SessionIdPair, type ApiSuite } from './suite.js';

export const cApiSuite: ApiSuite = {
  title: 'the C API by name (Sandbox.call)',
  cases: [
    { name: 'setters return what C returns: the previous size, timeout and mode; integers reach OpenSSL as C passes them', run: async (sb, { variant }) => {
      const server = await sb.context({ role: 'server' });
      check.equal(await sb.call('SSL_CTX_sess_set_cache_size', server, 5), 20480, 'the previous size');
      // SSL_CTX_ctrl refuses a negative size: it returns 0 and keeps the size.
      check.equal(await sb.call('SSL_CTX_sess_set_cache_size', server, -1), 0);
      check.equal(await sb.call('SSL_CTX_sess_get_cache_size', server), 5);
      check.equal(await sb.call('SSL_CTX_set_timeout', server, 50), 7200, 'the previous timeout');
      check.equal(await sb.call('SSL_CTX_set_timeout', server, -5), 50, 'the previous timeout');
      // 1.1.1 and 3.0 keep the long; 3.5 and later convert it to OSSL_TIME (unsigned ticks) and back: 18446744068 s,
      // which WebAssembly's 32-bit long truncates (natively, with a 64-bit long, it stays 18446744068).
      check.equal(await sb.call('SSL_CTX_get_timeout', server), ['1.1', '3.0'].includes(variant) ? -5 : 18446744068 % 2 ** 32);
      // A mask with a bit no flag names reaches OpenSSL, and comes back.
      check.equal(await sb.call('SSL_CTX_set_session_cache_mode', server, 0x8002), 2, 'the previous mode, SSL_SESS_CACHE_SERVER');
      check.equal(await sb.call('SSL_CTX_get_session_cache_mode', server), 0x8002);
      check.equal(await sb.call('SSL_CTX_set_session_cache_mode', server, ['SSL_SESS_CACHE_BOTH']), 0x8002);
      const events = await sb.events(await sb.eventCount() - 1);
      check.equal(events[0].c, 'SSL_CTX_set_session_cache_mode(server_ctx_1, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_SERVER) = 32770');
    } },

    { name: 'SSL_SESSION_set_time returns the time it set, so 0 is no failure (and Session.set accepts 0)', run: async (sb) => {
      const session = await sb.call('SSL_SESSION_new');
      check.ok(session instanceof Session, 'a new SSL_SESSION comes back as a Session');
      check.equal(await sb.call('SSL_SESSION_set_time', session, 0), 0);
      check.equal(await sb.call('SSL_SESSION_get_time', session), 0);
      check.equal(await sb.call('SSL_SESSION_set_time', session, 1234), 1234);
      await session.set({ time: 0 });
      check.equal((await session.info()).time, 0);
      check.equal(await sb.call('SSL_SESSION_set_timeout', session, 60), 1);
    } },

    { name: 'an OpenSSL failure is C\'s result (0), with the error queue\'s reasons on the call event', run: async (sb) => {
      const session = await sb.call('SSL_SESSION_new');
      check.equal(await sb.call('SSL_SESSION_set1_id', session, '00'.repeat(33)), 0);
      const [event] = await sb.events(await sb.eventCount() - 1);
      check.deepEqual(event.kind === 'call' && event.errors, ['ssl session id too long']);
      check.equal(await sb.call('SSL_SESSION_set1_id', session, '0102'), 1);
      check.equal(await sb.call('SSL_SESSION_get_id', session), '0102');
      check.equal(await sb.call('SSL_SESSION_set_protocol_version', session, 'TLSv1.2'), 1);
      check.equal(await sb.call('SSL_SESSION_get_protocol_version', session), 0x0303);
    } },

    { name: 'NULL where C takes it: SSL_SESSION_free(NULL) does nothing', run: async (sb) => {
      check.equal(await sb.call('SSL_SESSION_free', null), undefined);
      const [event] = await sb.events(await sb.eventCount() - 1);
      check.equal(event.c, 'SSL_SESSION_free(NULL)');
    } },

    { name: 'bad input is refused before any C runs, naming the argument and what it takes', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const { session } = await sb.handshake({ client, server });
      const before = await sb.eventCount();
      // What plain JavaScript (or a scenario) may pass, past the types.
      const untyped = sb.call.bind(sb) as (name: string, ...args: unknown[]) => Promise<unknown>;
      const unknown = await check.rejects(untyped('SSL_CTX_add_sesion'));
      check.ok(unknown instanceof CallError && unknown.code === 'UNKNOWN_FUNCTION', unknown.message);
      const arity = await check.rejects(untyped('SSL_CTX_add_session', server));
      check.ok(arity instanceof CallError && arity.code === 'ARITY', arity.message);
      check.match(arity.message, /takes 2 arguments \(SSL_CTX \*ctx, SSL_SESSION \*session\), got 1/);
      const kind = await check.rejects(untyped('SSL_CTX_sess_set_cache_size', server, 'many'));
      check.ok(kind instanceof CallError && kind.code === 'ARGUMENT' && kind.argument === 2, kind.message);
      check.match(kind.message, /argument 2 \(long t\): expected a whole number, got "many"/);
      const wide = await check.rejects(sb.call('SSL_CTX_sess_set_cache_size', server, 2 ** 40));
      check.match(wide.message, /32 bits in WebAssembly/);
      const flag = await check.rejects(untyped('SSL_CTX_set_session_cache_mode', server, ['SSL_SESS_CACHE_SOMETIMES']));
      check.ok(flag instanceof CallError && flag.argument === 2, flag.message);
      const wrongKind = await check.rejects(untyped('SSL_CTX_add_session', server, server));
      check.ok(wrongKind instanceof HandleError && wrongKind.problem === 'wrong-kind', wrongKind.message);
      check.match(wrongKind.message, /^SSL_CTX_add_session argument 2 \(SSL_SESSION \*session\): /);
      await session.dispose();
      const freed = await check.rejects(sb.call('SSL_CTX_add_session', server, session));
      check.ok(freed instanceof HandleError && freed.problem === 'disposed', freed.message);
      check.match(freed.message, /argument 2 .*use after free/);
      const calls = (await sb.events(before)).filter((e) => e.kind === 'call').map((e) => e.c);
      check.deepEqual(calls, [`SSL_SESSION_free(${session.name})`], 'only SSL_SESSION_free ran');
    } },

    { name: 'a function this OpenSSL lacks is refused as not in this OpenSSL', run: async (sb, { variant }) => {
      const session = await sb.call('SSL_SESSION_new');
      if (['1.1', '3.0'].includes(variant)) {
        const e = await check.rejects(sb.call('SSL_SESSION_set_time_ex', session, 5));
        check.ok(e instanceof CallError && e.code === 'NOT_IN_THIS_OPENSSL', e.message);
        check.match(e.message, /first appeared in OpenSSL 3\.3/);
      } else {
        check.equal(await sb.call('SSL_SESSION_set_time_ex', session, 5), 5);
      }
    } },

    { name: 'a freed reference still reaches its object while a cache holds it, and is refused once the object is destroyed', run: async (sb) => {
      const server = await sb.context({ role: 'server', callbacks: { removeSession: true } });
      const made = await sb.createSession({ id: 'abcd', protocol: 'TLSv1.2' });
      check.equal(await sb.call('SSL_CTX_add_session', server, made), 1);
      await made.dispose();
      check.equal((await made.info()).id, 'abcd', 'the object lives on in the cache');
      // The friendly API stays strict; the C-level call does what C may do.
      check.ok(await check.rejects(server.removeSession(made)) instanceof HandleError);
      const mark = await sb.eventCount();
      check.equal(await sb.call('SSL_CTX_remove_session', server, made), 1);
      const removed = (await sb.events(mark)).find((e) => e.kind === 'callback' && e.callback === 'remove_session');
      check.ok(removed?.kind === 'callback' && removed.session, 'the remove callback carried the session');
      const named = await sb.sessionObject(removed.session.object);
      check.equal((await named.info()).alive, false, 'gone with the cache\'s reference');
      const e = await check.rejects(sb.call('SSL_SESSION_get_id', named));
      check.ok(e instanceof HandleError && e.problem === 'disposed', e.message);
      check.match(e.message, /use after free/);
      const unowned = await check.rejects(named.dispose());
      check.ok(unowned instanceof HandleError, 'a name without a reference frees nothing');
      check.match(unowned.message, /holds no reference of its own/);
    } },

    { name: 'the server\'s own session of a handshake is another object than the client\'s, with the same id', run: async (sb) => {
      const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] });
      const client = await sb.context({ role: 'client' });
      const { session, serverSession } = await sb.handshake({ client, server, serverSession: true });
      check.ok(serverSession, 'serverSession was asked for');
      const [mine, theirs] = [await session.info(), await serverSession.info()];
      check.ok(mine.object !== theirs.object, 'two objects');
      check.equal(mine.id, theirs.id);
      check.equal(theirs.idLength, 32);
      check.deepEqual((await server.cachedSessions()).map((c) => c.object), [theirs.object], 'the cache holds the server\'s object');
    } },

    { name: 'session callbacks installed at any time: a get callback answering with a session and *copy 0 hands it to OpenSSL', run: async (sb) => {
      const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'], cacheMode: ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_STORE'] });
      const client = await sb.context({ role: 'client' });
      check.equal(await sb.call('SSL_CTX_sess_get_get_cb', server), null);
      const { session, serverSession } = await sb.handshake({ client, server, serverSession: true });
      const copy = await sb.call('SSL_SESSION_dup', serverSession!);
      await sb.call('SSL_CTX_sess_set_get_cb', server, { answer: copy, copy: 0 });
      check.equal(await sb.call('SSL_CTX_sess_get_get_cb', server), 'get_session_answer_cb');
      check.equal((await sb.handshake({ client, server, session })).reused.server, true);
      check.equal((await copy.info()).alive, false, 'the reference went to OpenSSL, which freed it with the connection');
      check.ok(await check.rejects(copy.dispose()) instanceof HandleError);
      const untyped = sb.call.bind(sb) as (name: string, ...args: unknown[]) => Promise<unknown>;
      const bad = await check.rejects(untyped('SSL_CTX_sess_set_get_cb', server, { answer: 'store', copy: 2 }));
      check.ok(bad instanceof CallError && bad.argument === 2, bad.message);
      await sb.call('SSL_CTX_sess_set_new_cb', server, 'free');
      check.equal(await sb.call('SSL_CTX_sess_get_new_cb', server), 'new_session_free_cb');
      await sb.call('SSL_CTX_sess_set_new_cb', server, null);
      check.equal(await sb.call('SSL_CTX_sess_get_new_cb', server), null);
    } },

    { name: 'SSL objects step by step show the record events, the transcript and the key log of the one-step handshake', run: async (sb) => {
      const server = await sb.context({ role: 'server' });
      const client = await sb.context({ role: 'client' });
      const records = async (run: () => Promise<unknown>) => {
        const mark = await sb.eventCount();
        await run();
        return (await sb.events(mark)).flatMap((e) => (e.kind === 'record' ? [`${e.from} ${e.type} ${e.version} #${e.flight}.${e.index}`] : []));
      };
      const oneStep = await records(() => sb.handshake({ client, server }));
      check.ok(oneStep.length >= 4, oneStep.join(', '));
      // As Connection.close() ends the one-step handshake's connection: each side's close_notify.
      const shutdown = async (c: Ssl, s: Ssl) => {
        await sb.call('SSL_shutdown', c);
        await sb.call('SSL_shutdown', s);
      };
      const pair = async () => {
        const [c, s] = [await sb.call('SSL_new', client), await sb.call('SSL_new', server)];
        await sb.call('sandbox_join', c, s);
        return [c, s] as const;
      };
      // By hand: each side's SSL_do_handshake in turn, then the client reads what follows Finished (TLS 1.3 tickets).
      let joined: readonly [Ssl, Ssl] | undefined;
      const byHand = await records(async () => {
        const [c, s] = joined = await pair();
        const done = { c: false, s: false };
        for (let i = 0; i < 8 && !(done.c && done.s); i++) done[i % 2 ? 's' : 'c'] ||= await sb.call('SSL_do_handshake', i % 2 ? s : c) === 1;
        await sb.call('SSL_read', c);
        await shutdown(c, s);
      });
      check.deepEqual(byHand, oneStep);
      check.deepEqual(await records(async () => {
        const [c, s] = await pair();
        await sb.call('sandbox_handshake', c, s);
        await shutdown(c, s);
      }), oneStep);
      // The pair is a connection named after its client SSL: its transcript holds the flights, its key log the secrets.
      const transcript = await sb.transcript(joined![0].name);
      check.deepEqual(transcript.map((chunk) => chunk.from), (await sb.transcript('conn_1')).map((chunk) => chunk.from));
      check.match(await sb.keylog(joined![0].name), /^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]{64,96}$/m);
    } },

    { name: 'SSL objects step by step: SSL_new, the wire, SSL_do_handshake flight by flight, each side\'s session, SSL_free', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const c = await sb.call('SSL_new', client);
      const s = await sb.call('SSL_new', server);
      check.ok(c instanceof Ssl && s instanceof Ssl, 'SSL_new gives an Ssl');
      check.equal(await sb.call('SSL_get_session', s), null, 'no session before the handshake: NULL');
      await sb.call('sandbox_join', c, s);
      const results = [await sb.call('SSL_do_handshake', c)];
      check.equal(await sb.call('SSL_get_error', c, -1), 2, 'SSL_ERROR_WANT_READ: the ClientHello is on the wire');
      for (let i = 1; i < 8 && results.at(-2) !== 1; i++) results.push(await sb.call('SSL_do_handshake', i % 2 ? s : c));
      check.deepEqual(results, [-1, -1, -1, 1, 1], 'each side wants to read until it is done');
      const theirs = await sb.call('SSL_get_session', s);
      const mine = await sb.call('SSL_get1_session', c);
      check.equal((await theirs!.info()).id, (await mine!.info()).id);
      check.equal(await sb.call('SSL_get_default_timeout', s), 7200);
      check.equal(await sb.call('SSL_has_matching_session_id', s, (await theirs!.info()).id), 1, 'the server caches it by that id');
      const untyped = sb.call.bind(sb) as (name: string, ...args: unknown[]) => Promise<unknown>;
      const before = await sb.eventCount();
      const wrongKind = await check.rejects(untyped('SSL_new', c));
      check.ok(wrongKind instanceof HandleError && wrongKind.problem === 'wrong-kind', wrongKind.message);
      check.match(wrongKind.message, /^SSL_new argument 1 \(SSL_CTX \*ctx\): ssl_1 is a SSL handle, but a SSL_CTX is needed/);
      const context = await check.rejects(untyped('SSL_do_handshake', client));
      check.match(context.message, /^SSL_do_handshake argument 1 \(SSL \*ssl\): /);
      const verify = await check.rejects(untyped('SSL_set_verify', s, ['SSL_VERIFY_PEER'], 'my_callback'));
      check.ok(verify instanceof CallError && verify.argument === 3, verify.message);
      const borrowed = await check.rejects(sb.call('SSL_SESSION_free', theirs));
      check.match(borrowed.message, /holds no reference of its own/);
      check.equal(await sb.eventCount(), before, 'nothing ran');
      await sb.call('SSL_free', s);
      const freed = await check.rejects(sb.call('SSL_session_reused', s));
      check.ok(freed instanceof HandleError && freed.problem === 'disposed', freed.message);
      check.match(freed.message, /use after free/);
      const twice = await check.rejects(sb.call('SSL_free', s));
      check.match(twice.message, /double free/);
      // Freed without SSL_shutdown, the server SSL takes its session out of the cache (ssl_clear_bad_session): the object is gone.
      check.equal(await sb.call('SSL_CTX_sess_number', server), 0);
      check.match((await check.rejects(sb.call('SSL_SESSION_get_id', theirs!))).message, /use after free/);
      await c.dispose();
    } },

    { name: 'constants are the variant\'s headers\', and flag names are any of its constants of that family', run: async (sb, { variant }) => {
      const constants = await sb.constants();
      check.equal(constants.SSL_MAX_SSL_SESSION_ID_LENGTH, 32);
      check.equal(constants.SSL_SESS_CACHE_NO_INTERNAL, constants.SSL_SESS_CACHE_NO_INTERNAL_LOOKUP + constants.SSL_SESS_CACHE_NO_INTERNAL_STORE);
      // The friendly API's flag names (its types, the schema) are the headers' names: every variant
      // defines them, but for those 3.0 added, which 1.1.1's headers lack.
      const lacking = [...SESSION_CACHE_MODES, ...OPTIONS, ...VERIFY_MODES].filter((name) => constants[name] === undefined);
      check.deepEqual(lacking, variant === '1.1' ? ['SSL_SESS_CACHE_UPDATE_TIME', 'SSL_OP_NO_EXTENDED_MASTER_SECRET'] : []);
      const server = await sb.context({ role: 'server' });
      const untyped = sb.call.bind(sb) as (name: string, ...args: unknown[]) => Promise<unknown>;
      const before = await sb.call('SSL_CTX_get_options', server);
      // A name outside the sandbox's own tables: 3.0 added it, so 1.1.1 answers with another of its options.
      const extra = variant === '1.1' ? 'SSL_OP_NO_RENEGOTIATION' : 'SSL_OP_ALLOW_CLIENT_RENEGOTIATION';
      await untyped('SSL_CTX_set_options', server, [extra]);
      check.equal(await sb.call('SSL_CTX_get_options', server), before + constants[extra]);
      const unknown = await check.rejects(untyped('SSL_CTX_set_options', server, ['SSL_OP_NO_SUCH_THING']));
      check.ok(unknown instanceof CallError && unknown.argument === 2, unknown.message);
      check.match(unknown.message, /flag names this OpenSSL defines \(.*SSL_OP_NO_TICKET/);
    } },

    { name: 'context settings refuse a flag name the variant\'s headers lack, naming the setting, the name and the OpenSSL', run: async (sb, { variant }) => {
      const constants = await sb.constants();
      for (const [setting, name] of [['cacheMode', 'SSL_SESS_CACHE_UPDATE_TIME'], ['options', 'SSL_OP_NO_EXTENDED_MASTER_SECRET']] as const) {
        const config = { role: 'server', [setting]: [name] } as const;
        if (constants[name] !== undefined) {
          const server = await sb.context(config);
          const state = await server.settings();
          check.ok((state[setting] as string[]).includes(name), `${name} set on ${variant}`);
          await server.dispose();
          continue;
        }
        const before = await sb.eventCount();
        const refused = await check.rejects(sb.context(config));
        check.ok(refused instanceof ConstantError && refused.code === 'NOT_IN_THIS_OPENSSL', refused.message);
        check.equal(refused.setting, setting);
        check.equal(refused.constant, name);
        check.match(refused.message, new RegExp(`^${setting}: ${name} is not defined by this OpenSSL's headers \\(OpenSSL 1\\.1\\.1`));
        // No SSL_CTX_set_* ran: the only C the refused context made is its creation and its free.
        const made = (await sb.events(before)).filter((e) => e.kind === 'call').map((e) => (e as { call: string }).call);
        check.ok(!made.some((call) => call.startsWith('SSL_CTX_set_options') || call.startsWith('SSL_CTX_set_session_cache_mode')), made.join(', '));
      }
    } },

    { name: 'a context setting is its row of the table: it logs the C line the same call by name logs', run: async (sb) => {
      const untyped = sb.call.bind(sb) as (name: string, ...args: unknown[]) => Promise<unknown>;
      const [configured, called] = [await sb.context({ role: 'server' }), await sb.context({ role: 'server' })];
      const lastLine = async () => (await sb.events(await sb.eventCount() - 1))[0].c.replace(/server_ctx_\d+/, 'ctx');
      for (const [setting, call, value] of [
        ['minProtocol', 'SSL_CTX_set_min_proto_version', 'TLSv1.2'], ['maxProtocol', 'SSL_CTX_set_max_proto_version', 'TLSv1.3'],
        ['options', 'SSL_CTX_set_options', ['SSL_OP_NO_TICKET', 'SSL_OP_CIPHER_SERVER_PREFERENCE']],
        ['cacheMode', 'SSL_CTX_set_session_cache_mode', ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_AUTO_CLEAR']],
        ['cacheMode', 'SSL_CTX_set_session_cache_mode', []], ['cacheSize', 'SSL_CTX_sess_set_cache_size', 5],
        ['timeout', 'SSL_CTX_set_timeout', 300], ['sessionIdContext', 'SSL_CTX_set_session_id_context', 'app'],
        ['numTickets', 'SSL_CTX_set_num_tickets', 1], ['ciphersuites', 'SSL_CTX_set_ciphersuites', 'TLS_AES_128_GCM_SHA256'],
        ['cipherList', 'SSL_CTX_set_cipher_list', 'ECDHE-ECDSA-AES128-GCM-SHA256'], ['groups', 'SSL_CTX_set1_groups_list', 'P-256'],
      ] as const) {
        await configured.configure({ [setting]: value });
        const line = await lastLine();
        await untyped(call, called, value);
        check.equal(line, await lastLine(), setting);
        check.ok(line.startsWith(`${call}(ctx, `), line);
      }
      // A setter that fails throws OpenSSL's reasons, taken from the error queue the call reported.
      const failed = await check.rejects(configured.configure({ ciphersuites: 'NO_SUCH_SUITE' }));
      check.match(failed.message, /^SSL_CTX_set_ciphersuites failed \("NO_SUCH_SUITE"\): .*no cipher match/);
    } },

    { name: 'bytes of a length only C knows come back whole: both sides\' master keys are the same 48 bytes, and only the client holds a ticket', run: async (sb) => {
      const server = await sb.context({ role: 'server', maxProtocol: 'TLSv1.2' });
      const client = await sb.context({ role: 'client' });
      const { session, serverSession } = await sb.handshake({ client, server, serverSession: true });
      check.ok(serverSession, 'serverSession was asked for');
      const key = await sb.call('SSL_SESSION_get_master_key', session);
      check.equal(key.length, 96, 'SSL_MAX_MASTER_KEY_LENGTH (48) bytes as hex');
      check.equal(await sb.call('SSL_SESSION_get_master_key', serverSession), key);
      check.ok((await sb.call('SSL_SESSION_get0_ticket', session)).length > 64, 'a ticket longer than the 32 bytes ids have');
      check.equal(await sb.call('SSL_SESSION_get0_ticket', serverSession), '');
    } },

    { name: 'd2i_SSL_SESSION of i2d_SSL_SESSION\'s bytes is a new session with the same id', run: async (sb) => {
      const { server, client } = await tls12SessionIdPair(sb);
      const { session } = await sb.handshake({ client, server });
      const der = await sb.call('i2d_SSL_SESSION', session);
      const copy = await sb.call('d2i_SSL_SESSION', der);
      check.equal(await sb.call('SSL_SESSION_get_id', copy), (await session.info()).id);
    } },
  ],
};
