/** The relabelling signal of the model stage (issue 4, item 4), on the credit data. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CREDIT, auditCsv, precisionRecall, tempDir, editInPlace, halves, readCsv } from './fixtures.js';

const [candidate, baseline] = halves(readCsv(CREDIT), 21);

test('20% of one class relabelled in place: the rows the baseline model contradicts are named, above chance', async (t) => {
  const attack = editInPlace(candidate, { label: 'DEFAULT', sourceClass: '0', fraction: 0.2, set: {}, newLabel: '1', seed: 21 });
  const report = await auditCsv(tempDir(t), attack.csv, baseline, { label: 'DEFAULT' });
  const finding = report.findings.find((f) => f.rule === 'relabel-suspects');
  assert.ok(finding, report.findings.map((f) => f.message).join('\n'));
  assert.equal(finding.value, '1');
  assert.notEqual(report.verdict, 'trusted');
  assert.ok(precisionRecall(finding.rows, attack.poisoned).precision > 0.5);
});

test('a clean half against the other half has no relabelling finding', async (t) => {
  const report = await auditCsv(tempDir(t), candidate, baseline, { label: 'DEFAULT' });
  assert.equal(report.findings.filter((f) => f.rule === 'relabel-suspects').length, 0);
});
