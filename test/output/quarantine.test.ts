// --quarantine and --emit-clean: exactly the suspicious rows, exactly the rest, inert cells, safe writes.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { cleanBytes, quarantineCsv, rowReasons, writeClean, writeQuarantine } from '../../src/output/quarantine.js';
import { readRecordFields } from '../../src/load/raw-records.js';
import { loadTable } from '../../src/load/load-table.js';
import { InputError } from '../../src/errors.js';
import { audit, hostileReport, HOSTILE_COLUMN, HOSTILE_VALUE, PIPE_COLUMN } from '../render/helpers.js';
import { creditHead, tempFolder, writePoisoned } from '../fixtures.js';

const folder = tempFolder('audit-data-output-');

/** Minimal RFC 4180 reader for our own output (comma, LF, quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  assert.equal(cell, '', 'ends with a line end');
  return rows;
}

const poisoned = (() => {
  let cached: Promise<Awaited<ReturnType<typeof load>>> | null = null;
  async function load() {
    // The known attack on the head of the credit example: the outputs, not the full file's detection.
    const source = creditHead();
    const made = { ...writePoisoned(folder, { source }), source };
    const { report } = await audit(made.file);
    return { ...made, report };
  }
  return () => (cached ??= load());
})();

test('--quarantine on the poisoned copy writes exactly report.suspiciousRows, with reasons and the original fields', async () => {
  const { file, report, appended, originalRows } = await poisoned();
  assert.equal(report.suspiciousRows.length, appended);
  const target = path.join(folder, 'quarantine.csv');
  await writeQuarantine(report, target, {}, { force: false, forbidden: [file] });
  const rows = parseCsv(readFileSync(target, 'utf8'));
  const header = readFileSync(file, 'utf8').split('\n')[0].replace(/\r$/, '').split(',');
  assert.deepEqual(rows[0], ['row', 'reasons', ...header]);
  const data = rows.slice(1);
  assert.deepEqual(
    data.map((r) => Number(r[0])),
    report.suspiciousRows,
  );
  assert.ok(data.every((r) => Number(r[0]) >= originalRows), 'only appended rows');
  const original = await readRecordFields(file, {}, new Set(report.suspiciousRows));
  for (const r of data) {
    assert.deepEqual(r.slice(2), original.get(Number(r[0])));
    assert.equal(r[2 + header.indexOf('AGE')], '999');
    const reasons = r[1].split(';');
    assert.ok(reasons.length >= 2 && reasons.every((x) => /^[a-z][a-z0-9-]*$/.test(x)), r[1]);
    assert.ok(reasons.includes('near-duplicates'));
  }
});

test('--emit-clean on the poisoned copy is the original file, record for record', async () => {
  const { file, report, source } = await poisoned();
  const target = path.join(folder, 'clean.csv');
  await writeClean(report, target, {}, { force: false, forbidden: [file] });
  const clean = readFileSync(target);
  // Independently: the header and the lines whose row number is not suspicious.
  const lines = readFileSync(file, 'utf8').split('\n');
  const suspicious = new Set(report.suspiciousRows);
  const kept = [lines[0], ...lines.slice(1, -1).filter((_, row) => !suspicious.has(row))];
  assert.equal(clean.toString('utf8'), kept.join('\n') + '\n');
  // Which is the original file (plus the line end its last record gained in the copy).
  const original = readFileSync(source, 'utf8');
  assert.equal(clean.toString('utf8'), original.endsWith('\n') ? original : original + '\n');
  const table = await loadTable(target);
  assert.equal(table.rowCount, report.candidate.rows - report.suspiciousRows.length);
});

test('--emit-clean keeps CRLF, quoting and BOM byte for byte; .gz targets are compressed', async () => {
  const text = '\uFEFFid,"note, quoted",label\r\n1,"two\r\nlines",0\r\n2,plain,1\r\n3,"say ""hi""",0\r\n4,last,1';
  const file = path.join(folder, 'messy.csv');
  writeFileSync(file, text);
  const { report } = await audit(file);
  report.suspiciousRows = [1, 3];
  const expected = '\uFEFFid,"note, quoted",label\r\n1,"two\r\nlines",0\r\n3,"say ""hi""",0\r\n';
  for (const chunkSize of [undefined, 1, 5]) assert.equal((await cleanBytes(report, { chunkSize })).toString('utf8'), expected);
  const gz = path.join(folder, 'messy.clean.csv.gz');
  await writeClean(report, gz, {}, { forbidden: [file] });
  assert.equal(gunzipSync(readFileSync(gz)).toString('utf8'), expected);
  const q = parseCsv(await quarantineCsv(report));
  assert.deepEqual(q, [
    ['row', 'reasons', 'id', 'note, quoted', 'label'],
    ['1', '', '2', 'plain', '1'],
    ['3', '', '4', 'last', '1'],
  ]);
});

test('hostile cells are neutralised in the quarantine file; plain numbers are not', async () => {
  const { report, file } = await hostileReport(folder);
  const text = await quarantineCsv(report);
  const rows = parseCsv(text);
  assert.deepEqual(rows[0].slice(0, 4), ['row', 'reasons', 'id', HOSTILE_COLUMN]);
  assert.equal(rows[0][4], PIPE_COLUMN);
  const hostileAt = rows[0].indexOf(HOSTILE_COLUMN);
  assert.ok(rows.length > 1);
  for (const r of rows.slice(1)) {
    assert.equal(r[hostileAt], `'${HOSTILE_VALUE}`);
    assert.ok(r[1].split(';').includes('backdoor-trigger'));
    for (const cell of r) {
      const risky = /^[=+\-@\t\r]/.test(cell);
      assert.ok(!risky || /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell), `cell ${JSON.stringify(cell)} left live`);
    }
  }
  assert.ok(text.includes('"\'=HYPERLINK(""x"")"'));
  // A row with '-cmd|x' keeps its text behind the quote.
  const withCmd = rowReasons(report);
  assert.ok(withCmd.size >= report.suspiciousRows.length);
  const all = { ...report, suspiciousRows: Array.from({ length: report.candidate.rows }, (_, i) => i) };
  const everything = parseCsv(await quarantineCsv(all));
  assert.ok(everything.some((r) => r[4] === "'-cmd|x"));
  assert.ok(everything.every((r, i) => i === 0 || /^\d+$/.test(r[5])), 'numbers stay numbers');
  assert.ok(existsSync(file));
});

test('writes are guarded: never over an input, an existing file only with force', async () => {
  const { file, report } = await poisoned();
  await assert.rejects(writeQuarantine(report, file, {}, { force: true, forbidden: [file] }), InputError);
  await assert.rejects(writeClean(report, file, {}, { force: true, forbidden: [file] }), /refusing to overwrite an input/);
  const target = path.join(folder, 'exists.csv');
  writeFileSync(target, 'keep me');
  await assert.rejects(writeQuarantine(report, target, {}, { force: false, forbidden: [file] }), /already exists/);
  assert.equal(readFileSync(target, 'utf8'), 'keep me');
  await writeQuarantine(report, target, {}, { force: true, forbidden: [file] });
  assert.notEqual(readFileSync(target, 'utf8'), 'keep me');
});

test('a candidate that changed since the audit is an error, not a wrong file', async () => {
  const { file, report } = await poisoned();
  const copy = path.join(folder, 'changed.csv');
  copyFileSync(file, copy);
  writeFileSync(copy, readFileSync(copy, 'utf8').split('\n').slice(0, 100).join('\n') + '\n');
  const changed = { ...report, candidate: { ...report.candidate, path: copy } };
  await assert.rejects(quarantineCsv(changed), /changed during the audit/);
  await assert.rejects(cleanBytes(changed), /changed during the audit/);
  // A new delivery of the same length: every row number still exists, the bytes are not the audited ones.
  const lines = readFileSync(file, 'utf8').split('\n');
  const swapped = [lines[0], ...lines.slice(1, -1).reverse(), ''].join('\n');
  writeFileSync(copy, swapped);
  await assert.rejects(quarantineCsv(changed), /changed during the audit \(its bytes are not the ones audited\); the quarantine file was not written/);
  await assert.rejects(cleanBytes(changed), /the clean file was not written/);
});
