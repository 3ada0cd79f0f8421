// Runs on `npm ci` / `npm install` in this folder and on `npm install -g .`: builds dist/ when
// TypeScript is installed (a development install), then links the bin for `npx audit-data`.
// A global install from a clone has no devDependencies; it builds with the TypeScript compiler
// when one can be found and otherwise leaves dist/ as it is (bin/ explains what to run).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  tsc = null;
}
if (tsc) {
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
await import('./link-bin.mjs');
