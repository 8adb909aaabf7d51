import { bindGlue, type Glue } from './glue.generated.js';
import { ArgumentError, MemoryLimitError, OpenSSLError, SandboxError, type OpenSSLErrorEntry } from './errors.js';
import { loadModule, type Variant } from './module.js';
import type { GlueHooks, GlueModule, Ptr } from './pointers.js';

/** OpenSSL's allocations (counted by wasm/glue/memory.c) and the module's heap. */
export interface MemoryUse {
  /** Bytes malloc has handed out, OpenSSL's and the glue's (mallinfo). */
  inUse: number;
  /** The size of the module's linear memory (it only grows). */
  heapSize: number;
  /** OpenSSL's live allocations (CRYPTO_malloc not yet freed) and their bytes. */
  allocations: number;
  bytes: number;
  /** The most bytes OpenSSL held at once. */
  peak: number;
  /** Allocations the memoryLimit refused. */
  refused: number;
}

/** What freeing everything left: OpenSSL allocations still live after OPENSSL_cleanup, leaks. */
export interface LeakReport {
  allocations: number;
  bytes: number;
}

/**
 * One instance of the OpenSSL module: the typed glue plus the few helpers every caller
 * needs (bytes in and out of the heap, the error queue as typed errors).
 */
export class OpenSSL {
  private constructor(
    readonly variant: Variant,
    readonly glue: Glue,
    private readonly module: GlueModule,
    private readonly abortReason: () => string | undefined,
  ) {}

  #released = false;
  #softLimit = 0;
  #refusedSeen = 0;

  static async load(variant: Variant, precompiled?: WebAssembly.Module | Promise<WebAssembly.Module>): Promise<OpenSSL> {
    const { module, aborted } = await loadModule(variant, precompiled);
    return new OpenSSL(variant, bindGlue(module), module, aborted);
  }

  isAborted(): boolean {
    return this.abortReason() !== undefined;
  }

  /** Throws once the module has aborted: its memory can no longer be trusted. */
  assertUsable(): void {
    const reason = this.abortReason();
    if (reason !== undefined) throw new SandboxError('ABORTED', `the OpenSSL module aborted (${reason}); restart the sandbox`);
    if (this.#released) throw new SandboxError('DISPOSED', 'the sandbox was disposed: OpenSSL was cleaned up');
  }

  /**
   * `soft`: bytes OpenSSL may hold; an allocation beyond is refused and the call fails with a
   * MemoryLimitError. `hard`: bytes the module's memory may grow to; beyond, the module aborts.
   * 0 or undefined: no limit.
   */
  setMemoryLimits(soft = 0, hard = 0): void {
    if (hard && hard <= this.heapSize()) {
      throw new ArgumentError(`heapLimit must exceed the ${this.heapSize()} bytes the module starts with, got ${hard}`);
    }
    this.#softLimit = soft;
    this.glue.osb_mem_limit(soft, hard);
  }

  memory(): MemoryUse {
    const { glue } = this;
    return {
      inUse: glue.osb_heap_in_use(), heapSize: this.heapSize(), allocations: glue.osb_mem_allocations(),
      bytes: glue.osb_mem_bytes(), peak: glue.osb_mem_peak(), refused: glue.osb_mem_refused(),
    };
  }

  /**
   * Frees OpenSSL's own state (OPENSSL_cleanup) once the caller freed its objects, and reports
   * what is still allocated: leaks. The module cannot be used afterwards.
   */
  release(): LeakReport {
    this.assertUsable();
    this.#released = true;
    const allocations = this.glue.osb_mem_release();
    return { allocations, bytes: this.glue.osb_mem_bytes() };
  }

  /** Copies `bytes` into the heap for the duration of `use`. */
  withBytes<T>(bytes: Uint8Array, use: (ptr: Ptr<'u8'>, length: number) => T): T {
    const ptr = this.module._malloc(Math.max(1, bytes.length));
    try {
      this.module.HEAPU8.set(bytes, ptr);
      return use(ptr, bytes.length);
    } finally {
      this.module._free(ptr);
    }
  }

  /** Lends a heap buffer of `size` bytes to `fill`, which returns how many it wrote; returns a copy of those. */
  readBytes(size: number, fill: (ptr: Ptr<'u8'>) => number): Uint8Array {
    const ptr = this.module._malloc(size);
    try {
      const n = fill(ptr);
      return this.module.HEAPU8.slice(ptr, ptr + Math.max(0, Math.min(n, size)));
    } finally {
      this.module._free(ptr);
    }
  }

  /** Writes a C int (32 bits, little-endian) at `ptr`: an out-parameter such as the get callback's *copy. */
  writeInt(ptr: number, value: number): void {
    new DataView(this.module.HEAPU8.buffer).setInt32(ptr, value, true);
  }

  /** The size of the module's linear memory, in bytes (it only grows). */
  heapSize(): number {
    return this.module.HEAPU8.length;
  }

  /** The NUL-terminated string at `ptr`. */
  text(ptr: number): string {
    return this.module.UTF8ToString(ptr);
  }

  /** A copy of the bytes of the NUL-terminated string at `ptr`, to decode later (text() decodes it now). */
  textBytes(ptr: number): Uint8Array {
    const heap = this.module.HEAPU8;
    return heap.slice(ptr, heap.indexOf(0, ptr));
  }

  /** A copy of `length` heap bytes at `ptr`. */
  copyOut(ptr: number, length: number): Uint8Array {
    return this.module.HEAPU8.slice(ptr, ptr + length);
  }

  /** The sessions in a context's internal cache (SSL_CTX_sessions), as pointers. */
  listSessions(ctx: Ptr<'SSL_CTX'>): Ptr<'SSL_SESSION'>[] {
    const count = this.glue.osb_ctx_sess_number(ctx);
    const bytes = this.readBytes(Math.max(4, count * 4),
      (out) => 4 * this.glue.osb_ctx_list_sessions(ctx, out as number as Ptr<'SSL_SESSION*'>, count));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    return Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(i * 4, true) as Ptr<'SSL_SESSION'>);
  }

