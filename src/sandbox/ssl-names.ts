import type { Side } from '../core/constants.js';

/** Which connection and side an SSL pointer belongs to, for callbacks that only get the SSL. */
export interface SslName {
  connection: string;
  side: Side;
  /** The C name, for example `conn_1_server`. */
  name: string;
}

export class SslNames {
  readonly #names = new Map<number, SslName>();

  /** Names an SSL: `conn_1_client` for a side of a connection, or its own name (`ssl_1`) for an SSL made by SSL_new. */
  set(ssl: number, connection: string, side: Side, name = `${connection}_${side}`): void {
    this.#names.set(ssl, { connection, side, name });
  }

  get(ssl: number): SslName | undefined {
    return this.#names.get(ssl);
  }

  delete(ssl: number): void {
    this.#names.delete(ssl);
  }
}
