// Vite's import.meta.glob, as the lesson page uses it (the project does not load vite/client types).
export {};
declare global {
  interface ImportMeta {
    glob<T = unknown>(pattern: string, options: { eager: true; import: 'default' }): Record<string, T>;
  }
}