  /**
   * Where the glue's callbacks land (Module.osbHooks). OpenSSL's C frames are below each: a
   * JavaScript exception unwinding through them would skip OpenSSL's cleanup (leaks, a half-made
   * handshake). So nothing thrown leaves a hook: it answers as a callback that declines would
   * (0, or 1 for the ClientHello callback: go on) and takeHookFault() hands the error to the call.
   */
  setHooks(hooks: GlueHooks): void {
    const guarded = Object.fromEntries(Object.entries(hooks).map(([name, hook]) => [name, (...args: number[]) => {
      try {
        return (hook as (...a: number[]) => number | void)(...args);
      } catch (error) {
        this.#hookFault ??= error;
        return name === 'clientHello' ? 1 : 0;
      }
    }]));
    (this.module as GlueModule & { osbHooks?: GlueHooks }).osbHooks = guarded as unknown as GlueHooks;
  }

  #hookFault: unknown;

  /** What a hook threw since the last call (see setHooks), now; undefined when nothing did. */
  takeHookFault(): unknown {
    const fault = this.#hookFault;
    this.#hookFault = undefined;
    return fault;
  }

  /**
   * Makes OpenSSL's entropy repeatable: /dev/urandom and /dev/random, where it seeds its
   * DRBG from, become a PRNG started from `seed`. Only for reproducible runs, never for secrets;
   * it must happen before OpenSSL first draws randomness.
   */
  seedRandomness(seed: number): void {
    const next = splitmix32(seed);
    for (const device of ['random', 'urandom']) {
      this.module.FS.unlink(`/dev/${device}`);
      this.module.FS.createDevice('/dev', device, next);
    }
  }

  /**
   * Puts a file into the module's in-memory file system, where OpenSSL's file reads find it
   * (SSL_CONF_cmd's Certificate, PrivateKey, VerifyCAFile). Only the module sees it.
   */
  writeFile(path: string, data: Uint8Array): void {
    this.module.FS.mkdirTree(path.slice(0, path.lastIndexOf('/')) || '/');
    this.module.FS.writeFile(path, data);
  }

  /** Drains OpenSSL's error queue, oldest entry first. */
  /**
   * The constants this OpenSSL's headers define (SSL_SESS_CACHE_*, SSL_OP_*, SSL_VERIFY_*, SSL_MAX_*,
   * TLS1_*_VERSION, …), as its C compiler evaluated them when the module was linked.
   */
  constants(): Readonly<Record<string, number>> {
    this.#constants ??= JSON.parse(this.glue.osb_constants()) as Record<string, number>;
    return this.#constants;
  }
  #constants: Record<string, number> | undefined;

  errorQueue(): OpenSSLErrorEntry[] {
    const entries: OpenSSLErrorEntry[] = [];
    for (let line = this.glue.osb_err_next(); line !== ''; line = this.glue.osb_err_next()) {
      const [code, library, reason, func, data] = line.split('\t');
      entries.push({ code: Number(code), library, reason, func, data });
    }
    return entries;
  }

  /** The typed error for a failed OpenSSL call, carrying (and emptying) the error queue, or what was taken from it. */
  failure(call: string, detail?: string, queue = this.errorQueue()): OpenSSLError {
    const refused = this.glue.osb_mem_refused();
    if (refused > this.#refusedSeen) {
      this.#refusedSeen = refused;
      return new MemoryLimitError(call, queue, this.#softLimit);
    }
    return new OpenSSLError(call, queue, detail);
  }
}

/** A byte source from a 32-bit seed (SplitMix32): small, fast, the same everywhere. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  let word = 0;
  let left = 0;
  return () => {
    if (left === 0) {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      word = (z ^ (z >>> 16)) >>> 0;
      left = 4;
    }
    left--;
    const byte = word & 0xff;
    word >>>= 8;
    return byte;
  };
}
