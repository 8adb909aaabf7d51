import { HandleError } from './errors.js';
import type { Ptr } from './pointers.js';

/** The C object kinds a handle can stand for. */
export type HandleKind = 'SSL_CTX' | 'SSL_SESSION' | 'SSL' | 'SSL_CONF_CTX' | 'osb_conn';

/**
 * A reference to a C object owned by one sandbox. It is plain data (it can cross a worker
 * boundary); the pointer itself never leaves the registry that issued it.
 */
export interface HandleRef<K extends HandleKind = HandleKind> {
  readonly kind: K;
  /** The sandbox that issued it. */
  readonly owner: string;
  readonly id: number;
  /** The name used in traces and C code, for example `sess_1`. */
  readonly name: string;
}

interface Entry {
  kind: HandleKind;
  ptr: number;
  name: string;
  /** The handle holds a reference to its object. */
  alive: boolean;
  /** The object itself was destroyed: the name can no longer reach it. */
  gone: boolean;
  /** A name that never held a reference (unowned()): freeing through it frees what it does not own. */
  borrowed?: boolean;
}

let registries = 0;

/**
 * Maps handles to pointers and checks every handle before it reaches C: a disposed,
 * foreign or wrong-kind handle raises a HandleError instead.
 */
export class HandleRegistry {
  readonly owner = `sandbox-${++registries}-${Math.random().toString(36).slice(2, 8)}`;
  readonly #entries = new Map<number, Entry>();
  // The live ones by kind, so that finding the contexts or sessions costs their number, not all handles ever issued.
  readonly #live = new Map<HandleKind, Map<number, Entry>>();
  readonly #counters = new Map<string, number>();
  // Freed handles, oldest first: remembered to name a use after free, and forgotten beyond
  // `rememberFreed` so that a long run (a classroom tab) keeps a bounded registry.
  readonly #freed: number[] = [];
  // Names without a reference whose object may still live (an SSL_SESSION a cache holds), by
  // pointer, until gone() reports the object destroyed.
  readonly #unowned = new Map<number, Set<number>>();
  #nextId = 1;

  constructor(private readonly rememberFreed = 100_000) {}

  issue<K extends HandleKind>(kind: K, ptr: Ptr<K>, prefix: string): HandleRef<K> {
    const ref = this.#name(kind, prefix);
    const entry = { kind, ptr, name: ref.name, alive: true, gone: false };
    this.#entries.set(ref.id, entry);
    this.#liveOf(kind).set(ref.id, entry);
    return ref;
  }

  /**
   * A name for an object that holds no reference to it (the session a callback was given): it
   * reaches the object while it lives, and is refused as a use after free once gone() reports it
   * destroyed. `ptr` 0 names an object already gone.
   */
  unowned<K extends HandleKind>(kind: K, ptr: Ptr<K> | 0, prefix: string): HandleRef<K> {
    const ref = this.#name(kind, prefix);
    this.#entries.set(ref.id, { kind, ptr, name: ref.name, alive: false, gone: ptr === 0, borrowed: true });
    this.#freed.push(ref.id);
    if (ptr !== 0) this.#index(ptr, ref.id);
    this.#forgetOldest();
    return ref;
  }

  #name<K extends HandleKind>(kind: K, prefix: string): HandleRef<K> {
    const n = (this.#counters.get(prefix) ?? 0) + 1;
    this.#counters.set(prefix, n);
    return { kind, owner: this.owner, id: this.#nextId++, name: `${prefix}_${n}` };
  }

  #index(ptr: number, id: number) {
    let ids = this.#unowned.get(ptr);
    if (!ids) this.#unowned.set(ptr, (ids = new Set()));
    ids.add(id);
  }

  /** The object at `ptr` was destroyed: names that held no reference to it can no longer reach it. */
  gone(ptr: number): void {
    for (const id of this.#unowned.get(ptr) ?? []) {
      const entry = this.#entries.get(id);
      if (entry) entry.gone = true;
    }
    this.#unowned.delete(ptr);
  }

  /**
   * The object behind `ref`, as C code may still use a pointer: through a live handle, or through
   * one whose reference was freed while something else (a cache) keeps the object alive. Refused
   * (HandleError 'disposed') once the object is gone: that would be a use after free (a double
   * free, when `freeing`).
   */
  object<K extends HandleKind>(ref: unknown, kind: K, freeing = false): Ptr<K> {
    const entry = this.#entry(ref, kind, false);
    if (entry.gone) {
      throw new HandleError('disposed', `${entry.name} (${kind}) was freed and its object is gone (destroyed): `
        + `${freeing ? 'freeing it again would be a double free' : 'using it would be a use after free'}`);
    }
    return entry.ptr as Ptr<K>;
  }

