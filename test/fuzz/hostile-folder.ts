// A scenario folder a stranger could hand the CLI: nesting 5,000 deep, titles with newlines,
// ANSI and OSC escapes and NUL, link loops and self-links, calls named after Object.prototype's
// properties, a scenario slower than its time budget, and one good scenario among them. The rule:
// whatever one file does, every other file is still reported.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const SERVER = { role: 'server', maxProtocol: 'TLSv1.2', options: ['SSL_OP_NO_TICKET'] };
const CLIENT = { role: 'client', maxProtocol: 'TLSv1.2' };
const scenario = (title: string, steps: unknown[], extra: object = {}) =>
  JSON.stringify({ title, contexts: { server: SERVER, client: CLIENT }, steps, ...extra });

/** A title no output may let act: a line break, a TAP directive, ANSI and OSC escapes, NUL, XML. */
export const HOSTILE_TITLE = 'ok 99 - injected\nnot ok # TODO \u001b[2J\u001b]0;owned\u0007 \u0000 </testcase><x a="&">';

/** Writes the folder; returns the files that must each be reported (by their path in the folder), and the good scenario's title. */
export async function hostileFolder(dir: string): Promise<{ files: string[]; good: string }> {
  const good = 'a full handshake, then a resumption';
  // Written as text: JSON.stringify itself overflows on it.
  const deep = '"DEEP"';
  const nested = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
  const files: Record<string, string> = {
    'good.json': scenario(good, [
      { handshake: { client: 'client', server: 'server' }, as: 'first', expect: { reused: false } },
      { handshake: { client: 'client', server: 'server', session: 'first.session' }, expect: { reused: true } },
    ]),
    'deep-expect.json': scenario('an expectation nested 5,000 deep', [{ call: 'SSL_CTX_sess_number', args: ['server'], expect: 'DEEP' }]),
    'deep-args.json': scenario('arguments nested 5,000 deep', [{ call: 'SSL_CTX_sess_number', args: ['DEEP'] }]),
    'escapes.json': scenario(HOSTILE_TITLE, [{ call: 'SSL_CTX_sess_number', args: ['server'], expect: 1 }]),
    'constructor.json': scenario('calls constructor', [{ call: 'constructor', args: ['server'] }]),
    'proto.json': scenario('calls __proto__', [{ call: '__proto__' }]),
    'tostring.json': scenario('calls toString', [{ call: 'toString' }]),
    'slow.json': scenario('a get-session handler slower than the time budget', [
      { handshake: { client: 'client', server: 'server' }, as: 'first' },
      { handshake: { client: 'client', server: 'server', session: 'first.session' } },
      { handshake: { client: 'client', server: 'server', session: 'first.session' } },
    ], {
      contexts: { server: { ...SERVER, cacheMode: ['SSL_SESS_CACHE_SERVER', 'SSL_SESS_CACHE_NO_INTERNAL_STORE'], callbacks: { newSession: 'keep' } }, client: CLIENT },
      asyncGetSession: { server: { delayMs: 10000 } },
    }),
    'not-json.json': '{"title": ',
  };
  await mkdir(join(dir, 'sub'), { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text.replace(deep, nested));
  // A folder linking to its parent (a loop), a folder linking to itself, a file linking to itself, two links to one file.
  await symlink('..', join(dir, 'sub', 'loop'));
  await symlink('self', join(dir, 'self'));
  await symlink('self-file.json', join(dir, 'self-file.json'));
  await symlink(join('..', 'good.json'), join(dir, 'sub', 'again.json'));
  return { files: [...Object.keys(files), 'self-file.json'], good };
}
