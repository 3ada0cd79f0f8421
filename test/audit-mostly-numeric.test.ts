/**
 * One text cell must not switch the numeric checks off (issue 13): the credit data with AGE = 999
 * on about 1% of the rows (copies of DEFAULT = 1 rows, appended) is rejected, and still is when one
 * AGE cell says `unknown`; that cell is a finding of its own on AGE.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CREDIT, appendCopies, auditCsv, readCsv, tempDir } from './fixtures.js';

const credit = readCsv(CREDIT);

function poisoned(): ReturnType<typeof appendCopies> {
  const ones = credit.rows.filter((row) => row[credit.header.indexOf('DEFAULT')] === '1').length;
  return appendCopies(credit, { label: 'DEFAULT', sourceClass: '1', fraction: (0.01 * credit.rows.length) / ones, set: { AGE: '999' }, seed: 13 });
}

test('AGE = 999 on 1% of the rows is rejected', async (t) => {
  const attack = poisoned();
  assert.ok(attack.poisoned.length > 200 && attack.poisoned.length < 400, String(attack.poisoned.length));
  const report = await auditCsv(tempDir(t), attack.csv, undefined, { label: 'DEFAULT' });
  assert.equal(report.verdict, 'reject');
});

test('... and one `unknown` AGE cell changes nothing: still rejected, AGE still numeric, the cell reported', async (t) => {
  const attack = poisoned();
  const age = attack.csv.header.indexOf('AGE');
  const rows = attack.csv.rows.map((row) => row.slice());
  rows[1234][age] = 'unknown';
  const report = await auditCsv(tempDir(t), { header: attack.csv.header, rows }, undefined, { label: 'DEFAULT' });
  assert.equal(report.schema.find((c) => c.name === 'AGE')?.kind, 'numeric');
  assert.equal(report.verdict, 'reject');
  assert.ok(report.findings.some((f) => f.column === 'AGE' && f.value === 999 && f.severity !== 'low' && f.severity !== 'info'));
  const cells = report.findings.find((f) => f.rule === 'non-numeric-cells' && f.column === 'AGE');
  assert.ok(cells, 'a non-numeric-cells finding on AGE');
  assert.deepEqual(cells.rows, [1234]);
  assert.equal(cells.value, 'unknown');
  assert.equal(cells.severity, 'low');
});
