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

  set(ssl: number, connection: string, side: Side): void {
    this.#names.set(ssl, { connection, side, name: `${connection}_${side}` });
  }

  get(ssl: number): SslName | undefined {
    return this.#names.get(ssl);
  }

  delete(ssl: number): void {
    this.#names.delete(ssl);
  }
}
