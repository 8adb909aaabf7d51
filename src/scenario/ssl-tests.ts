// OpenSSL's own handshake tests (test/ssl-tests/*.cnf, the generated files, not the Perl .cnf.in)
// imported and run in the sandbox: the file read as OpenSSL's NCONF reads it, each test's contexts,
// handshakes and expectations as test/ssl_test.c and test/helpers/ssl_test_ctx.c read them, each test
// run by the sandbox (src/sandbox/ssl-test.ts) and its expectations checked as ssl_test.c's
// check_test() does. A key the sandbox does not run makes its test skipped, saying which.
import { SslTestError } from '../core/errors.js';
import type { LocateFile, Variant } from '../core/module.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import {
  SSL_TEST_ROLES, type SslTestContextConf, type SslTestExtra, type SslTestOutcome, type SslTestResult, type SslTestRole, type SslTestSpec,
} from '../sandbox/ssl-test.js';
import { createSandboxIn } from '../worker/create-sandbox.js';
import type { WorkerPool } from '../worker/host.js';
import type { Failure, ScenarioReport } from './types.js';

/** Where a test's ${ENV::TEST_CERTS_DIR} points, in the module's in-memory file system. */
export const TEST_CERTS_DIR = '/ssl-tests/certs';

/** An OpenSSL configuration file as NCONF reads it: sections of name = value, in order. */
export type ConfSections = Map<string, { key: string; value: string; line: number }[]>;

/** The default section (before any [section]), as NCONF names it. */
const DEFAULT_SECTION = 'default';

/**
 * Reads OpenSSL's configuration syntax (NCONF, crypto/conf/conf_def.c) as the ssl-tests files use
 * it: `[section]`, `name = value`, `#` comments, a trailing `\` continuing a line, quotes and `\`
 * escapes, and `${var}`, `${section::var}`, `${ENV::NAME}` in values. `.include` and `.pragma` are
 * refused (the ssl-tests files have none). Anything else is an SslTestError naming file, section, line.
 */
export function parseConf(text: string, file: string, env: Record<string, string>): ConfSections {
  const sections: ConfSections = new Map([[DEFAULT_SECTION, []]]);
  let section = DEFAULT_SECTION;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const at = i + 1;
    let line = lines[i];
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i];
    line = stripComment(line).trim();
    if (line === '') continue;
    const fail = (problem: string): never => {
      throw new SslTestError(file, section, undefined, `line ${at}: ${problem}`);
    };
    const header = line.match(/^\[\s*([\w.\-;!%]+)\s*\]$/);
    if (header) {
      section = header[1];
      if (!sections.has(section)) sections.set(section, []);
      continue;
    }
    if (line.startsWith('.')) fail(`'${line.split(/\s/)[0]}' is not supported (the ssl-tests files use none)`);
    const pair = line.match(/^([\w.\-;!%]+)\s*=\s*(.*)$/);
    if (!pair) fail(`not a [section] or a name = value line: ${JSON.stringify(line)}`);
    const [, key, raw] = pair!;
    const value = unquote(raw, (name) => {
      const [from, variable] = name.includes('::') ? name.split('::') : [section, name];
      if (from === 'ENV') {
        if (!Object.hasOwn(env, variable)) throw new SslTestError(file, section, key, `line ${at}: \${ENV::${variable}} is not set`);
        return env[variable];
      }
      const found = lookup(sections.get(from) ?? [], variable) ?? lookup(sections.get(DEFAULT_SECTION)!, variable);
      if (found === undefined) throw new SslTestError(file, section, key, `line ${at}: \${${name}} names no variable defined above`);
      return found;
    }, (problem) => {
      throw new SslTestError(file, section, key, `line ${at}: ${problem}`);
    });
    sections.get(section)!.push({ key, value, line: at });
  }
  return sections;
}

/** The value of `key` in a section (its last, as NCONF keeps the last). */
const lookup = (list: { key: string; value: string }[], key: string) => list.filter((e) => e.key === key).at(-1)?.value;

/** The line without its comment: from the first `#` that no quote or `\` protects. */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\') i++;
    else if (quote) { if (ch === quote) quote = ''; } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') return line.slice(0, i);
  }
  return line;
}

