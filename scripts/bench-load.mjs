// Loader throughput: replicates the data rows of a CSV (default: the credit-card data) into a
// synthetic file of at least --mb megabytes, then loads it in fresh Node processes (one per
// run, each loading it --loads times) and prints MB/s (first load, cold, and best) and the
// peak RSS of a loading process.
// Run: node --import tsx scripts/bench-load.mjs [source.csv] [--mb 32] [--runs 3] [--loads 3]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1];
};

if (args[0] === '--child') {
  const { loadTable } = await import('../src/load/load-table.ts');
  const [file, loads] = [args[1], Number(args[2])];
  const seconds = [];
  for (let k = 0; k < loads; k++) {
    const start = process.hrtime.bigint();
    await loadTable(file);
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  process.stdout.write(JSON.stringify({ seconds, maxRssKb: process.resourceUsage().maxRSS }));
  process.exit(0);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const source = args.find((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--')) ??
  path.join(here, '../examples/data/default_credit_card.csv');
const targetBytes = Number(option('--mb', 32)) * 1e6;
const runs = Number(option('--runs', 3));
const loads = Number(option('--loads', 3));

const text = readFileSync(source, 'utf8').replace(/\r?\n$/, '');
const newline = text.indexOf('\n');
const body = text.slice(newline + 1);
const copies = Math.ceil(targetBytes / Buffer.byteLength(body));
const folder = mkdtempSync(path.join(tmpdir(), 'bench-load-'));
const file = path.join(folder, 'synthetic.csv');
writeFileSync(file, `${text.slice(0, newline)}\n${Array.from({ length: copies }, () => body).join('\n')}\n`);
const megabytes = statSync(file).size / 1e6;

try {
  const results = [];
  for (let run = 0; run < runs; run++) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file, String(loads)], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(child.stderr);
    results.push(JSON.parse(child.stdout));
  }
  const rates = results.flatMap((result) => result.seconds.map((s) => megabytes / s));
  const cold = results.map((result) => megabytes / result.seconds[0]);
  const peakRss = Math.max(...results.map((result) => result.maxRssKb)) / 1024;
  console.log(
    `${path.basename(source)} x${copies}: ${megabytes.toFixed(1)} MB; ` +
      `first load ${Math.min(...cold).toFixed(0)}-${Math.max(...cold).toFixed(0)} MB/s, ` +
      `best ${Math.max(...rates).toFixed(0)} MB/s, median ${median(rates).toFixed(0)} MB/s; ` +
      `peak RSS of a loading process ${peakRss.toFixed(0)} MB (${loads} loads each)`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
