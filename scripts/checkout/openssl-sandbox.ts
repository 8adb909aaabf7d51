// The CLI in a source checkout: the package's CLI (src/cli/openssl-sandbox.ts) plus what only a
// checkout has, `--browser` (Vite and Chromium) and `--native` (a C compiler and native OpenSSL).
import { exit, main } from '../../src/cli/openssl-sandbox.js';
import { compareInBrowser } from './browser.js';
import { runNative } from './native.js';

exit(main(process.argv.slice(2), { compareInBrowser, runNative }));