/** A value with its quotes and escapes removed and its variables expanded. */
function unquote(raw: string, variable: (name: string) => string, fail: (problem: string) => never): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\') {
      out += raw[++i] ?? '';
    } else if (ch === '"' || ch === "'") {
      const end = raw.indexOf(ch, i + 1);
      if (end < 0) fail(`an unclosed ${ch}`);
      out += raw.slice(i + 1, end);
      i = end;
    } else if (ch === '$') {
      const braced = raw.slice(i).match(/^\$(?:\{([\w:]+)\}|\(([\w:]+)\)|(\w+(?:::\w+)?))/);
      if (!braced) fail(`a '$' that starts no variable`);
      out += variable(braced![1] ?? braced![2] ?? braced![3]);
      i += braced![0].length - 1;
    } else {
      out += ch;
    }
  }
  return out.trimEnd();
}

/** One test of a file, as ssl_test.c reads it. */
export interface SslTestCase {
  /** test-N */
  index: number;
  /** The test's name (the default section's test-N value) */
  name: string;
  spec: Omit<SslTestSpec, 'files'>;
  /** The certificates and keys its commands read, by file name in TEST_CERTS_DIR. */
  files: string[];
  expect: SslTestExpectations;
  /** Keys the sandbox does not run: the test is skipped, naming them. */
  unsupported: string[];
}

/** ssl_test_ctx.c's SSL_TEST_CTX fields that ssl_test.c's check_test() compares, with its defaults. */
export interface SslTestExpectations {
  result: SslTestResult;
  protocol?: string;
  servername: SslTestOutcome['servername'];
  sessionTicket?: boolean;
  sessionId?: boolean;
  resumption: boolean;
  ticketAppData?: string;
  cipher?: string;
}

/** Every key of a [test-N] section ssl_test_ctx.c knows (3.5; older lines know a subset). */
const TEST_KEYS = new Set([
  'ExpectedResult', 'ExpectedClientAlert', 'ExpectedServerAlert', 'ExpectedProtocol', 'ExpectedServerName', 'SessionTicketExpected',
  'CompressionExpected', 'SessionIdExpected', 'Method', 'ExpectedNPNProtocol', 'ExpectedALPNProtocol', 'HandshakeMode', 'KeyUpdateType',
  'ResumptionExpected', 'ApplicationData', 'MaxFragmentSize', 'ExpectedTmpKeyType', 'ExpectedServerCertType', 'ExpectedServerSignHash',
  'ExpectedServerSignType', 'ExpectedServerCANames', 'ExpectedClientCertType', 'ExpectedClientSignHash', 'ExpectedClientSignType',
  'ExpectedClientCANames', 'UseSCTP', 'CompressCertificates', 'EnableClientSCTPLabelBug', 'EnableServerSCTPLabelBug', 'ExpectedCipher',
  'ExpectedSessionTicketAppData', 'FIPSversion',
]);
/** The keys of a test's client and server "extra" sections (ssl_test_ctx.c's ssl_test_client_options, ssl_test_server_options). */
const CLIENT_KEYS = new Set(['VerifyCallback', 'ServerName', 'NPNProtocols', 'ALPNProtocols', 'CTValidation', 'RenegotiateCiphers', 'SRPUser',
  'SRPPassword', 'MaxFragmentLenExt', 'EnablePHA', 'RenegotiateNoExtms']);
const SERVER_KEYS = new Set(['ServerNameCallback', 'NPNProtocols', 'ALPNProtocols', 'BrokenSessionTicket', 'CertStatus', 'SRPUser', 'SRPPassword',
  'ForcePHA', 'SessionTicketAppData']);
/** The extra sections a [test-N] section may name, and which keys each takes. */
const EXTRA_ROLES: Record<string, Set<string>> = {
  client: CLIENT_KEYS, server: SERVER_KEYS, server2: SERVER_KEYS, 'resume-client': CLIENT_KEYS, 'resume-server': SERVER_KEYS, 'resume-server2': SERVER_KEYS,
};

