// Histogram data: which columns, which axis, spike bars of their own, classes and baseline aligned.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { buildHistogramData, niceStep, type ColumnHistogram } from '../../src/report/histograms.js';
import { formatShort as shortNumber } from '../../src/format.js';
import type { Report, Trigger } from '../../src/report/report.js';
import { runAudit } from '../../src/audit.js';
import { audit, dataset } from './helpers.js';
import { creditHead, tempFolder, writePoisoned } from '../fixtures.js';

const folder = tempFolder();
/** The head of the credit example: the histogram data of a realistic file, not the full file's detection. */
const credit = creditHead();

function total(column: ColumnHistogram, file: 'candidate' | 'baseline' = 'candidate'): number {
  return column.classes.reduce((sum, s) => sum + (s[file] ?? []).reduce((a, b) => a + b, 0), 0);
}

function countAt(column: ColumnHistogram, label: string, className: string | null, file: 'candidate' | 'baseline' = 'candidate'): number {
  const bar = column.bars.findIndex((b) => b.label === label);
  assert.ok(bar >= 0, `a bar ${label} in ${column.bars.map((b) => b.label).join(' ')}`);
  const series = column.classes.find((s) => s.className === className);
  assert.ok(series, `class ${className}`);
  return series[file]![bar];
}

function trigger(column: string, value: string | number | null, range: [number, number] | null = null): Trigger {
  return { column, value, range, targetClass: '1', support: 0, purity: 1, flipRate: 1, referenceFlipRate: 0, rows: [], evidence: {} };
}

test('poisoned credit: AGE first, one bar per value, 999 its own bar in class 1 only', async () => {
  const { file, appended, originalRows } = writePoisoned(folder, { source: credit });
  const { data } = await audit(file);
  const age = data.columns[0];
  assert.equal(age.column, 'AGE');
  assert.equal(age.axis, 'categorical');
  assert.equal(data.label, 'DEFAULT');
  const spikes = age.bars.filter((b) => b.spike);
  assert.deepEqual(spikes.map((b) => b.label), ['999']);
  assert.equal(countAt(age, '999', '1'), appended);
  assert.equal(countAt(age, '999', '0'), 0);
  assert.equal(total(age), originalRows + appended);
  assert.ok(age.bars.at(-1)!.gapBefore, 'the jump from the last age to 999 is marked');
  assert.equal(age.classes.every((s) => s.baseline === null), true);
});

test('with the clean file as baseline: the bars line up and only 999 differs', async () => {
  const { file, appended } = writePoisoned(folder, { source: credit });
  const { data } = await audit(file, credit);
  const age = data.columns.find((c) => c.column === 'AGE')!;
  assert.equal(countAt(age, '999', '1', 'baseline'), 0);
  const zero = age.classes.find((s) => s.className === '0')!;
  assert.deepEqual(zero.candidate, zero.baseline, 'class 0 is untouched');
  const one = age.classes.find((s) => s.className === '1')!;
  const diff = one.candidate.map((n, i) => n - one.baseline![i]);
  assert.equal(diff.reduce((a, b) => a + b, 0), appended);
  assert.equal(diff[age.bars.findIndex((b) => b.label === '999')], appended);
});

test('a spike in a column of many values: bins, plus the value as its own bar', async () => {
  const { file, appended, originalRows } = writePoisoned(folder, { source: credit, column: 'BILL_AMT1', value: '123457', share: 0.3 });
  const { report } = await audit(file);
  const candidate = await dataset(file);
  report.triggers = [trigger('BILL_AMT1', 123457)];
  const data = buildHistogramData(candidate, null, report);
  const bill = data.columns[0];
  assert.equal(bill.column, 'BILL_AMT1');
  assert.equal(bill.axis, 'binned');
  assert.ok(bill.bars.length <= 40, `${bill.bars.length} bars`);
  assert.equal(countAt(bill, '123457', '1'), appended);
  assert.equal(total(bill), originalRows + appended, 'every row in exactly one bar');
  const at = bill.bars.findIndex((b) => b.label === '123457');
  assert.match(bill.bars[at - 1].label, /^\[120000, 1[34]0000\)$/, 'placed after the bin that holds it');
  assert.deepEqual(bill.reasons, ['trigger 123457 → 1', ...new Set(report.findings.filter((f) => f.column === 'BILL_AMT1' && (f.severity === 'high' || f.severity === 'critical')).map((f) => `${f.rule} (${f.severity})`))]);
});

test('text columns: top values, the spike, one "other" bar, a missing bar; no label: one series', async () => {
  const lines = ['code,amount'];
  for (let i = 0; i < 600; i++) lines.push(`c${i % 150},${i % 7 === 0 ? '' : i}`);
  for (let i = 0; i < 40; i++) lines.push(`ZZZ,${i}`);
  lines.push(',5');
  const file = path.join(folder, 'text.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const report = await runAudit({ candidate: file, model: false });
  report.findings = [];
  report.triggers = [trigger('code', 'ZZZ'), trigger('amount', null, [100, 200])];
  const candidate = await dataset(file);
  const data = buildHistogramData(candidate, null, report);
  const [code, amount] = data.columns;
  assert.equal(data.label, null);
  assert.equal(code.classes.length, 1);
  assert.equal(code.classes[0].className, null);
  assert.equal(countAt(code, 'ZZZ', null), 40);
  assert.equal(code.bars[0].label, 'ZZZ', 'most frequent first');
  assert.equal(countAt(code, '(other 120 values)', null), 120 * 4);
  assert.equal(countAt(code, '(missing)', null), 1);
  assert.equal(total(code), 641);
  // A trigger range is one bar of its own.
  assert.equal(amount.axis, 'binned');
  const range = amount.bars.find((b) => b.kind === 'range')!;
  assert.equal(range.label, '100..200');
  assert.equal(range.spike, true);
  const expected = lines.slice(1).filter((l) => {
    const v = l.split(',')[1];
    return v !== '' && Number(v) >= 100 && Number(v) <= 200;
  }).length;
  assert.equal(countAt(amount, '100..200', null), expected);
  assert.equal(countAt(amount, '(missing)', null), 86);
  assert.equal(total(amount), 641);
});

test('columns not in the file are skipped; at most 12 columns', async () => {
  const { file } = writePoisoned(folder, { source: credit });
  const report: Report = (await audit(file)).report;
  const names = ['nope', 'LIMIT_BAL', 'SEX', 'EDUCATION', 'MARRIAGE', 'PAY_0', 'PAY_2', 'PAY_3', 'PAY_4', 'PAY_5', 'PAY_6', 'BILL_AMT1', 'BILL_AMT2', 'BILL_AMT3'];
  report.triggers = names.map((n) => trigger(n, 1));
  const data = buildHistogramData(await dataset(file), null, report);
  assert.equal(data.columns.length, 12);
  assert.equal(data.columns[0].column, 'LIMIT_BAL');
  assert.deepEqual(data.omitted, ['BILL_AMT3', 'AGE']);
});

test('nice steps and short numbers', () => {
  assert.equal(niceStep(13), 20);
  assert.equal(niceStep(0.23), 0.25);
  assert.equal(niceStep(4.9), 5);
  assert.equal(shortNumber(123457), '123k');
  assert.equal(shortNumber(1500000), '1.5M');
  assert.equal(shortNumber(999), '999');
  assert.equal(shortNumber(-20000), '-20k');
});
