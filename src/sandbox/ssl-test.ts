// One test of OpenSSL's own test/ssl-tests, run as OpenSSL runs it: the contexts made and configured
// as test/ssl_test.c's test_handshake() does (SSL_CTX_config's SSL_CONF_cmd calls, one by one), the
// handshake and, for HandshakeMode = Resume, the second one on the resumption contexts with the first
// one's sessions, as test/helpers/handshake.c's do_handshake() does. What handshake.c installs in C
// (its SNI and ticket callbacks) is wasm/glue/ssl-tests.c. The .cnf importer is src/scenario/ssl-tests.ts.
import { SIDES, protocolName, type Side } from '../core/constants.js';
import type { Ptr } from '../core/pointers.js';
import { hasSince } from './c-api.js';
import type { ConnectionRef, ContextRef, Engine, SessionRef } from './engine.js';

/** The contexts a test's ssl_conf section may configure, by the names ssl_test.c passes to SSL_CTX_config(). */
export const SSL_TEST_ROLES = ['server', 'server2', 'client', 'resume-server', 'resume-client'] as const;
export type SslTestRole = (typeof SSL_TEST_ROLES)[number];

/** An ssl_conf section: the SSL_CONF commands of one context, in the file's order. */
export interface SslTestContextConf {
  section: string;
  commands: { key: string; value: string }[];
}

/** The per-handshake settings handshake.c applies (ssl_test_ctx.h's SSL_TEST_EXTRA_CONF) that the sandbox runs. */
export interface SslTestExtra {
  client: {
    /** ServerName: the name the client sends (SSL_set_tlsext_host_name). */
    serverName?: string;
    /** MaxFragmentLenExt: the maximum fragment length the client asks for (SSL_CTX_set_tlsext_max_fragment_length), 0 for none. */
    maxFragmentLength?: 0 | 512 | 1024 | 2048 | 4096;
  };
  server: {
    /** ServerNameCallback: the SNI callback that switches to server2 for "server2". */
    serverNameCallback?: 'IgnoreMismatch' | 'RejectMismatch';
    /** BrokenSessionTicket: a ticket key callback that always fails. */
    brokenSessionTicket?: boolean;
    /** SessionTicketAppData: put in the tickets the server makes. */
    sessionTicketAppData?: string;
  };
  server2: { sessionTicketAppData?: string };
}

export interface SslTestSpec {
  /** The contexts of the test's ssl_conf section. */
  contexts: Partial<Record<SslTestRole, SslTestContextConf>>;
  /** Files the commands read (certificates, keys), by their path in the module's file system. */
  files: Record<string, Uint8Array>;
  /** HandshakeMode = Resume */
  resume: boolean;
  /** The first handshake's settings, and the second's (the test section's resume-* entries). */
  extra: SslTestExtra;
  resumeExtra: SslTestExtra;
}

/** ssl_test_ctx.h's ssl_test_result_t, by its .cnf names. */
export type SslTestResult = 'Success' | 'ServerFail' | 'ClientFail' | 'InternalError' | 'FirstHandshakeFailed';

/** What handshake.c's HANDSHAKE_RESULT holds for the last handshake run, as ssl_test.c's checks read it. */
export interface SslTestOutcome {
  /**
   * A context SSL_CTX_config() could not configure: a command SSL_CONF_cmd refused (0 a bad value,
   * -2 an unknown command, -3 a missing value) or SSL_CONF_CTX_finish failing. ssl_test.c then
   * fails the test without a handshake.
   */
  config?: { role: SslTestRole; section: string; key?: string; value?: string; returned: number; errors: string[] };
  result: SslTestResult;
  /** Why the failing side failed (OpenSSL's error queue), when one did. */
  failure?: string;
  /** SSL_version of each side */
  protocol: Record<Side, string>;
  /** The server context the SNI callback chose ('None': it did not run). */
  servername: 'None' | 'server1' | 'server2';
  /** The client's session has a ticket (SSL_SESSION_get0_ticket), an id (SSL_SESSION_get_id). */
  sessionTicket: boolean;
  sessionId: boolean;
  /** server2's ticket key callback ran, which handshake.c says must never happen. */
  ticketDoNotCall: boolean;
  /** SSL_SESSION_get0_ticket_appdata of the server's session ("" for none). */
  ticketAppData: string;
  /** SSL_session_reused on each side */
  resumed: Record<Side, boolean>;
  /** SSL_CIPHER_get_name of the client's cipher */
  cipher: string;
}