/** Reads a .cnf file's tests. Malformed input, an unknown key, a missing section: an SslTestError naming file, section and key. */
export function readSslTests(text: string, file: string): SslTestCase[] {
  const sections = parseConf(text, file, { TEST_CERTS_DIR });
  const entries = (name: string, from: string, key: string) => {
    const found = sections.get(name);
    if (!found) throw new SslTestError(file, from, key, `names section [${name}], which the file does not have`);
    return found;
  };
  const defaults = sections.get(DEFAULT_SECTION)!;
  const count = lookup(defaults, 'num_tests');
  if (count === undefined || !/^\d+$/.test(count)) throw new SslTestError(file, DEFAULT_SECTION, 'num_tests', `must be a whole number, got ${JSON.stringify(count)}`);
  const tests: SslTestCase[] = [];
  for (let index = 0; index < Number(count); index++) {
    const app = `test-${index}`;
    const name = lookup(defaults, app);
    if (name === undefined) throw new SslTestError(file, DEFAULT_SECTION, app, `is missing (num_tests = ${count})`);
    const sslConf = lookup(entries(name, DEFAULT_SECTION, app), 'ssl_conf');
    if (sslConf === undefined) throw new SslTestError(file, name, 'ssl_conf', 'is missing');
    const contexts: SslTestSpec['contexts'] = {};
    for (const { key, value } of entries(sslConf, name, 'ssl_conf')) {
      if (!(SSL_TEST_ROLES as readonly string[]).includes(key)) {
        throw new SslTestError(file, sslConf, key, `is not a context ssl_test.c configures (${SSL_TEST_ROLES.join(', ')})`);
      }
      contexts[key as SslTestRole] = { section: value, commands: entries(value, sslConf, key).map(({ key: k, value: v }) => ({ key: k, value: v })) } satisfies SslTestContextConf;
    }
    const { expect, unsupported, extra, resumeExtra, resume } = readTest(file, app, entries(app, DEFAULT_SECTION, app), entries);
    const files = [...new Set(Object.values(contexts).flatMap((c) => c.commands.map((cmd) => cmd.value))
      .filter((v) => v.startsWith(`${TEST_CERTS_DIR}/`)).map((v) => v.slice(TEST_CERTS_DIR.length + 1)))];
    tests.push({ index, name, spec: { contexts, resume, extra, resumeExtra }, files, expect, unsupported });
  }
  return tests;
}

type Entries = (name: string, from: string, key: string) => { key: string; value: string }[];

/** A [test-N] section: its expectations, its extra settings, and the keys the sandbox does not run. */
function readTest(file: string, app: string, keys: { key: string; value: string }[], entries: Entries) {
  const unsupported: string[] = [];
  const expect: SslTestExpectations = { result: 'Success', servername: 'None', resumption: false };
  const extra = emptyExtra();
  const resumeExtra = emptyExtra();
  let resume = false;
  const choose = <T extends string>(key: string, value: string, choices: readonly T[]): T => {
    if (!(choices as readonly string[]).includes(value)) throw new SslTestError(file, app, key, `${JSON.stringify(value)} is not one of ${choices.join(', ')}`);
    return value as T;
  };
  const yesNo = (key: string, value: string) => choose(key, value, ['Yes', 'No']) === 'Yes';
  for (const { key, value } of keys) {
    if (Object.hasOwn(EXTRA_ROLES, key)) {
      readExtra(file, value, key, entries(value, app, key), key.startsWith('resume-') ? resumeExtra : extra, unsupported);
      continue;
    }
    switch (key) {
      case 'ExpectedResult': expect.result = choose(key, value, ['Success', 'ServerFail', 'ClientFail', 'InternalError', 'FirstHandshakeFailed']); break;
      case 'ExpectedProtocol': expect.protocol = choose(key, value, ['TLSv1.3', 'TLSv1.2', 'TLSv1.1', 'TLSv1', 'SSLv3', 'DTLSv1', 'DTLSv1.2']); break;
      case 'ExpectedServerName': expect.servername = choose(key, value, ['server1', 'server2']); break;
      case 'SessionTicketExpected': if (choose(key, value, ['Ignore', 'Yes', 'No']) !== 'Ignore') expect.sessionTicket = value === 'Yes'; break;
      case 'SessionIdExpected': if (choose(key, value, ['Ignore', 'Yes', 'No']) !== 'Ignore') expect.sessionId = value === 'Yes'; break;
      case 'ResumptionExpected': expect.resumption = yesNo(key, value); break;
      case 'ExpectedSessionTicketAppData': expect.ticketAppData = value; break;
      case 'ExpectedCipher': expect.cipher = value; break;
      case 'HandshakeMode': {
        const mode = choose(key, value, ['Simple', 'Resume', 'RenegotiateServer', 'RenegotiateClient', 'KeyUpdateServer', 'KeyUpdateClient', 'PostHandshakeAuth']);
        if (mode === 'Resume') resume = true;
        else if (mode !== 'Simple') unsupported.push(`HandshakeMode = ${mode} (the sandbox runs Simple and Resume)`);
        break;
      }
      case 'Method':
        // The sandbox's builds are configured no-dtls and no-quic (scripts/lib/openssl-build.mjs).
        if (choose(key, value, ['TLS', 'DTLS', 'QUIC']) !== 'TLS') unsupported.push(`Method = ${value} (this build is configured no-${value.toLowerCase()})`);
        break;
      case 'FIPSversion':
        // ssl_test.c skips a test whose FIPSversion the loaded FIPS provider does not match; with no FIPS
        // provider loaded (the sandbox has none) every condition matches and the test runs, as it does there.
        if (!value.trim().split(/\s+/).every((v) => /^(!|=|<=|>=|<|>)?\d+\.\d+\.\d+$/.test(v))) {
          throw new SslTestError(file, app, key, `${JSON.stringify(value)} is not a list of [!|=|<|<=|>|>=]major.minor.patch`);
        }
        break;
      default:
        if (!TEST_KEYS.has(key)) throw new SslTestError(file, app, key, 'is not a key of OpenSSL\'s ssl_test_ctx.c');
        unsupported.push(`${key} (not checked by the sandbox yet)`);
    }
  }
  return { expect, unsupported, extra, resumeExtra, resume };
}

