// `npm ci` does not link a package's own bin into its node_modules/.bin; do it so that
// `npx audit-data` and node_modules/.bin/audit-data work straight after install in this folder.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const binDir = path.join(root, 'node_modules', '.bin');
const link = path.join(binDir, 'audit-data');
mkdirSync(binDir, { recursive: true });
rmSync(link, { force: true });
symlinkSync(path.relative(binDir, path.join(root, 'bin', 'audit-data.js')), link);
