// What the session family's return values mean, in the words of OpenSSL's manual pages (their
// RETURN VALUES sections, 3.5), so that a result is shown with its meaning: `0` from
// SSL_CTX_remove_session is "not found in the cache", not a crash. Keyed by the C API table's names.
import type { CallName } from './c-api.js';

export interface ResultMeaning {
  /** The manual page that says it. */
  readonly page: string;
  /** What particular values mean, and whether each is the call doing what was asked (unsaid: it depends). */
  readonly values?: Readonly<Record<number, { readonly means: string; readonly ok?: boolean }>>;
  /** What any other value means (a previous setting, a count). */
  readonly other?: string;
}

const succeeded = { means: 'The operation succeeded.', ok: true };
const oneOrZero = (page: string, one: string, zero: string): ResultMeaning =>
  ({ page, values: { 1: { means: one, ok: true }, 0: { means: zero, ok: false } } });
const previous = (page: string, what: string): ResultMeaning => ({ page, other: `The previously set ${what}.` });
const current = (page: string, what: string): ResultMeaning => ({ page, other: `The currently set ${what}.` });

export const C_RESULTS: Partial<Record<CallName, ResultMeaning>> = {
  SSL_CTX_add_session: {
    page: 'SSL_CTX_add_session(3)',
    values: { 1: succeeded, 0: { means: 'The operation failed: it was tried to add the same (identical) session twice.', ok: false } },
  },
  SSL_CTX_remove_session: {
    page: 'SSL_CTX_add_session(3)',
    values: { 1: succeeded, 0: { means: 'The operation failed: the session was not found in the cache.', ok: false } },
  },
  SSL_CTX_sess_set_cache_size: previous('SSL_CTX_sess_set_cache_size(3)', 'cache size'),
  SSL_CTX_sess_get_cache_size: current('SSL_CTX_sess_set_cache_size(3)', 'cache size (0: no limit)'),
  SSL_CTX_set_timeout: previous('SSL_CTX_set_timeout(3)', 'timeout value, in seconds'),
  SSL_CTX_get_timeout: current('SSL_CTX_set_timeout(3)', 'timeout value, in seconds'),
  SSL_CTX_set_session_cache_mode: previous('SSL_CTX_set_session_cache_mode(3)', 'cache mode'),
  SSL_CTX_get_session_cache_mode: current('SSL_CTX_set_session_cache_mode(3)', 'cache mode'),
  SSL_CTX_set_session_id_context: oneOrZero('SSL_CTX_set_session_id_context(3)', 'The operation succeeded.',
    'The length of the session id context exceeded SSL_MAX_SID_CTX_LENGTH; the error is on the error stack.'),
  SSL_CTX_set_num_tickets: oneOrZero('SSL_CTX_set_num_tickets(3)', 'Success.', 'Failure.'),
  SSL_CTX_get_num_tickets: { page: 'SSL_CTX_set_num_tickets(3)', other: 'The number of tickets that has been set.' },
  SSL_CTX_set_min_proto_version: oneOrZero('SSL_CTX_set_min_proto_version(3)', 'Success.', 'Failure.'),
  SSL_CTX_set_max_proto_version: oneOrZero('SSL_CTX_set_min_proto_version(3)', 'Success.', 'Failure.'),
  SSL_CTX_get_min_proto_version: { page: 'SSL_CTX_set_min_proto_version(3)', values: { 0: { means: 'Auto-configuration: the lowest version the library supports.', ok: true } }, other: 'The configured version.' },
  SSL_CTX_get_max_proto_version: { page: 'SSL_CTX_set_min_proto_version(3)', values: { 0: { means: 'Auto-configuration: the highest version the library supports.', ok: true } }, other: 'The configured version.' },
  SSL_CTX_sess_number: { page: 'SSL_CTX_sess_number(3)', other: 'The current number of sessions in the internal session cache.' },
  SSL_SESSION_up_ref: oneOrZero('SSL_SESSION_free(3)', 'Success.', 'Error.'),
  SSL_SESSION_set1_id: oneOrZero('SSL_SESSION_set1_id(3)', 'Success.', 'Failure, for example the session id length exceeds SSL_MAX_SSL_SESSION_ID_LENGTH.'),
  SSL_SESSION_set1_id_context: oneOrZero('SSL_SESSION_get0_id_context(3)', 'Success.', 'Error.'),
  SSL_SESSION_set_protocol_version: oneOrZero('SSL_SESSION_get_protocol_version(3)', 'Success.', 'Failure.'),
  SSL_SESSION_is_resumable: oneOrZero('SSL_SESSION_is_resumable(3)', 'The session is resumable.', 'The session is not resumable.'),
  SSL_SESSION_has_ticket: oneOrZero('SSL_SESSION_has_ticket(3)', 'A session ticket exists.', 'No session ticket exists.'),
  SSL_SESSION_get_ticket_lifetime_hint: { page: 'SSL_SESSION_has_ticket(3)', other: 'The ticket lifetime hint, in seconds.' },
  SSL_SESSION_set_time: {
    // The page says 1; ssl_sess.c returns the time it set (0 only for a NULL session).
    page: 'SSL_SESSION_get_time(3) and ssl/ssl_sess.c',
    values: { 0: { means: 'A NULL session, or the time 0, which it set.' } },
    other: 'The time it set, in seconds since the epoch: success.',
  },
  SSL_SESSION_set_time_ex: { page: 'SSL_SESSION_get_time(3)', values: { 0: { means: 'A NULL session, or the time 0, which it set.' } }, other: 'The time it set: success.' },
  SSL_SESSION_set_timeout: oneOrZero('SSL_SESSION_get_time(3)', 'Success.', 'A NULL session.'),
  SSL_SESSION_get_time: { page: 'SSL_SESSION_get_time(3)', other: 'The currently valid time, in seconds since the epoch.' },
  SSL_SESSION_get_timeout: { page: 'SSL_SESSION_get_time(3)', other: 'The currently valid timeout, in seconds.' },
};

/** A result with its meaning, if the table has one for this function and value. */
export function explainResult(call: string, value: unknown): { means: string; ok?: boolean; page: string } | undefined {
  const meaning = C_RESULTS[call as CallName];
  if (!meaning || typeof value !== 'number') return undefined;
  const known = meaning.values?.[value];
  if (known) return { ...known, page: meaning.page };
  return meaning.other ? { means: meaning.other, page: meaning.page } : undefined;
}