function emptyExtra(): SslTestExtra {
  return { client: {}, server: {}, server2: {} };
}

/** An extra section (client, server, server2, resume-*): the settings handshake.c applies to that handshake. */
function readExtra(file: string, section: string, role: string, keys: { key: string; value: string }[], extra: SslTestExtra, unsupported: string[]) {
  const side = role.replace('resume-', '') as 'client' | 'server' | 'server2';
  for (const { key, value } of keys) {
    if (!EXTRA_ROLES[role].has(key)) throw new SslTestError(file, section, key, `is not a ${side} key of OpenSSL's ssl_test_ctx.c`);
    const wrong = (choices: string[]) => new SslTestError(file, section, key, `${JSON.stringify(value)} is not one of ${choices.join(', ')}`);
    if (side === 'client' && key === 'ServerName') {
      if (!['server1', 'server2', 'invalid'].includes(value)) throw wrong(['server1', 'server2', 'invalid']);
      extra.client.serverName = value;
    } else if (side === 'client' && key === 'MaxFragmentLenExt') {
      const lengths = ['None', '512', '1024', '2048', '4096'];
      if (!lengths.includes(value)) throw wrong(lengths);
      extra.client.maxFragmentLength = (value === 'None' ? 0 : Number(value)) as NonNullable<SslTestExtra['client']['maxFragmentLength']>;
    } else if (side === 'server' && key === 'ServerNameCallback') {
      if (value === 'IgnoreMismatch' || value === 'RejectMismatch') extra.server.serverNameCallback = value;
      else if (['ClientHelloIgnoreMismatch', 'ClientHelloRejectMismatch', 'ClientHelloNoV12'].includes(value)) unsupported.push(`ServerNameCallback = ${value} (not run by the sandbox yet)`);
      else if (value !== 'None') throw wrong(['None', 'IgnoreMismatch', 'RejectMismatch', 'ClientHelloIgnoreMismatch', 'ClientHelloRejectMismatch', 'ClientHelloNoV12']);
    } else if (side === 'server' && key === 'BrokenSessionTicket') {
      if (value !== 'Yes' && value !== 'No') throw wrong(['Yes', 'No']);
      extra.server.brokenSessionTicket = value === 'Yes';
    } else if (key === 'SessionTicketAppData' && side !== 'client') {
      extra[side].sessionTicketAppData = value;
    } else {
      unsupported.push(`${role} ${key} (not run by the sandbox yet)`);
    }
  }
}

/** ssl_test.c's check_test(): what the outcome of a test's last handshake should have been, as failures. */
export function checkSslTest(expect: SslTestExpectations, outcome: SslTestOutcome): Omit<Failure, 'step'>[] {
  const failures: Omit<Failure, 'step'>[] = [];
  const check = (path: string, expected: unknown, observed: unknown, message?: string) => {
    if (expected !== observed) failures.push({ path, expected, observed, ...(message ? { message } : {}) });
  };
  check('ExpectedResult', expect.result, outcome.result, outcome.failure);
  if (outcome.result !== 'Success') return failures;
  check('protocol (client = server)', outcome.protocol.client, outcome.protocol.server);
  if (expect.protocol) check('ExpectedProtocol', expect.protocol, outcome.protocol.client);
  check('ExpectedServerName', expect.servername, outcome.servername);
  if (expect.sessionTicket !== undefined) check('SessionTicketExpected', expect.sessionTicket ? 'Yes' : 'No', outcome.sessionTicket ? 'Yes' : 'No');
  if (expect.sessionId !== undefined) check('SessionIdExpected', expect.sessionId ? 'Yes' : 'No', outcome.sessionId ? 'Yes' : 'No');
  check('server2\'s ticket key callback not called', false, outcome.ticketDoNotCall);
  if (expect.cipher !== undefined) check('ExpectedCipher', expect.cipher, outcome.cipher);
  // check_session_ticket_app_data: an empty string and none are the same.
  check('ExpectedSessionTicketAppData', expect.ticketAppData ?? '', outcome.ticketAppData);
  check('resumption (client = server)', outcome.resumed.client, outcome.resumed.server);
  check('ResumptionExpected', expect.resumption ? 'Yes' : 'No', outcome.resumed.client ? 'Yes' : 'No');
  return failures;
}

