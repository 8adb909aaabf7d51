// Named external session stores that several SSL_CTXs share through their session callbacks, as
// servers behind one name share a memcached or shared-memory session cache. A store holds bytes
// (i2d_SSL_SESSION's DER), never an SSL_SESSION object: see SessionCallbacks for why.
import type { OpenSSL } from '../core/openssl.js';
import type { Ptr } from '../core/pointers.js';

/** A session callback that uses the named external store `store` (shared by every context naming it). */
export interface StoreChoice {
  store: string;
}

/** One session in a named external store. */
export interface StoreEntry {
  /** The session id it is stored under, hex (what the get callback is asked for). */
  id: string;
  /** The context whose new-session callback stored it (its C name, `server_ctx_1`). */
  context: string;
  /** Its DER encoding's length (i2d_SSL_SESSION). */
  bytes: number;
  /** How many get callbacks answered with it. */
  hits: number;
}

/** i2d_SSL_SESSION: the session's DER encoding, or null when OpenSSL cannot encode it. */
export function encodeSession(openssl: OpenSSL, session: Ptr<'SSL_SESSION'>): Uint8Array | null {
  const length = openssl.glue.osb_session_i2d(session, 0 as Ptr<'u8'>, 0);
  return length > 0 ? openssl.readBytes(length, (out) => openssl.glue.osb_session_i2d(session, out, length)) : null;
}

export const isStoreChoice = (value: unknown): value is StoreChoice =>
  value !== null && typeof value === 'object' && typeof (value as { store?: unknown }).store === 'string' && Object.keys(value).length === 1;

export class ExternalStores {
  readonly #stores = new Map<string, Map<string, StoreEntry & { der: Uint8Array }>>();

  #store(name: string) {
    let store = this.#stores.get(name);
    if (!store) this.#stores.set(name, (store = new Map()));
    return store;
  }

  /** Stores (or replaces) the DER of session `id`. */
  put(name: string, id: string, der: Uint8Array, context: string): void {
    this.#store(name).set(id, { id, context, bytes: der.length, hits: 0, der });
  }

  /** The DER stored under `id`, counted as a hit, or undefined (a miss). */
  get(name: string, id: string): Uint8Array | undefined {
    const entry = this.#store(name).get(id);
    if (entry) entry.hits++;
    return entry?.der;
  }

  /** Forgets `id`; whether it was there. */
  remove(name: string, id: string): boolean {
    return this.#store(name).delete(id);
  }

  /** Every store a callback named so far, with its entries in the order they were stored. */
  list(): Record<string, StoreEntry[]> {
    return Object.fromEntries([...this.#stores].map(([name, store]) =>
      [name, [...store.values()].map(({ der: _, ...entry }) => entry)]));
  }
}
