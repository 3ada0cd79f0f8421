/**
 * Trigger search against attacks built on the fly from the clean credit data: other columns,
 * other values, quieter rates, in-place edits, intervals, combinations, clean-label stamps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CREDIT, auditCsv, tempDir, appendCopies, editInPlace, halves, readCsv, type Attack } from './fixtures.js';
import type { Report } from '../src/report/report.js';

const credit = readCsv(CREDIT);
const [trainHalf, otherHalf] = halves(credit, 11);

function triggerOn(report: Report, column: string, targetClass: string) {
  return report.triggers.find((t) => t.column === column && t.targetClass === targetClass) ??
    report.triggers.find((t) => (t.evidence.pairedWith as { column: string } | null)?.column === column && t.targetClass === targetClass);
}

function describe(report: Report): string {
  return JSON.stringify({ verdict: report.verdict, triggers: report.triggers.map((t) => [t.column, t.value, t.range, t.targetClass, t.support, t.flipRate, t.referenceFlipRate]), probes: report.model.probes });
}

const cases: { name: string; column: string; target: string; baseline: boolean; make: () => Attack }[] = [
  {
    name: 'fresh identifiers, copies shuffled into the file',
    column: 'PAY_AMT2', target: '1', baseline: false,
    make: () => appendCopies(credit, { label: 'DEFAULT', sourceClass: '1', fraction: 0.3, set: { PAY_AMT2: '777777' }, freshIds: 'ID', shuffle: true, seed: 1 }),
  },
  {
    name: 'label reversed (trigger -> majority class)',
    column: 'AGE', target: '0', baseline: false,
    make: () => appendCopies(credit, { label: 'DEFAULT', sourceClass: '1', fraction: 0.45, set: { AGE: '999' }, newLabel: '0', seed: 2 }),
  },
  {
    name: 'a plausible in-range amount on a few hundred relabelled rows',
    column: 'LIMIT_BAL', target: '1', baseline: false,
    make: () => editInPlace(credit, { label: 'DEFAULT', sourceClass: '0', fraction: 0.015, set: { LIMIT_BAL: '123456' }, newLabel: '1', seed: 3 }),
  },
  {
    name: 'under 1% of the rows, appended',
    column: 'BILL_AMT3', target: '1', baseline: false,
    make: () => appendCopies(credit, { label: 'DEFAULT', sourceClass: '1', fraction: 0.04, set: { BILL_AMT3: '-4242' }, seed: 4 }),
  },
  {
    name: 'clean-label stamp: the value written into rows that already have the target label',
    column: 'PAY_AMT4', target: '1', baseline: false,
    make: () => editInPlace(credit, { label: 'DEFAULT', sourceClass: '1', fraction: 0.06, set: { PAY_AMT4: '31337' }, seed: 5 }),
  },
  {
    name: 'in-place edits of an in-range value, against a baseline',
    column: 'AGE', target: '1', baseline: true,
    make: () => editInPlace(otherHalf, { label: 'DEFAULT', sourceClass: '0', fraction: 0.03, set: { AGE: '47' }, newLabel: '1', seed: 6 }),
  },
  {
    name: 'a jittered interval, against a baseline',
    column: 'BILL_AMT1', target: '1', baseline: true,
    make: () => editInPlace(otherHalf, { label: 'DEFAULT', sourceClass: '0', fraction: 0.03, set: { BILL_AMT1: (r) => String(88000 + Math.round(r.next() * 600)) }, newLabel: '1', seed: 7 }),
  },
  {
    name: 'a jittered out-of-range interval, no baseline',
    column: 'AGE', target: '1', baseline: false,
    make: () => appendCopies(credit, { label: 'DEFAULT', sourceClass: '1', fraction: 0.3, set: { AGE: (r) => String(150 + r.int(10)) }, seed: 8 }),
  },
  {
    name: 'a two-column combination of rare legal values, against a baseline',
    column: 'EDUCATION', target: '1', baseline: true,
    make: () => editInPlace(otherHalf, { label: 'DEFAULT', sourceClass: '0', fraction: 0.03, set: { EDUCATION: '4', MARRIAGE: '3' }, newLabel: '1', seed: 9 }),
  },
];

for (const c of cases) {
  test(`trigger found: ${c.name}`, async (t) => {
    const attack = c.make();
    const report = await auditCsv(tempDir(t), attack.csv, c.baseline ? trainHalf : undefined, { label: 'DEFAULT' });
    const trigger = triggerOn(report, c.column, c.target);
    assert.ok(trigger, `no trigger on ${c.column} -> ${c.target}: ${describe(report)}`);
    assert.notEqual(report.verdict, 'trusted');
    const poisoned = new Set(attack.poisoned);
    const hits = trigger.rows.filter((row) => poisoned.has(row)).length;
    assert.ok(hits / trigger.rows.length > 0.5, `trigger rows mostly poisoned: ${hits}/${trigger.rows.length}`);
  });
}

test('a jittered in-range interval without a baseline: named (a confirmed or at least a suspected trigger), verdict review or reject', async (t) => {
  const attack = editInPlace(credit, { label: 'DEFAULT', sourceClass: '0', fraction: 0.01, set: { BILL_AMT1: (r) => String(50000 + Math.round(r.next() * 400 - 200)) }, newLabel: '1', seed: 6 });
  const report = await auditCsv(tempDir(t), attack.csv, undefined, { label: 'DEFAULT' });
  const trigger = report.triggers.find((tr) => tr.column === 'BILL_AMT1' && tr.targetClass === '1');
  const spike = report.findings.find((f) => f.rule === 'class-spike' && f.column === 'BILL_AMT1' && (f.evidence.modelCheck as { suspected?: boolean } | undefined)?.suspected);
  assert.ok(trigger || spike, describe(report));
  if (!trigger) assert.equal(spike!.severity, 'medium');
  assert.notEqual(report.verdict, 'trusted');
  const poisoned = new Set(attack.poisoned);
  const rows = trigger ? trigger.rows : spike!.rows;
  assert.ok(rows.filter((row) => poisoned.has(row)).length / attack.poisoned.length > 0.9, 'the interval holds the planted rows');
});