export interface SslTestRunOptions {
  openssl: Variant;
  /** The file's name in reports and errors. */
  file: string;
  /** The bytes of a file of OpenSSL's test/certs, by name. */
  certificate: (name: string) => Promise<Uint8Array>;
  /** Run OpenSSL in a worker (default false: in this thread); given a WorkerPool, in one of its threads. */
  worker?: boolean | WorkerPool;
  /** Where the sandbox loads the `.wasm` and the worker script from (SandboxOptions.locateFile). */
  locateFile?: LocateFile;
}

/**
 * Reads a .cnf file's tests (an SslTestError for a file that cannot be run as written) and runs
 * each in one sandbox: one report per test, passed, failed with what differed, or skipped naming
 * the keys the sandbox does not run. An SSL_CONF command OpenSSL does not know is an SslTestError.
 */
export async function runSslTests(text: string, options: SslTestRunOptions): Promise<ScenarioReport[]> {
  const { file, openssl } = options;
  const tests = readSslTests(text, file);
  const names = [...new Set(tests.filter((t) => !t.unsupported.length).flatMap((t) => t.files))];
  const files = Object.fromEntries(await Promise.all(names.map(async (name) => [`${TEST_CERTS_DIR}/${name}`, await options.certificate(name)] as const)));
  const sb: Sandbox = await createSandboxIn(options.worker ?? false, { openssl, locateFile: options.locateFile });
  const reports: ScenarioReport[] = [];
  try {
    for (const test of tests) {
      const title = `${test.name} (test-${test.index})`;
      const base = { file, title, variant: openssl, observations: [] };
      if (test.unsupported.length) {
        reports.push({ ...base, ok: true, skipped: true, note: `not run: ${test.unsupported.join('; ')}`, failures: [], durationMs: 0 });
        continue;
      }
      const started = performance.now();
      const outcome = await sb.sslTest({ ...test.spec, files: Object.fromEntries(test.files.map((n) => [`${TEST_CERTS_DIR}/${n}`, files[`${TEST_CERTS_DIR}/${n}`]])) });
      const durationMs = performance.now() - started;
      if ('config' in outcome && outcome.config) {
        const { role, section, key, value, returned, errors } = outcome.config;
        if (returned === -2) throw new SslTestError(file, section, key, `is not an SSL_CONF command OpenSSL ${openssl} knows (SSL_CONF_cmd returned -2)`);
        const said = errors.length ? ` (${errors.join('; ')})` : '';
        reports.push({ ...base, ok: false, durationMs, failures: [{ step: -1, path: `SSL_CTX_config(${role})`, expected: 'every command applied',
          observed: key === undefined ? `SSL_CONF_CTX_finish returned ${returned}${said}` : `[${section}] ${key} = ${value}: SSL_CONF_cmd returned ${returned}${said}` }] });
        continue;
      }
      const failures = checkSslTest(test.expect, outcome as SslTestOutcome).map((f) => ({ step: -1, ...f }));
      reports.push({ ...base, ok: failures.length === 0, failures, durationMs, observations: [{ step: -1, observed: outcome }] });
    }
  } catch (error) {
    await sb.dispose();
    throw error;
  }
  // Every test freed what it made: after OPENSSL_cleanup nothing of OpenSSL's may be left.
  const leaks = await sb.dispose();
  if (leaks && leaks.allocations) {
    reports.push({ file, title: `${file}: OpenSSL allocations left after its tests`, variant: openssl, ok: false, observations: [], durationMs: 0,
      failures: [{ step: -1, path: 'leaks', expected: { allocations: 0, bytes: 0 }, observed: leaks }] });
  }
  return reports;
}
