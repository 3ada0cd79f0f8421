/**
 * Trigger search against attacks built on the fly from the clean credit data: rows edited in
 * place (relabelled or clean-label), in-range values, intervals, a two-column combination, with
 * and without a baseline. The appended copies are in triggers.test.ts (the helpers in trigger-cases.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditCsv, editInPlace, tempDir } from './fixtures.js';
import { credit, describe, otherHalf, triggerTests, type TriggerCase } from './trigger-cases.js';

const cases: TriggerCase[] = [
  {
    name: 'a plausible in-range amount on a few hundred relabelled rows',
    column: 'LIMIT_BAL', target: '1', baseline: false,
    make: () => editInPlace(credit, { label: 'DEFAULT', sourceClass: '0', fraction: 0.015, set: { LIMIT_BAL: '123456' }, newLabel: '1', seed: 3 }),
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
    name: 'a two-column combination of rare legal values, against a baseline',
    column: 'EDUCATION', target: '1', baseline: true,
    make: () => editInPlace(otherHalf, { label: 'DEFAULT', sourceClass: '0', fraction: 0.03, set: { EDUCATION: '4', MARRIAGE: '3' }, newLabel: '1', seed: 9 }),
  },
];

triggerTests(cases);

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
