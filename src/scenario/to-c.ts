// Turns a sandbox's event log into a standalone C program that makes the same OpenSSL calls
// natively (with wasm/native/sandbox.c for the wire, the certificates and the callbacks), and
// into the lines that program must print if native OpenSSL behaves as the WASM one did.
import { CALL_NAMES, C_API, cFunction, type CallName, type CFunction } from '../sandbox/c-api.js';
import type { CallEvent, SandboxEvent } from '../sandbox/events.js';

/** A log with something the native runtime cannot replay (an asynchronous get handler, say). */
export class NotExportable extends Error {}

export interface CProgram {
  source: string;
  /** What the program prints when native OpenSSL does what the WASM one did. */
  expected: string[];
}

const tableCalls = (returns: string) => CALL_NAMES.filter((name) => C_API[name].returns === returns);
/** Calls that return nothing: the table's void functions, and the calls the engine makes around them. */
const VOID_CALLS = new Set<string>([
  ...tableCalls('void'), 'SSL_CTX_set_verify', 'SSL_free', 'SSL_CTX_sess_set_new_cb', 'SSL_CTX_sess_set_remove_cb', 'SSL_CTX_sess_set_get_cb',
  'sandbox_transfer',
]);
/** Calls that make an object, and its C type (SSL_SESSION_up_ref names a reference instead: see statement()). */
const TYPES: Record<string, string> = {
  SSL_CTX_new: 'SSL_CTX', SSL_new: 'SSL',
  ...Object.fromEntries(tableCalls('SSL_SESSION').filter((name) => name !== 'SSL_SESSION_up_ref').map((name) => [name, 'SSL_SESSION'])),
  ...Object.fromEntries(tableCalls('SSL_CONF_CTX').map((name) => [name, 'SSL_CONF_CTX'])),
};
/** Calls that return an SSL's session or NULL: the export compares whether there is one. */
const SESSION_OR_NULL = new Set<string>([...tableCalls('SSL_SESSION|NULL'), ...tableCalls('get0 SSL_SESSION|NULL')]);
/** Calls through which OpenSSL reads or writes the wire: the sandbox empties the error queue before each, as C code does before SSL_get_error. */
const WIRE_CALLS = new Set<string>(CALL_NAMES.filter((name) => (C_API[name] as CFunction).wire));
/** An SSL of a whole connection (`conn_1_client`), whose handshake and shutdown the sandbox drove; SSL_new names others `ssl_1`. */
const ofConnection = (ssl: string) => /_(client|server)$/.test(ssl);
/** Calls whose result is bytes an out-parameter gave: the export compares their length (ids made natively differ). */
const BYTES_OUT = new Set<string>(tableCalls('hex'));
/** Calls that return a callback (a function pointer): the export compares whether one is installed. */
const CALLBACK_OUT = new Set<string>(tableCalls('callback'));

/** The lines an event makes the native program print (what the WASM run observed). */
function expectedLines(event: SandboxEvent): string[] {
  switch (event.kind) {
    case 'call':
      if (event.call === 'SSL_do_handshake' && ofConnection(event.args[0])) return ['HANDSHAKE FAILED'];
      if (event.call === 'sandbox_handshake') return ['HANDSHAKE FAILED']; // a success is a handshake event
      if (SESSION_OR_NULL.has(event.call)) return [`CALL ${event.call} ${event.result === 'NULL' ? 0 : 1}`];
      // A DER encoding's length varies with the session's random contents: compare success only.
      if (event.call === 'i2d_SSL_SESSION') return [`CALL i2d_SSL_SESSION ${Number(Number(event.result) > 0)}`];
      if (BYTES_OUT.has(event.call)) return [`CALL ${event.call} ${String(event.result).length / 2}`];
      if (CALLBACK_OUT.has(event.call)) return [`CALL ${event.call} ${event.result === 'NULL' ? 0 : 1}`];
      return typeof event.result === 'number' && !VOID_CALLS.has(event.call) ? [`CALL ${event.call} ${event.result}`] : [];
    case 'callback':
      if (event.callback === 'new_session') return [`CALLBACK new_session ${event.result}`];
      if (event.callback === 'get_session') return [`CALLBACK get_session ${event.result ? 1 : 0}`];
      if (event.callback === 'remove_session') return ['CALLBACK remove_session'];
      throw new NotExportable(`the ${event.callback} callback (an asynchronous get handler) has no native counterpart`);
    case 'destroyed':
      return ['DESTROYED'];
    case 'handshake':
      return [`HANDSHAKE ${event.version} ${event.reused ? 1 : 0}`];
    default:
      return [];
  }
}