const SERVERNAMES = ['None', 'server1', 'server2'] as const;
const isServer = (role: SslTestRole) => role !== 'client' && role !== 'resume-client';

/** A test's outcome, or the context SSL_CTX_config() could not configure (no handshake then ran). */
export type SslTestRun = SslTestOutcome | { config: NonNullable<SslTestOutcome['config']> };

/** Runs one test; every object it makes is freed before it returns. */
export async function runSslTest(engine: Engine, spec: SslTestSpec): Promise<SslTestRun> {
  const { openssl, log, handles } = engine;
  for (const [path, data] of Object.entries(spec.files)) openssl.writeFile(path, data);
  const made: ContextRef[] = [];
  const sessions: SessionRef[] = [];
  try {
    // ssl_test.c: SSL_CTX_new, SSL_CTX_set_max_proto_version(ctx, 0), SSL_OP_ALLOW_CLIENT_RENEGOTIATION on servers.
    const roles: SslTestRole[] = ['server', ...(spec.extra.server.serverNameCallback ? ['server2' as const] : []), 'client',
      ...(spec.resume ? ['resume-server' as const, 'resume-client' as const] : [])];
    const contexts = {} as Record<SslTestRole, ContextRef>;
    for (const role of roles) {
      const method = isServer(role) ? 'TLS_server_method()' : 'TLS_client_method()';
      const ref = log.created('SSL_CTX_new', [method], 'SSL_CTX', () => {
        const ptr = openssl.glue.osb_sslt_ctx_new(SIDES[isServer(role) ? 'server' : 'client']);
        if (!ptr) throw openssl.failure('SSL_CTX_new');
        return handles.issue('SSL_CTX', ptr, `${role.replace('-', '_')}_ctx`);
      }, (r) => r.name);
      made.push(ref);
      contexts[role] = ref;
      log.call('SSL_CTX_set_max_proto_version', [ref.name, '0'], () => openssl.glue.osb_sslt_ctx_defaults(pointer(ref), isServer(role) ? 1 : 0));
      // osb_sslt_ctx_defaults made this call too: shown, so that the trace is the whole C program.
      if (isServer(role)) log.call('SSL_CTX_set_options', [ref.name, 'SSL_OP_ALLOW_CLIENT_RENEGOTIATION'], () => undefined);
    }
    // SSL_CTX_config(ctx, role), then SSL_CTX_set_dh_auto(ctx, 1) on the servers.
    for (const role of ['server', 'client', 'server2', 'resume-server', 'resume-client'] as const) {
      if (!contexts[role]) continue;
      const refused = configure(engine, role, contexts[role], spec.contexts[role]);
      if (refused) return { config: refused };
      // 1.1.1's ssl_test.c leaves DH parameters unset.
      if (isServer(role) && hasSince(engine.opensslVersion(), '3.0')) log.call('SSL_CTX_set_dh_auto', [contexts[role].name, '1'], () => openssl.glue.osb_sslt_dh_auto(pointer(contexts[role])));
    }

    const first = await handshake(engine, contexts.server, contexts.server2, contexts.client, spec.extra, spec.resume ? sessions : undefined);
    if (!spec.resume || first.result === 'InternalError') return first;
    if (first.result !== 'Success') return { ...first, result: 'FirstHandshakeFailed' };
    return await handshake(engine, contexts['resume-server'], undefined, contexts['resume-client'], spec.resumeExtra, sessions);
  } finally {
    for (const session of sessions) if (handles.isAlive(session, 'SSL_SESSION')) engine.freeSession(session);
    for (const ref of made) engine.freeContext(ref);
  }

  function pointer(ref: ContextRef): Ptr<'SSL_CTX'> {
    return handles.pointer(ref, 'SSL_CTX');
  }
}

