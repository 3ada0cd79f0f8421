// planted-rows (src/engine/planted-rows.ts): an impossible value on copies of real rows is
// rejected whatever the label, including a label only guessed from the data's shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CREDIT, appendCopies, auditCsv, editInPlace, readCsv, tempDir, type Csv } from './fixtures.js';

const credit = readCsv(CREDIT);
/** The first 6,000 rows of the credit data, so that the audits stay fast. */
const sample: Csv = { header: credit.header, rows: credit.rows.slice(0, 6000) };
const AGE_999 = { label: 'DEFAULT', sourceClass: '1', fraction: 0.1, set: { AGE: '999' }, seed: 3 };

test('copies with an impossible value, label guessed: reject on planted rows, the copies listed, no trigger named', async (t) => {
  const attack = appendCopies(sample, AGE_999);
  const report = await auditCsv(tempDir(t), attack.csv);
  assert.equal(report.label?.guessed, true);
  assert.equal(report.verdict, 'reject');
  assert.deepEqual(report.triggers, []);
  const planted = report.findings.find((f) => f.rule === 'planted-rows');
  assert.ok(planted, report.findings.map((f) => `${f.severity} ${f.rule}`).join(', '));
  assert.equal(planted.severity, 'critical');
  assert.equal(planted.column, 'AGE');
  assert.equal(planted.value, 999);
  assert.deepEqual(planted.rows, attack.poisoned);
  assert.match(planted.message, /100% of them have DEFAULT = 1/);
  assert.deepEqual(report.suspiciousRows, attack.poisoned);
});

test('the same file with --label: the confirmed trigger stands for the rows, no second critical finding', async (t) => {
  const attack = appendCopies(sample, AGE_999);
  const report = await auditCsv(tempDir(t), attack.csv, undefined, { label: 'DEFAULT' });
  assert.equal(report.verdict, 'reject');
  assert.ok(report.triggers.some((tr) => tr.column === 'AGE' && tr.value === 999));
  assert.equal(report.findings.filter((f) => f.rule === 'planted-rows').length, 0);
});

test('an impossible value written in place (no copies) is not planted-rows; nor are copies with a plausible value', async (t) => {
  const dir = tempDir(t);
  const inPlace = editInPlace(sample, { ...AGE_999, newLabel: undefined });
  const edited = await auditCsv(dir, inPlace.csv, undefined, { model: false });
  assert.ok(edited.findings.some((f) => f.rule === 'range' && f.column === 'AGE'), 'the range rule still reports the value');
  assert.equal(edited.findings.filter((f) => f.rule === 'planted-rows').length, 0);
  const plausible = appendCopies(sample, { ...AGE_999, set: { AGE: '47' } });
  const copies = await auditCsv(dir, plausible.csv, undefined, { model: false });
  assert.equal(copies.findings.filter((f) => f.rule === 'planted-rows').length, 0);
});

test('planted-rows needs no model, and the config can set its severity or turn it off', async (t) => {
  const dir = tempDir(t);
  const attack = appendCopies(sample, AGE_999);
  const noModel = await auditCsv(dir, attack.csv, undefined, { model: false });
  assert.equal(noModel.findings.find((f) => f.rule === 'planted-rows')?.severity, 'critical');
  const high = await auditCsv(dir, attack.csv, undefined, { model: false, config: { rules: { 'planted-rows': { severity: 'high' } } } });
  assert.equal(high.findings.find((f) => f.rule === 'planted-rows')?.severity, 'high');
  const off = await auditCsv(dir, attack.csv, undefined, { model: false, config: { rules: { 'planted-rows': { severity: 'off' } } } });
  assert.equal(off.findings.filter((f) => f.rule === 'planted-rows').length, 0);
});