  /** The pointer behind `ref`, after checking that it is a live handle of this sandbox and of `kind`. */
  pointer<K extends HandleKind>(ref: unknown, kind: K): Ptr<K> {
    return this.#entry(ref, kind).ptr as Ptr<K>;
  }

  /** Whether a handle of this sandbox and of `kind` is still alive (a freed one is not an error here). */
  isAlive(ref: unknown, kind: HandleKind): boolean {
    return !this.#forgotten(ref) && this.#entry(ref, kind, false).alive;
  }

  /**
   * Marks the handle dead and returns its pointer, so the caller frees the C object exactly once.
   * `objectMayLive`: other references may keep the object (an SSL_SESSION in a cache), so the name
   * still reaches it through object() until gone(); otherwise the object goes with the handle.
   */
  release<K extends HandleKind>(ref: unknown, kind: K, objectMayLive = false): Ptr<K> {
    const entry = this.#entry(ref, kind, false);
    if (entry.borrowed) {
      throw new HandleError('disposed', `${entry.name} (${kind}) holds no reference of its own: freeing it would drop a reference `
        + 'its owner still counts on (C would free the object under the cache or the SSL that holds it)');
    }
    if (!entry.alive) throw new HandleError('disposed', `${entry.name} (${kind}) was already freed: freeing it again would be a double free`);
    const { id } = ref as HandleRef;
    entry.alive = false;
    entry.gone = !objectMayLive;
    if (objectMayLive) this.#index(entry.ptr, id);
    this.#liveOf(kind).delete(id);
    this.#freed.push(id);
    this.#forgetOldest();
    return entry.ptr as Ptr<K>;
  }

  #forgetOldest() {
    if (this.#freed.length <= this.rememberFreed) return;
    for (const old of this.#freed.splice(0, Math.ceil(this.rememberFreed / 10))) {
      const entry = this.#entries.get(old);
      if (entry) this.#unowned.get(entry.ptr)?.delete(old);
      this.#entries.delete(old);
    }
  }

  /** Live handles of a kind, oldest first. */
  live<K extends HandleKind>(kind: K): HandleRef<K>[] {
    return [...this.#liveOf(kind)].map(([id, e]) => ({ kind, owner: this.owner, id, name: e.name }));
  }

  /** A handle this registry issued, freed and then forgot (every id below the next was issued). */
  #forgotten(ref: unknown): boolean {
    return isHandleRef(ref) && ref.owner === this.owner && Number.isInteger(ref.id) && ref.id > 0 && ref.id < this.#nextId
      && !this.#entries.has(ref.id);
  }

  #liveOf(kind: HandleKind): Map<number, Entry> {
    let live = this.#live.get(kind);
    if (!live) this.#live.set(kind, (live = new Map()));
    return live;
  }

  #entry(ref: unknown, kind: HandleKind, mustBeAlive = true): Entry {
    if (!isHandleRef(ref)) {
      throw new HandleError('not-a-handle', `expected a ${kind} handle, got ${describe(ref)}`);
    }
    if (ref.owner !== this.owner) {
      throw new HandleError('foreign', `${ref.name} belongs to another sandbox (${ref.owner}), not this one (${this.owner})`);
    }
    if (this.#forgotten(ref)) {
      throw new HandleError('disposed', `${ref.name} (${kind}) was freed long ago: using it would be a use after free`);
    }
    const entry = this.#entries.get(ref.id);
    if (!entry || entry.kind !== ref.kind || entry.name !== ref.name) {
      throw new HandleError('not-a-handle', `${ref.name} is not a handle this sandbox issued`);
    }
    if (entry.kind !== kind) {
      throw new HandleError('wrong-kind', `${ref.name} is a ${entry.kind} handle, but a ${kind} is needed here`);
    }
    if (mustBeAlive && !entry.alive) {
      throw new HandleError('disposed', `${ref.name} (${kind}) was already freed: using it would be a use after free`);
    }
    return entry;
  }
}

function isHandleRef(value: unknown): value is HandleRef {
  const v = value as Partial<HandleRef> | null;
  return typeof v === 'object' && v !== null && typeof v.kind === 'string' && typeof v.owner === 'string'
    && typeof v.id === 'number' && typeof v.name === 'string';
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an object without handle fields (${Object.keys(value).slice(0, 4).join(', ') || 'empty'})`;
  return `a ${typeof value}`;
}
