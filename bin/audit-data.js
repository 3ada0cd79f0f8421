#!/usr/bin/env node
// Launcher: the compiled CLI in dist/ (built by `npm ci` or `npm run build`). An install that did
// not build it (`npm install -g .` runs no build scripts on recent npm, and installs no TypeScript)
// runs the TypeScript sources through jiti instead: slower to start, same program.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
const source = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else if (existsSync(source)) {
  const { createJiti } = await import('jiti');
  await createJiti(import.meta.url).import(source);
} else {
  process.stderr.write('audit-data: this copy has neither dist/ nor src/; reinstall it, or run `npm run build` in its folder.\n');
  process.exit(2);
}
