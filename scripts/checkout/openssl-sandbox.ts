// The CLI in a source checkout: the package's CLI (src/cli/openssl-sandbox.ts) plus what only a
// checkout has, `--browser` (Vite and Chromium), `--native` (a C compiler and native OpenSSL) and
// OpenSSL's own test files for `ssl-tests` (from each variant's source tarball).
import { exit, main } from '../../src/cli/openssl-sandbox.js';
import { compareInBrowser } from './browser.js';
import { runNative } from './native.js';
import { sslTestTree } from './ssl-tests.js';

exit(main(process.argv.slice(2), { compareInBrowser, runNative, sslTestTree }));
