// The API test suite: the same cases run in-process and through a worker in Node
// (test/api.test.ts) and through a Web Worker in Chromium (test/browser.test.ts).
import { addRemove } from './add-session.cases.js';
import { cApiSuite } from './c-api.cases.js';
import { cacheSuite } from './cache.cases.js';
import { callbackSuite } from './callbacks.cases.js';
import { clock } from './clock.cases.js';
import { errors } from './errors.cases.js';
import { handshakes } from './handshake.cases.js';
import { lifecycle } from './lifecycle.cases.js';
import { secretSuite } from './secrets.cases.js';
import { sessionSuite } from './sessions.cases.js';
import { wireSuite } from './wire.cases.js';
import type { ApiSuite } from './suite.js';

export const suites: ApiSuite[] = [handshakes, addRemove, cacheSuite, callbackSuite, sessionSuite, clock, errors, lifecycle, wireSuite, secretSuite, cApiSuite];
