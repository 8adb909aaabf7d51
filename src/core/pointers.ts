/** A pointer into the WebAssembly heap, branded with the C type it points to. */
export type Ptr<T extends string> = number & { readonly __pointee: T };

/** What the glue needs of an emscripten module instance. */
export interface GlueModule {
  readonly HEAPU8: Uint8Array;
  _malloc(size: number): Ptr<'u8'>;
  _free(ptr: number): void;
  cwrap(name: string, ret: 'number' | 'string' | null, args: ('number' | 'string')[]): (...args: never[]) => unknown;
  UTF8ToString(ptr: number): string;
  /** emscripten's in-memory file system: the random devices, and files OpenSSL reads (certificates, keys). */
  FS: {
    unlink(path: string): void;
    createDevice(parent: string, name: string, input: () => number): void;
    mkdirTree(path: string): void;
    writeFile(path: string, data: Uint8Array): void;
  };
}

/** The factory an emscripten MODULARIZE build exports. */
export type ModuleFactory = (options: {
  instantiateWasm(
    imports: WebAssembly.Imports,
    receive: (instance: WebAssembly.Instance) => void,
  ): object;
  locateFile?(file: string): string;
  print?(text: string): void;
  printErr?(text: string): void;
  onAbort?(what: unknown): void;
}) => Promise<GlueModule>;

/** The JavaScript functions the glue's callbacks call (wasm/glue/callbacks.c), set as Module.osbHooks. */
export interface GlueHooks {
  /** SSL_CTX_sess_set_new_cb: returns 1 to keep OpenSSL's reference, 0 to let OpenSSL drop it. */
  newSession(ctx: number, ssl: number, session: number): number;
  /** SSL_CTX_sess_set_remove_cb */
  removeSession(ctx: number, session: number): void;
  /** SSL_CTX_sess_set_get_cb: the session for `length` id bytes at `id`, or 0. */
  /** Answers a lookup; writes *copy (an int at `copy`). */
  getSession(ctx: number, ssl: number, id: number, length: number, copy: number): number;
  /** SSL_CTX_set_client_hello_cb: 1 to go on, 0 to make SSL_do_handshake return and wait. */
  clientHello(ctx: number, ssl: number): number;
  /** An SSL_SESSION is being destroyed (ex_data free callback). */
  sessionFreed(session: number): void;
  /** SSL_set_msg_callback: a protocol message written (1) or read (0), `length` bytes at `buf`. */
  message(ssl: number, writeP: number, version: number, contentType: number, buf: number, length: number): void;
  /** SSL_set_info_callback */
  info(ssl: number, where: number, ret: number): void;
  /** SSL_CTX_set_keylog_callback: one line of the NSS key log format, at `line`. */
  keylog(ssl: number, line: number): void;
  /** The wire between two SSL objects (wasm/glue/ssl.c) moved `length` bytes at `buf` that `ssl` wrote to its peer. */
  wire(ssl: number, buf: number, length: number): void;
  /** A connection's wire (wasm/glue/connections.c) moved `length` bytes at `buf` that `side` (0 client, 1 server) wrote to its peer. */
  flight(conn: number, side: number, buf: number, length: number): void;
}
