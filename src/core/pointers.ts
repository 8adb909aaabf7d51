/** A pointer into the WebAssembly heap, branded with the C type it points to. */
export type Ptr<T extends string> = number & { readonly __pointee: T };

/** What the glue needs of an emscripten module instance. */
export interface GlueModule {
  readonly HEAPU8: Uint8Array;
  _malloc(size: number): Ptr<'u8'>;
  _free(ptr: number): void;
  cwrap(name: string, ret: 'number' | 'string' | null, args: ('number' | 'string')[]): (...args: never[]) => unknown;
  UTF8ToString(ptr: number): string;
}

/** The factory an emscripten MODULARIZE build exports. */
export type ModuleFactory = (options: {
  instantiateWasm(
    imports: WebAssembly.Imports,
    receive: (instance: WebAssembly.Instance) => void,
  ): object;
  print?(text: string): void;
  printErr?(text: string): void;
  onAbort?(what: unknown): void;
}) => Promise<GlueModule>;
