// The OpenSSL variants: one list (wasm/openssl-versions.json, mirrored by VARIANTS), each
// module's versions.json naming what went in, and a source that cannot be had said plainly.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DEFAULT_VARIANT, VARIANTS } from '../src/index.js';

const pinned = JSON.parse(await readFile('wasm/openssl-versions.json', 'utf8'));

describe('the OpenSSL variants', () => {
  it('VARIANTS lists the variants of wasm/openssl-versions.json, in its order, and DEFAULT_VARIANT is its default', () => {
    assert.deepEqual([...VARIANTS], Object.keys(pinned));
    assert.deepEqual(Object.keys(pinned).filter((v) => pinned[v].default), [DEFAULT_VARIANT]);
  });

  for (const variant of VARIANTS) {
    it(`wasm/dist/${variant}/versions.json names OpenSSL ${pinned[variant].version} and its source's SHA-256`, async () => {
      const versions = JSON.parse(await readFile(`wasm/dist/${variant}/versions.json`, 'utf8'));
      assert.equal(versions.variant, variant);
      assert.ok(versions.openssl.startsWith(pinned[variant].version), versions.openssl);
      assert.equal(versions.opensslSha256, pinned[variant].sha256);
    });
  }

  it('a source that can no longer be had names what was tried and the variable that supplies the tarball', async () => {
    // apt-get answers as Debian does once a revision has left the archive; the release download is refused too.
    const bin = await mkdtemp(join(tmpdir(), 'osb-apt-'));
    try {
      await writeFile(join(bin, 'apt-get'), `#!/bin/sh\ncase "$*" in *update*) exit 0;; esac\necho "E: Can not find version '3.6.99-1' of package 'openssl'" >&2\nexit 100\n`);
      await chmod(join(bin, 'apt-get'), 0o755);
      const program = `import { obtainSource } from './scripts/lib/openssl-source.mjs';
        await obtainSource({ name: '3.6', version: '3.6.99', sha256: '0'.repeat(64), debian: { package: 'openssl=3.6.99-1', suite: 'sid' }, configure: [] })
          .then(() => console.log('obtained?'), (e) => console.log(e.message));`;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', program], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, OPENSSL_WASM_CACHE: bin, OPENSSL_TARBALL: '', OPENSSL_TARBALL_3_6: '' },
      });
      assert.match(stdout, /the source of OpenSSL 3\.6\.99 \(variant 3\.6\) could not be obtained/);
      assert.match(stdout, /OPENSSL_TARBALL_3_6=\/path\/to\/openssl-3\.6\.99\.tar\.gz/);
      if (/ID=debian/.test(await readFile('/etc/os-release', 'utf8').catch(() => ''))) {
        assert.match(stdout, /no longer offers openssl=3\.6\.99-1.*Can not find version '3\.6\.99-1'/);
      }
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});
