// The OpenSSL calls a scenario can make, by their OpenSSL names, each mapped to the API.
import { COUNTERS, type ProtocolVersion, type SessionCacheMode, type SslOption } from '../core/constants.js';
import { ArgumentError } from '../core/errors.js';
import { Context, Session, type Sandbox } from '../sandbox/sandbox.js';

type Call = (sb: Sandbox, args: unknown[]) => Promise<unknown>;

const ctx = (v: unknown, call: string): Context => {
  if (v instanceof Context) return v;
  throw new ArgumentError(`${call}: the first argument must name a context`);
};
const sess = (v: unknown, call: string): Session => {
  if (v instanceof Session) return v;
  throw new ArgumentError(`${call}: expected a session name, got ${JSON.stringify(v)}`);
};
const onCtx = (fn: (c: Context, args: unknown[]) => Promise<unknown>): Call => (_, [c, ...rest]) => fn(ctx(c, 'call'), rest);
const onSession = (fn: (s: Session, args: unknown[]) => Promise<unknown>): Call => (_, [s, ...rest]) => fn(sess(s, 'call'), rest);
const info = (field: keyof Awaited<ReturnType<Session['info']>>) => onSession(async (s) => (await s.info())[field]);

export const CALLS: Record<string, Call> = {
  SSL_CTX_add_session: onCtx((c, [s]) => c.addSession(sess(s, 'SSL_CTX_add_session'))),
  SSL_CTX_remove_session: onCtx((c, [s]) => c.removeSession(sess(s, 'SSL_CTX_remove_session'))),
  SSL_CTX_flush_sessions: onCtx((c) => c.flushSessions()),
  SSL_CTX_sess_number: onCtx((c) => c.sessionCount()),
  ...Object.fromEntries(COUNTERS.map((name) => [`SSL_CTX_sess_${name}`, onCtx(async (c) => (await c.counters({ log: true }))[name])])),
  SSL_CTX_set_session_cache_mode: onCtx((c, [flags]) => c.configure({ cacheMode: flags as SessionCacheMode[] })),
  SSL_CTX_get_session_cache_mode: onCtx(async (c) => (await c.settings()).cacheMode),
  SSL_CTX_sess_set_cache_size: onCtx((c, [n]) => c.configure({ cacheSize: n as number })),
  SSL_CTX_sess_get_cache_size: onCtx(async (c) => (await c.settings()).cacheSize),
  SSL_CTX_set_timeout: onCtx((c, [n]) => c.configure({ timeout: n as number })),
  SSL_CTX_get_timeout: onCtx(async (c) => (await c.settings()).timeout),
  SSL_CTX_set_session_id_context: onCtx((c, [id]) => c.configure({ sessionIdContext: id as string })),
  SSL_CTX_set_num_tickets: onCtx((c, [n]) => c.configure({ numTickets: n as number })),
  SSL_CTX_get_num_tickets: onCtx(async (c) => (await c.settings()).numTickets),
  SSL_CTX_set_options: onCtx((c, [options]) => c.configure({ options: options as SslOption[] })),
  SSL_CTX_set_min_proto_version: onCtx((c, [v]) => c.configure({ minProtocol: v as ProtocolVersion })),
  SSL_CTX_set_max_proto_version: onCtx((c, [v]) => c.configure({ maxProtocol: v as ProtocolVersion })),
  SSL_CTX_free: onCtx((c) => c.dispose()),
  SSL_SESSION_new: (sb) => sb.createSession(),
  SSL_SESSION_free: onSession((s) => s.dispose()),
  SSL_SESSION_up_ref: onSession((s) => s.upRef()),
  SSL_SESSION_dup: onSession((s) => s.dup()),
  SSL_SESSION_set1_id: onSession((s, [id]) => s.set({ id: id as string })),
  SSL_SESSION_set1_id_context: onSession((s, [id]) => s.set({ idContext: id as string })),
  SSL_SESSION_set_protocol_version: onSession((s, [v]) => s.set({ protocol: v as ProtocolVersion })),
  SSL_SESSION_set_time: onSession((s, [t]) => s.set({ time: t as number })),
  SSL_SESSION_set_timeout: onSession((s, [t]) => s.set({ timeout: t as number })),
  SSL_SESSION_get_id: info('id'),
  SSL_SESSION_get_time: info('time'),
  SSL_SESSION_get_timeout: info('timeout'),
  SSL_SESSION_get_protocol_version: info('protocol'),
  SSL_SESSION_is_resumable: onSession(async (s) => Number((await s.info()).resumable)),
  SSL_SESSION_has_ticket: onSession(async (s) => Number((await s.info()).hasTicket)),
  i2d_SSL_SESSION: onSession((s) => s.encode()),
  d2i_SSL_SESSION: (sb, [der]) => {
    if (!(der instanceof Uint8Array)) throw new ArgumentError('d2i_SSL_SESSION: expected the name of bytes from i2d_SSL_SESSION');
    return sb.decodeSession(der.slice());
  },
};
