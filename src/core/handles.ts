import { HandleError } from './errors.js';
import type { Ptr } from './pointers.js';

/** The C object kinds a handle can stand for. */
export type HandleKind = 'SSL_CTX' | 'SSL_SESSION' | 'osb_conn';

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
  alive: boolean;
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
  #nextId = 1;

  constructor(private readonly rememberFreed = 100_000) {}

  issue<K extends HandleKind>(kind: K, ptr: Ptr<K>, prefix: string): HandleRef<K> {
    const n = (this.#counters.get(prefix) ?? 0) + 1;
    this.#counters.set(prefix, n);
    const ref = { kind, owner: this.owner, id: this.#nextId++, name: `${prefix}_${n}` };
    const entry = { kind, ptr, name: ref.name, alive: true };
    this.#entries.set(ref.id, entry);
    this.#liveOf(kind).set(ref.id, entry);
    return ref;
  }

  /** The pointer behind `ref`, after checking that it is a live handle of this sandbox and of `kind`. */
  pointer<K extends HandleKind>(ref: unknown, kind: K): Ptr<K> {
    return this.#entry(ref, kind).ptr as Ptr<K>;
  }

  /** Whether a handle of this sandbox and of `kind` is still alive (a freed one is not an error here). */
  isAlive(ref: unknown, kind: HandleKind): boolean {
    return !this.#forgotten(ref) && this.#entry(ref, kind, false).alive;
  }

  /** Marks the handle dead and returns its pointer, so the caller frees the C object exactly once. */
  release<K extends HandleKind>(ref: unknown, kind: K): Ptr<K> {
    const entry = this.#entry(ref, kind);
    const { id } = ref as HandleRef;
    entry.alive = false;
    this.#liveOf(kind).delete(id);
    this.#freed.push(id);
    if (this.#freed.length > this.rememberFreed) {
      for (const old of this.#freed.splice(0, Math.ceil(this.rememberFreed / 10))) this.#entries.delete(old);
    }
    return entry.ptr as Ptr<K>;
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
