// OpenSSL's own test/ssl-tests and test/certs for `openssl-sandbox ssl-tests`: each variant's from its
// own source tarball (the one setup verified against wasm/openssl-versions.json), unpacked once into
// the cache. Nothing of OpenSSL's test files is kept in the repository.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { obtainSource } from '../lib/openssl-source.mjs';
import { cacheDir, variantOf } from '../lib/util.mjs';
import type { Variant } from '../../src/core/module.js';

const exec = promisify(execFile);

/** The `test` folder of the variant's OpenSSL source (its ssl-tests and certs only), unpacked on first use. */
export async function sslTestTree(variant: Variant): Promise<string> {
  const source = variantOf(variant);
  const { version } = source;
  const dir = join(cacheDir, 'ssl-tests', version);
  const tree = join(dir, `openssl-${version}`, 'test');
  if (existsSync(dir)) return tree;
  const tarball = await obtainSource(source);
  await mkdir(join(cacheDir, 'ssl-tests'), { recursive: true });
  // Unpacked beside and renamed into place: a run interrupted halfway leaves no partial tree behind.
  const partial = await mkdtemp(join(cacheDir, 'ssl-tests', `.${version}-`));
  try {
    await exec('tar', ['-xzf', tarball, '-C', partial, `openssl-${version}/test/ssl-tests`, `openssl-${version}/test/certs`]);
    await rename(partial, dir).catch((error: NodeJS.ErrnoException) => {
      if (!existsSync(dir)) throw error; // another run unpacked it meanwhile
    });
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  return tree;
}
