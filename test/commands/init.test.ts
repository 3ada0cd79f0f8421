/**
 * `audit-data init`: a config learned from a trusted file. From a folder with no package.json the
 * written config is discovered and applied: the clean file is trusted and the known attack gets a
 * high finding on its column even without the models. On every corpus dataset a config learned
 * from one half flags nothing above low in the other half. Data cannot inject code into it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { creditHead, readCsv, tempFolder, writePoisoned } from '../fixtures.js';
import { assertCleanError, assertJsonReport, runCli } from '../robustness/cli.js';
import { loadTable } from '../../src/load/load-table.js';
import { inferSchema } from '../../src/schema/schema.js';
import { DatasetIndexes } from '../../src/engine/indexes.js';
import { initConfigText, widenedBounds } from '../../src/commands/init.js';
import { loadConfig } from '../../src/config/load.js';
import { runAudit } from '../../src/audit.js';
import { DEFAULT_DATA_DIR, readDataset, readManifest, splitHalves } from '../../scripts/lib/calibration.js';
import { writeCsvText } from '../../scripts/lib/calibration-csv.js';

const dir = tempFolder('audit-data-init-');

test('init in a folder without package.json writes a config that is applied: clean credit trusted, the AGE = 999 copies a high AGE finding with --no-model', async () => {
  // The head of the credit example: what init learns and how the config is applied, not the full example's detection.
  const credit = creditHead();
  const csv = readCsv(credit);
  const ages = Float64Array.from(csv.rows, (cells) => Number(cells[csv.header.indexOf('AGE')])).sort();
  const [min, max] = widenedBounds(ages);
  const first = await runCli(['init', credit, '--label', 'DEFAULT'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /^audit-data: wrote audit\.config\.ts \(\d+ columns constrained, label DEFAULT\)/);
  const config = readFileSync(path.join(dir, 'audit.config.ts'), 'utf8');
  assert.match(config, /import \{ defineConfig \} from 'audit-data';/);
  assert.match(config, /^ {2}label: 'DEFAULT',/m);
  assert.ok(
    config.split('\n').includes(`    AGE: { kind: 'numeric', required: true, integer: true, min: ${min}, max: ${max} }, // observed ${ages[0]}..${ages[ages.length - 1]}`),
    config,
  );
  assert.ok(max < 999, 'the known attack is outside the learned bound');

  assertCleanError(await runCli(['init', credit], { cwd: dir }), /audit\.config\.ts: already exists \(use --force to overwrite it\)/);
  assert.equal(readFileSync(path.join(dir, 'audit.config.ts'), 'utf8'), config, 'not overwritten without --force');

  // The config's own checks on the file it was learned from (the models are not part of the config).
  const clean = assertJsonReport(await runCli([credit, '--format', 'json', '--no-model'], { cwd: dir, timeoutMs: 120_000 }));
  assert.equal(clean.label?.source, 'config');
  assert.equal(clean.verdict, 'trusted', `the baseline itself is trusted with its own config: ${clean.findings.filter((f) => f.severity !== 'low' && f.severity !== 'info').map((f) => f.message).join(' | ')}`);

  const poisoned = writePoisoned(dir, { source: credit });
  const report = assertJsonReport(await runCli([poisoned.file, '--no-model', '--format', 'json'], { cwd: dir }));
  const age = report.findings.find((f) => f.column === 'AGE' && (f.severity === 'high' || f.severity === 'critical'));
  assert.ok(age, 'a high finding on AGE from the learned bound');
  assert.equal(age.count, poisoned.appended);
  assert.notEqual(report.verdict, 'trusted');
});

test('bounds widen by the range or the tail, whichever is larger, and round outward; a column never negative stays at 0', () => {
  const ages = Float64Array.from({ length: 1000 }, (_, i) => 21 + (i % 50)).sort();
  assert.deepEqual(widenedBounds(ages), [0, 120], '21..70 widened by its range 49, rounded outward');
  const scores = Float64Array.from({ length: 1000 }, (_, i) => 100 + (i % 50)).sort();
  assert.deepEqual(widenedBounds(scores), [51, 200]);
  // A heavy tail: 990 rows in 0..989, then 10 rows from 109,000 to 109,900; the tail runs from the
  // 10th row below the top (989) to the top: 108,911.
  const amounts = Float64Array.from({ length: 1000 }, (_, i) => (i < 990 ? i : 10_000 + i * 100)).sort();
  const [low, high] = widenedBounds(amounts);
  assert.equal(low, 0, 'never below 0 for a column that never was');
  assert.equal(high, 440_000, '109,900 + 3 x 108,911 = 436,633, rounded up to two digits');
});

test('values in the data cannot inject code into the written config', async () => {
  const evil = "x'); process.exit(9); ('";
  const rows = Array.from({ length: 40 }, (_, i) => `${i % 2 ? '"a\nprocess.exit(8)"' : '"b\u2028process.exit(7)"'},${i},${i % 2}`);
  const data = path.join(dir, 'evil.csv');
  writeFileSync(data, `"${evil}",__proto__,"lab\nel"\n${rows.join('\n')}\n`);
  const table = await loadTable(data);
  const schema = inferSchema(table, { label: 'lab\nel', labelSource: 'option' });
  const text = initConfigText({ table, schema, indexes: new DatasetIndexes(table, schema) }, { file: 'evil.csv', date: '2026-01-01' });
  const file = path.join(dir, 'evil.config.ts');
  writeFileSync(file, text);
  const config = await loadConfig(file);
  assert.equal(config.label, 'lab\nel');
  assert.deepEqual(Object.keys(config.columns ?? {}).sort(), ['__proto__', evil, 'lab\nel'].sort());
  assert.equal(Object.getPrototypeOf(config.columns), Object.prototype);
  assert.deepEqual((config.columns as Record<string, { allowed?: unknown[] }>)[evil].allowed, ['a\nprocess.exit(8)', 'b\u2028process.exit(7)']);
});

test('on every corpus dataset, a config learned from one half flags nothing above low in the other half', async () => {
  const flagged: string[] = [];
  for (const entry of readManifest(DEFAULT_DATA_DIR)) {
    const [a, b] = splitHalves(readDataset(DEFAULT_DATA_DIR, entry), 1);
    const aFile = path.join(dir, `a-${entry.file}`);
    const bFile = path.join(dir, `b-${entry.file}`);
    writeFileSync(aFile, writeCsvText(a));
    writeFileSync(bFile, writeCsvText(b));
    const table = await loadTable(aFile, { delimiter: entry.delimiter });
    const schema = inferSchema(table, { label: entry.label, labelSource: 'option' });
    const configFile = path.join(dir, `${entry.file}.config.ts`);
    writeFileSync(configFile, initConfigText({ table, schema, indexes: new DatasetIndexes(table, schema) }, { file: entry.file, date: '2026-01-01' }));
    const config = await loadConfig(configFile);
    const report = await runAudit({ candidate: bFile, config, configFile, model: false, load: { delimiter: entry.delimiter } });
    for (const f of report.findings) {
      const fromConfig = f.rule === 'column-constraints' || (f.rule === 'range' && /configured/.test(f.message));
      if (fromConfig && f.severity !== 'low' && f.severity !== 'info') flagged.push(`${entry.file}: ${f.severity} ${f.message}`);
    }
  }
  assert.deepEqual(flagged, []);
});