export function toC(events: SandboxEvent[], title: string): CProgram {
  const body: string[] = [];
  const declared = new Set<string>();
  const kept: string[] = [];
  /** Session ids OpenSSL made so far in the run, as handshakes showed them (a native run makes others). */
  const generated = new Set<string>();
  /** Kept sessions get their variable when first used: the callback that kept them has run by then. */
  const use = (arg: string) => {
    const k = kept.indexOf(arg);
    if (k >= 0 && !declared.has(arg)) {
      body.push(`SSL_SESSION *${arg} = sandbox_kept(${k});`);
      declared.add(arg);
    }
    return arg;
  };

  /** The objects session callbacks carried, in order: sandbox_seen(k) is the k-th natively. */
  const carried: string[] = [];
  for (const event of events) {
    if (event.kind === 'message' && typeof event.fields.sessionId === 'string') generated.add(event.fields.sessionId);
    if (event.kind === 'callback' && event.kept) kept.push(event.kept);
    if (event.kind === 'callback' && event.callback !== 'client_hello' && event.session) carried.push(event.session.object);
    if (event.kind === 'name') {
      // A name without a reference: the pointer a callback carried (NULL for an object already gone, which no call then uses).
      const k = carried.lastIndexOf(event.object);
      body.push(`SSL_SESSION *${event.name} = ${k >= 0 ? `sandbox_seen(${k})` : 'NULL'};`);
      declared.add(event.name);
    }
    if (event.kind === 'clock') body.push(`sandbox_clock(${event.now});`);
    if (event.kind === 'handshake') {
      body.push(`sandbox_handshake(${event.client ?? `${event.connection}_client`}, ${event.server ?? `${event.connection}_server`});`);
    }
    if (event.kind === 'call') body.push(...statement(event, use, declared, generated));
  }

  // Callbacks and destructions happen inside the call that caused them: the log lists them
  // right after it (marked `during`), the native program prints them before the call's result.
  const ordered: SandboxEvent[] = [];
  for (const event of events) {
    if (event.during !== undefined) {
      const at = ordered.findIndex((e) => e.seq === event.during);
      const before = ordered.filter((e, i) => i >= at && e.during === event.during).length;
      ordered.splice(at + before, 0, event);
    } else {
      ordered.push(event);
    }
  }
  const expected = ordered.flatMap(expectedLines);
  const source = [
    `/* ${title.replace(/\*\//g, '* /')}`,
    ' * Exported by openssl-wasm-sandbox from the calls its WebAssembly OpenSSL made. Build with',
    ' * wasm/native/sandbox.c and the glue\'s keys.c, library.c, clock.c and ssl.c, against libssl and libcrypto,',
    ' * linked with -Wl,--wrap=time,--wrap=gettimeofday,--wrap=clock_gettime. */',
    '#include <openssl/ssl.h>',
    '#include "sandbox.h"',
    '',
    'int main(void) {',
    '  unsigned char *der = NULL;',
    '  const unsigned char *cursor;',
    '  int der_len = 0;',
    '  unsigned int len = 0;',
    '  const void *out = NULL;',
    '  size_t out_len = 0;',
    '  char scratch[512];',
    '  sandbox_start();',
    ...body.map((line) => `  ${line}`),
    '  (void)cursor;',
    '  (void)len;',
    '  (void)out;',
    '  (void)out_len;',
    '  (void)scratch;',
    '  OPENSSL_free(der);',
    '  return 0;',
    '}',
    '',
  ].join('\n');
  return { source, expected };
}

/**
 * The C expression for the length of the bytes a getter hands out, by how its prototype hands them:
 * a pointer result and `unsigned int *len`, a pointer out-parameter and `size_t *len`, or a copy into
 * `out` whose outlen 0 asks for the length.
 */
function bytesLength(call: string, object: string): string {
  const out = C_API[call as CallName].c;
  if (/\*\*\w+, size_t \*len\)$/.test(out)) return `(${call}(${object}, (void *)&out, &out_len), out_len)`;
  if (/size_t outlen\)$/.test(out)) return `${call}(${object}, NULL, 0)`;
  return `(${call}(${object}, &len), len)`;
}

