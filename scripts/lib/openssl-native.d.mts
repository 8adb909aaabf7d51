// Types of openssl-native.mjs, for the TypeScript code that runs programs natively.
export function nativeCompiler(): string | undefined;
export function buildNativeOpenSSL(variant: unknown, build?: 'platform' | 'same-code' | 'reference'): Promise<{ cc: string; include: string; libs: string[] }>;
