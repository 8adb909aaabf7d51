// The API reference (`npm run build` puts it in web/dist/api): TypeDoc builds it from the TSDoc
// without errors, and every public function and method of the sandbox says which OpenSSL call
// it makes, or that it makes none.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLASSES = ['Sandbox', 'Context', 'Session', 'Connection', 'Clock'];
/** An OpenSSL function, macro or the C library call OpenSSL makes; or the explicit "no call". */
const NAMES_A_CALL = /\b(SSL_\w+|SSL_CTX_\w+|d2i_\w+|i2d_\w+|OpenSSL_version|OPENSSL_\w+|BIO_\w+|PEM_\w+)|No\s+OpenSSL\s+call/;

interface Reflection {
  name: string;
  kind: number;
  children?: Reflection[];
  signatures?: { comment?: { summary: { text: string }[] } }[];
  getSignature?: { comment?: { summary: { text: string }[] } };
}

const textOf = (comment?: { summary: { text: string }[] }) => comment?.summary.map((part) => part.text).join('') ?? '';

describe('API reference [TypeDoc]', () => {
  let out = '';
  let library: Reflection;
  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'osb-api-'));
    await promisify(execFile)('npx', ['typedoc', '--out', join(out, 'api'), '--json', join(out, 'api.json'), '--treatValidationWarningsAsErrors', 'false'], { cwd: root, timeout: 120_000 });
    const project = JSON.parse(await readFile(join(out, 'api.json'), 'utf8')) as Reflection;
    library = project.children!.find((m) => m.name === 'openssl-wasm-sandbox')!;
  });
  after(() => rm(out, { recursive: true, force: true }));

  for (const name of CLASSES) {
    it(`every public method of ${name} names the OpenSSL call it makes`, () => {
      const members = library.children!.find((c) => c.name === name)!.children!.filter((m) => m.signatures || m.getSignature);
      const silent = members.filter((m) => m.kind !== 512 /* constructor */)
        .filter((m) => !NAMES_A_CALL.test(textOf(m.signatures?.[0].comment ?? m.getSignature?.comment)))
        .map((m) => m.name);
      assert.ok(members.length > 2, `${name} has documented members`);
      assert.deepEqual(silent, [], `${name}: members whose TSDoc names no OpenSSL call`);
    });
  }

  it('createSandbox() names what it calls, and the pages exist', async () => {
    const create = library.children!.find((c) => c.name === 'createSandbox')!;
    assert.match(textOf(create.signatures![0].comment), NAMES_A_CALL);
    const page = await readFile(join(out, 'api/classes/openssl-wasm-sandbox.Context.html'), 'utf8');
    assert.match(page, /SSL_CTX_add_session/);
    assert.match(await readFile(join(out, 'api/index.html'), 'utf8'), /openssl-wasm-sandbox\/conformance/);
  });
});