function statement(event: CallEvent, use: (arg: string) => string, declared: Set<string>, generated: Set<string>): string[] {
  const { call } = event;
  const args = event.args.map(use);
  const report = (expr: string) => [`sandbox_report("${call}", (double)(${expr}));`];
  if (SESSION_OR_NULL.has(call)) {
    if (event.result === 'NULL') return report(`${call}(${args[0]}) != NULL`);
    declared.add(String(event.result));
    return [`SSL_SESSION *${event.result} = ${call}(${args[0]});`, ...report(`${event.result} != NULL`)];
  }
  if (WIRE_CALLS.has(call) && !ofConnection(args[0])) {
    const c = call === 'SSL_read' ? `SSL_read(${args[0]}, scratch, sizeof scratch)` : `${call}(${args[0]})`;
    return ['ERR_clear_error();', ...report(c)];
  }
  const type = TYPES[call];
  if (type && typeof event.result === 'string') {
    declared.add(event.result);
    if (call === 'd2i_SSL_SESSION') return [`cursor = der;`, `SSL_SESSION *${event.result} = d2i_SSL_SESSION(NULL, &cursor, der_len);`];
    const lines = [`${type} *${event.result} = ${call}(${args.join(', ')});`];
    if (call === 'SSL_new' && event.result.endsWith('_server')) {
      const conn = event.result.slice(0, -'_server'.length);
      lines.push(`sandbox_join(${conn}_client, ${conn}_server);`);
    }
    return lines;
  }
  switch (call) {
    case 'SSL_free':
      return args.map((a) => `SSL_free(${a});`);
    case 'SSL_do_handshake': {
      const conn = args[0].replace(/_(client|server)$/, '');
      return [`sandbox_handshake(${conn}_client, ${conn}_server);`];
    }
    case 'sandbox_handshake':
      return [`sandbox_handshake(${args.join(', ')});`];
    case 'SSL_shutdown': {
      const conn = args[0].replace(/_(client|server)$/, '');
      return [...report(`SSL_shutdown(${args[0]})`), `sandbox_transfer(${conn}_client, ${conn}_server);`];
    }
    case 'SSL_SESSION_up_ref':
      declared.add(event.declares!);
      return [`SSL_SESSION *${event.declares} = ${args[0]};`, ...report(`SSL_SESSION_up_ref(${event.declares})`)];
    case 'i2d_SSL_SESSION':
      return ['OPENSSL_free(der);', 'der = NULL;', `der_len = i2d_SSL_SESSION(${args[0]}, &der);`, ...report('der_len > 0')];
    case 'SSL_CTX_set_client_hello_cb':
      throw new NotExportable('SSL_CTX_set_client_hello_cb (an asynchronous get handler) has no native counterpart');
  }
  if (BYTES_OUT.has(call)) return report(bytesLength(call, args[0]));
  if (CALLBACK_OUT.has(call)) return report(`${call}(${args[0]}) != NULL`);
  // A get callback answering with a named session reads it (and *copy) from the runtime.
  if (event.answer) return [`sandbox_answer(${use(event.answer.session)}, ${event.answer.copy});`, `${call}(${args.join(', ')});`];
  // A shared callback's set call: its context's external store is attached first.
  if (event.store) return [`sandbox_use_store(${args[0]}, "${event.store}");`, `${call}(${args.join(', ')});`];
  const fn = cFunction(call);
  if (fn?.args.includes('hex') || fn?.args.includes('text')) {
    // Bytes are two C arguments, the bytes and their length: hex digits become bytes, text stays a string.
    const at = fn.args.indexOf(fn.args.includes('hex') ? 'hex' : 'text');
    if (fn.args[at] === 'hex' && generated.has(args[at].replace(/"/g, ''))) {
      throw new NotExportable(`${call} uses an id OpenSSL generated during the run: a native run generates another`);
    }
    args[at] = fn.args[at] === 'hex' ? `sandbox_hex(${args[at]})` : `(const unsigned char *)${args[at]}`;
  }
  if (VOID_CALLS.has(call)) return [`${call}(${args.join(', ')});`];
  if (typeof event.result !== 'number') throw new NotExportable(`${call} returns no value the export knows how to compare`);
  return report(`${call}(${args.join(', ')})`);
}
