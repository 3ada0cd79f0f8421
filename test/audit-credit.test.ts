/** The credit example end to end (issue 2 and 3 must-shows), through the real pipeline. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ABOVE_LOW, CREDIT, auditCsv, precisionRecall, tempDir, readCsv, knownAttack, halves } from './fixtures.js';
import { runAudit } from '../src/audit.js';

const credit = readCsv(CREDIT);

test('the clean credit data is trusted, with no finding above low and no trigger', async () => {
  const report = await runAudit({ candidate: CREDIT, label: 'DEFAULT' });
  assert.equal(report.verdict, 'trusted');
  assert.deepEqual(report.findings.filter((f) => ABOVE_LOW.has(f.severity)).map((f) => f.message), []);
  assert.equal(report.triggers.length, 0);
  assert.equal(report.label?.column, 'DEFAULT');
  assert.equal(report.candidate.rows, 30000);
});

test('the known poisoned copy is rejected and its trigger, copies and rows are named', async (t) => {
  const attack = knownAttack(credit, 'DEFAULT', '1', 'AGE', '999');
  const report = await auditCsv(tempDir(t), attack.csv, undefined, { label: 'DEFAULT' });
  assert.equal(report.verdict, 'reject');
  for (const rule of ['class-spike', 'near-duplicates']) {
    const finding = report.findings.find((f) => f.rule === rule && f.column === 'AGE' && f.value === 999);
    assert.ok(finding, `${rule} names AGE = 999`);
    assert.equal(finding.evidence.targetClass, '1');
  }
  assert.equal(report.triggers.length, 1);
  const [trigger] = report.triggers;
  assert.deepEqual([trigger.column, trigger.value, trigger.targetClass], ['AGE', 999, '1']);
  assert.ok(trigger.flipRate - trigger.referenceFlipRate > 0.5, `flip ${trigger.flipRate} vs ${trigger.referenceFlipRate}`);
  const { precision, recall } = precisionRecall(report.suspiciousRows, attack.poisoned);
  assert.ok(precision > 0.95 && recall > 0.95, `precision ${precision}, recall ${recall}`);
  assert.ok(trigger.rows.every((row) => report.suspiciousRows.includes(row)));
});

test('the poisoned copy against the clean file as baseline: one trigger, the baseline model as reference', async (t) => {
  const attack = knownAttack(credit, 'DEFAULT', '1', 'AGE', '999');
  const report = await auditCsv(tempDir(t), attack.csv, credit, { label: 'DEFAULT' });
  assert.equal(report.verdict, 'reject');
  assert.equal(report.triggers.length, 1);
  assert.deepEqual([report.triggers[0].column, report.triggers[0].value, report.triggers[0].targetClass], ['AGE', 999, '1']);
  assert.equal(report.triggers[0].evidence.reference, 'baseline');
  const comparison = report.model.comparison as { name: string; accuracy: number }[];
  assert.deepEqual(comparison.map((m) => m.name), ['baseline', 'candidate']);
  assert.ok(Math.abs(comparison[0].accuracy - comparison[1].accuracy) < 0.03, 'accuracy alone hides the backdoor');
});

test('a random half of the clean data against the other half is trusted', async (t) => {
  const [a, b] = halves(credit, 7);
  const report = await auditCsv(tempDir(t), a, b, { label: 'DEFAULT' });
  assert.equal(report.verdict, 'trusted', report.findings.filter((f) => ABOVE_LOW.has(f.severity)).map((f) => f.message).join('\n'));
  assert.equal(report.triggers.length, 0);
});
