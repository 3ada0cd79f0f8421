/**
 * Loads code the user wrote (audit.config.*, rule modules) the same way from any folder: with or
 * without a package.json, as .ts, .mts, .js or .mjs, through jiti. `import ... from 'audit-data'`
 * in such a file resolves to this running copy of audit-data (the authoring API in define.ts), so
 * a config or rule works without audit-data installed next to it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';

export const USER_CODE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const;

/** The authoring API as this copy runs it: compiled in dist/, TypeScript under tsx in tests. */
function authoringModule(): string {
  const compiled = fileURLToPath(new URL('../define.js', import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL('../define.ts', import.meta.url));
}

let loader: ReturnType<typeof createJiti> | undefined;

/** The module's default export (`export default ...`, or `module.exports = ...` in CommonJS). */
export async function importDefault(file: string): Promise<unknown> {
  loader ??= createJiti(import.meta.url, {
    alias: { 'audit-data': authoringModule() },
    // No cache written next to the user's code or in node_modules: configs are small and read once.
    fsCache: false,
    moduleCache: false,
    interopDefault: true,
  });
  return loader.import(path.resolve(file), { default: true });
}
