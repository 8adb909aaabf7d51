// The session family of a variant's headers: the functions (and function-like macros) of ssl.h
// and tls1.h whose names concern sessions: the list `openssl-sandbox calls` goes through. Written
// beside the module as wasm/dist/<variant>/session-functions.json when the module is built.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const NAME = /\b(SSL_CTX_sess\w*|SSL_SESSION_\w+|SSL_set_session\w*|SSL_get1?_session|SSL_CTX_(?:add|remove|flush)_session\w*|\w*session_id_context|\w*_session_cache_mode|SSL_has_matching_session_id|SSL_session_reused|\w*ticket\w*|SSL_CTX_sessions|SSL_CTX_(?:set|get)_timeout|SSL_get_default_timeout|(?:d2i|i2d)_SSL_SESSION)\s*\(/g;

/** The session functions the headers under `include` declare, sorted. */
export function sessionFunctions(include) {
  const text = ['ssl.h', 'tls1.h'].map((h) => readFileSync(join(include, 'openssl', h), 'utf8')).join('\n')
    .replace(/\/\*[\s\S]*?\*\//g, ' ');
  // Constants written with parentheses (SSL_SESSION_CACHE_MAX_SIZE_DEFAULT (1024*20)) are all capitals: no function.
  return [...new Set([...text.matchAll(NAME)].map((m) => m[1]))].filter((name) => /[a-z]/.test(name)).sort();
}

/** Writes the list for a built variant into `out` when it changed. */
export function writeSessionFunctions(include, out) {
  const file = join(out, 'session-functions.json');
  const text = `${JSON.stringify(sessionFunctions(include), null, 1)}\n`;
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
}
