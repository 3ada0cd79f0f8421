// Loader throughput: replicates the rows of a CSV (default: the credit-card data) into a
// synthetic file of at least --mb megabytes, loads it, and prints MB/s and peak RSS.
// Run: node --import tsx scripts/bench-load.mjs [source.csv] [--mb 32] [--runs 3]
import { mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTable } from '../src/load/load-table.ts';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const source = args.find((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--')) ??
  '../shared/data/default_credit_card.csv';
const targetBytes = option('--mb', 32) * 1e6;
const runs = option('--runs', 3);

const text = readFileSync(source, 'utf8').replace(/\r?\n$/, '');
const newline = text.indexOf('\n');
const header = text.slice(0, newline);
const body = text.slice(newline + 1);
const copies = Math.ceil(targetBytes / Buffer.byteLength(body));
const folder = mkdtempSync(path.join(tmpdir(), 'bench-load-'));
const file = path.join(folder, 'synthetic.csv');
writeFileSync(file, `${header}\n${Array.from({ length: copies }, () => body).join('\n')}\n`);
const bytes = statSync(file).size;

try {
  const rates = [];
  let rows = 0;
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    const table = await loadTable(file);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rows = table.rowCount;
    rates.push(bytes / 1e6 / seconds);
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `${path.basename(source)} x${copies}: ${(bytes / 1e6).toFixed(1)} MB, ${rows} rows; ` +
      `MB/s per run: ${rates.map((r) => r.toFixed(0)).join(', ')} (best ${Math.max(...rates).toFixed(0)}); ` +
      `peak RSS ${peakRssMb.toFixed(0)} MB`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