/** SSL_CTX_config(ctx, role) as ssl/ssl_mcnf.c does it, through the SSL_CONF rows of the C API table. */
function configure(engine: Engine, role: SslTestRole, ctx: ContextRef, conf: SslTestContextConf | undefined): SslTestOutcome['config'] {
  if (!conf) return { role, section: '', returned: 0, errors: [`the ssl_conf section names no ${role} context (SSL_CTX_config fails: SSL_R_INVALID_CONFIGURATION_NAME)`] };
  const cctx = engine.createConfContext();
  try {
    engine.call('SSL_CONF_CTX_set_flags', [cctx, ['SSL_CONF_FLAG_FILE', 'SSL_CONF_FLAG_CERTIFICATE', 'SSL_CONF_FLAG_REQUIRE_PRIVATE',
      isServer(role) ? 'SSL_CONF_FLAG_SERVER' : 'SSL_CONF_FLAG_CLIENT']]);
    engine.setConfContextTarget(cctx, ctx);
    for (const { key, value } of conf.commands) {
      const returned = engine.confCommand(cctx, key, value);
      if (returned <= 0) return { role, section: conf.section, key, value, returned, errors: lastErrors(engine) };
    }
    const finished = engine.finishConfContext(cctx);
    if (finished !== 1) return { role, section: conf.section, returned: finished, errors: lastErrors(engine) };
    return undefined;
  } finally {
    engine.freeConfContext(cctx);
  }
}

/** The error queue's reasons the last logged call left. */
function lastErrors(engine: Engine): string[] {
  const last = engine.events(Math.max(0, engine.eventCount() - 1)).at(-1) as { errors?: string[] } | undefined;
  return last?.errors ?? [];
}

