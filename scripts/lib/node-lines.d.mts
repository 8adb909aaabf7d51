// Types of node-lines.mjs, for the package test.
export const NODE_LINES: string[];
export function nodeOfLine(major: string): string | undefined;
export function ensureNodeLines(): Promise<void>;
