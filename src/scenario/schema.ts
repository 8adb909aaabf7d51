// The JSON Schema of scenario files, built from the same constants the API uses, so that
// the two never disagree. `openssl-sandbox schema` prints it.
import { KEY_TYPES, OPTIONS, PROTOCOL_VERSIONS, SESSION_CACHE_MODES } from '../core/constants.js';
import { VARIANTS } from '../core/module.js';
import { CALL_NAMES, arity, cFunction } from '../sandbox/c-api.js';
import { CALLBACKS, EVENT_KINDS } from '../sandbox/events.js';

const names = (table: object) => ({ type: 'string', enum: Object.keys(table) });
const count = { type: 'integer', minimum: 0, maximum: 2147483647 };
const text = (maxLength: number) => ({ type: 'string', maxLength });
const strict = (properties: Record<string, unknown>, required: string[] = []) =>
  ({ type: 'object', properties, required, additionalProperties: false });
const expected = (schema: unknown) => ({
  anyOf: [schema, strict({ byVariant: strict(Object.fromEntries(VARIANTS.map((v) => [v, schema]))) }, ['byVariant'])],
});

const context = strict({
  role: { enum: ['client', 'server'] },
  keyType: names(KEY_TYPES),
  minProtocol: names(PROTOCOL_VERSIONS),
  maxProtocol: names(PROTOCOL_VERSIONS),
  options: { type: 'array', items: { type: 'string', enum: OPTIONS }, maxItems: 32 },
  cacheMode: { type: 'array', items: { type: 'string', enum: SESSION_CACHE_MODES }, maxItems: 16 },
  cacheSize: count,
  timeout: count,
  sessionIdContext: text(32),
  numTickets: { type: 'integer', minimum: 0, maximum: 64 },
  ciphersuites: text(512),
  cipherList: text(512),
  groups: text(512),
  callbacks: strict({
    newSession: { enum: ['keep', 'decline', 'free'] },
    removeSession: { type: 'boolean' },
    getSession: { type: 'boolean' },
  }),
}, ['role']);

/**
 * Each C function's number of arguments, from the table (src/sandbox/c-api.ts): one condition per
 * arity, naming its functions (one per function would make the compiled validator grow by a
 * branch with every row).
 */
const byArity = new Map<string, string[]>();
for (const call of CALL_NAMES) {
  const { min, max } = arity(cFunction(call)!);
  byArity.set(`${min}-${max}`, [...(byArity.get(`${min}-${max}`) ?? []), call]);
}
const callArities = [...byArity].map(([range, calls]) => {
  const [min, max] = range.split('-').map(Number);
  return { if: { properties: { call: { enum: calls } } }, then: { properties: { args: { type: 'array', minItems: min, maxItems: max } }, ...(min ? { required: ['args'] } : {}) } };
});

const eventList = { type: 'array', items: { type: 'object' }, maxItems: 200 };

const name = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$', maxLength: 64 };
const anyValue = {};

export const scenarioSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://openssl-wasm-sandbox/scenario.schema.json',
  title: 'openssl-wasm-sandbox conformance scenario',
  ...strict({
    $schema: { type: 'string' },
    title: text(200),
    description: text(4000),
    cites: { type: 'array', items: text(200), maxItems: 20 },
    openssl: { type: 'array', items: { enum: [...VARIANTS] }, minItems: 1, uniqueItems: true },
    seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
    clock: { type: 'number', minimum: 0, maximum: 2147483647 },
    contexts: { type: 'object', additionalProperties: context, propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, maxProperties: 32 },
    asyncGetSession: { type: 'object', additionalProperties: strict({ delayMs: { type: 'integer', minimum: 0, maximum: 10000 } }), maxProperties: 32 },
    steps: {
      type: 'array', maxItems: 2000,
      items: {
        oneOf: [
          {
            ...strict({
              call: {
                enum: CALL_NAMES,
                description: 'A function of the C API table (src/sandbox/c-api.ts), by its OpenSSL name. SSL objects stay open across steps: '
                  + 'SSL_new names one (as), sandbox_join joins a client and a server SSL by the in-memory wire, SSL_do_handshake runs one side '
                  + 'for one flight, sandbox_handshake until both are done.',
                examples: ['SSL_new', 'sandbox_join', 'SSL_do_handshake', 'SSL_get_session'],
              },
              args: { type: 'array', maxItems: 8, description: 'C\'s arguments: names of objects, null for NULL, integers as C passes them, masks as numbers or flag names, bytes as hex.' },
              as: name,
              expect: { ...expected(anyValue), description: 'What C returns (masks and versions may be written as names), or {"error": "text"} for a refusal or an OpenSSL error.' },
            }, ['call']),
            allOf: callArities,
          },
          strict({
            handshake: strict({ client: name, server: name, session: name, shutdown: { enum: ['clean', 'unclean'] }, serverSession: { type: 'boolean' } }, ['client', 'server']),
            as: name, expect: expected({ type: 'object' }),
          }, ['handshake']),
          strict({ clock: { type: 'string', pattern: '^\\+?[0-9]+$' } }, ['clock']),
          strict({
            expect: expected(strict({
              counters: { type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'integer' } } },
              constants: {
                type: 'object', additionalProperties: { type: ['number', 'null'] }, propertyNames: { pattern: '^[A-Z][A-Z0-9_]*$' }, maxProperties: 200,
                description: 'Constants as this variant\'s headers define them (SSL_OP_*, SSL_SESS_CACHE_*, SSL_MAX_*, …); null: not defined.',
                examples: [{ SSL_MAX_SSL_SESSION_ID_LENGTH: 32, SSL_OP_ALLOW_CLIENT_RENEGOTIATION: 256 }],
              },
              cache: { type: 'object', additionalProperties: strict({
                count: count, contains: { type: 'array', items: name }, lacks: { type: 'array', items: name },
              }) },
              sessions: { type: 'object', additionalProperties: { type: 'object' } },
              events: { anyOf: [eventList, strict({ exactly: eventList, of: { type: 'array', items: { enum: [...EVENT_KINDS] }, minItems: 1, uniqueItems: true }, inOrder: eventList, none: eventList })] },
              callbacks: { type: 'object', additionalProperties: strict(Object.fromEntries(CALLBACKS.map((c) => [c, count]))) },
              identity: strict(Object.fromEntries(['same', 'different', 'sameId', 'differentId'].map((k) =>
                [k, { type: 'array', items: { type: 'array', items: name, minItems: 2, maxItems: 2 }, maxItems: 100 }]))),
            })),
          }, ['expect']),
        ],
      },
    },
  }, ['title', 'contexts', 'steps']),
};