/** handshake.c's do_handshake_internal(): one handshake, its result read as HANDSHAKE_RESULT is. */
async function handshake(
  engine: Engine, server: ContextRef, server2: ContextRef | undefined, client: ContextRef, extra: SslTestExtra,
  /** Resumption: empty, it receives the client's session and a copy of the server's; holding them, they are used. */
  sessions?: SessionRef[],
): Promise<SslTestOutcome> {
  const { openssl, log, handles } = engine;
  const glue = openssl.glue;
  const ctx = (ref: ContextRef) => handles.pointer(ref, 'SSL_CTX');
  // configure_handshake_ctx()
  const fragment = extra.client.maxFragmentLength;
  if (fragment !== undefined) {
    const mode = fragment === 0 ? 0 : Math.log2(fragment) - 8;
    log.call('SSL_CTX_set_tlsext_max_fragment_length', [client.name, fragment === 0 ? 'TLSEXT_max_fragment_length_DISABLED' : `TLSEXT_max_fragment_length_${fragment}`],
      () => glue.osb_sslt_max_fragment_length(ctx(client), mode));
  }
  if (extra.server.serverNameCallback) {
    const reject = extra.server.serverNameCallback === 'RejectMismatch';
    log.call('SSL_CTX_set_tlsext_servername_callback', [server.name, reject ? 'servername_reject_cb' : 'servername_ignore_cb'],
      () => glue.osb_sslt_servername_callback(ctx(server), server2 ? ctx(server2) : 0 as Ptr<'SSL_CTX'>, reject ? 1 : 0));
  }
  if (server2) log.call('SSL_CTX_set_tlsext_ticket_key_evp_cb', [server2.name, 'do_not_call_session_ticket_cb'], () => glue.osb_sslt_ticket_key_cb(ctx(server2), 0));
  if (extra.server.brokenSessionTicket) {
    log.call('SSL_CTX_set_tlsext_ticket_key_evp_cb', [server.name, 'broken_session_ticket_cb'], () => glue.osb_sslt_ticket_key_cb(ctx(server), 1));
  }
  for (const [ref, data, generate] of [[server, extra.server.sessionTicketAppData, 1], [server2, extra.server2.sessionTicketAppData, 0]] as const) {
    if (data === undefined || !ref) continue;
    log.call('SSL_CTX_set_session_ticket_cb', [ref.name, generate ? 'generate_session_ticket_cb' : 'NULL', 'decrypt_session_ticket_cb', JSON.stringify(data)],
      () => glue.osb_sslt_ticket_appdata(ctx(ref), data, generate));
  }
  log.call('SSL_CTX_set_tlsext_ticket_keys', [server.name, 'zeros', 'length'], () => glue.osb_sslt_fixed_ticket_keys(ctx(server)));

  // The second handshake: the server's session into its cache (resumption by id), the client's set on the client.
  const [sessionIn, serverSessionIn] = sessions?.length ? sessions : [];
  if (serverSessionIn && engine.sessionInfo(serverSessionIn).idLength > 0) engine.addSession(server, serverSessionIn);
  const conn = engine.connect(client, server, sessionIn, { trace: false });
  const c = handles.pointer(conn, 'osb_conn');
  let succeeded = false;
  try {
    if (extra.client.serverName !== undefined) {
      const name = extra.client.serverName;
      log.call('SSL_set_tlsext_host_name', [`${conn.name}_client`, JSON.stringify(name)],
        () => glue.osb_sslt_host_name(glue.osb_conn_ssl(c, SIDES.client), name));
    }
    glue.osb_sslt_reset();
    const { result, failure } = await drive(engine, conn);
    succeeded = result === 'Success';
    const clientSession = glue.osb_conn_get0_session(c, SIDES.client);
    const outcome: SslTestOutcome = {
      result,
      ...(failure ? { failure } : {}),
      protocol: { client: protocolName(glue.osb_conn_version(c, SIDES.client)), server: protocolName(glue.osb_conn_version(c, SIDES.server)) },
      servername: SERVERNAMES[glue.osb_sslt_servername()] ?? 'None',
      sessionTicket: clientSession !== 0 && glue.osb_session_has_ticket(clientSession) === 1,
      sessionId: clientSession !== 0 && openssl.readBytes(32, (out) => glue.osb_session_get_id(clientSession, out)).length > 0,
      ticketDoNotCall: glue.osb_sslt_ticket_do_not_call() === 1,
      ticketAppData: glue.osb_sslt_session_appdata(glue.osb_conn_ssl(c, SIDES.server)),
      resumed: { client: glue.osb_conn_session_reused(c, SIDES.client) === 1, server: glue.osb_conn_session_reused(c, SIDES.server) === 1 },
      cipher: glue.osb_conn_cipher_name(c, SIDES.client),
    };
    if (sessions && !sessions.length && result === 'Success') {
      // session_out = SSL_get1_session(client); serv_sess_out = SSL_SESSION_dup of the server's, outside its cache's list.
      sessions.push(engine.getSession(conn, 'client'));
      const serverSession = engine.getSession(conn, 'server');
      sessions.push(engine.dupSession(serverSession));
      engine.freeSession(serverSession);
    }
    return outcome;
  } finally {
    // handshake.c shuts both sides down after a handshake that worked (a session stays resumable).
    if (handles.isAlive(conn, 'osb_conn')) engine.close(conn, succeeded ? 'clean' : 'unclean');
  }
}

/** Both sides' SSL_do_handshake in turn, each flight delivered, until done: the side that fails first decides the result. */
async function drive(engine: Engine, conn: ConnectionRef): Promise<{ result: SslTestResult; failure?: string }> {
  for (;;) {
    const flight = await engine.step(conn);
    if (flight.outcome === 'done') return { result: 'Success' };
    if (flight.outcome === 'failed') {
      return { result: flight.from === 'client' ? 'ClientFail' : 'ServerFail', failure: `${flight.from}: ${flight.error?.message ?? 'failed'}` };
    }
    if (flight.outcome === 'stalled') return { result: 'InternalError', failure: 'the handshake stalled' };
    if (flight.records.length) engine.deliver(conn);
  }
}
