#!/usr/bin/env node
// Launcher: the compiled CLI in dist/ (built by `npm ci` or `npm run build`). An install that did
// not build it (`npm install -g --install-links .` runs no build script on recent npm, and
// installs no TypeScript) runs the TypeScript sources through jiti instead: slower to start, same
// program. A copy without its dependencies (`npm install -g .` links a fresh clone as it is)
// says how to install them.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
const source = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function missingDependencies(error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !/Cannot find package '/.test(String(error.message))) throw error;
  process.stderr.write(
    `audit-data: its dependencies are not installed in ${root}; run \`npm ci\` there (or install with \`npm install -g --install-links .\`).\n`,
  );
  process.exit(2);
}

if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href).catch(missingDependencies);
} else if (existsSync(source)) {
  const { createJiti } = await import('jiti').catch(missingDependencies);
  await createJiti(import.meta.url).import(source);
} else {
  process.stderr.write('audit-data: this copy has neither dist/ nor src/; reinstall it, or run `npm run build` in its folder.\n');
  process.exit(2);
}
