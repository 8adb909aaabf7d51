// Types of util.mjs, for the TypeScript code that uses the build helpers.
export const root: string;
export const cacheDir: string;
export function variantOf(name: string): { name: string; version: string; sha256: string; configure: string[] };
