/**
 * `audit-data diff OLD.json NEW.json` (issue 12 item 6): findings matched by rule, column and
 * value, never row numbers; new, grown, gone, shrunk and unchanged; exit 1 only when the new
 * report is worse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { creditHead, tempFolder, writePoisoned } from '../fixtures.js';
import { runAudit } from '../../src/audit.js';
import { renderJson } from '../../src/render/json.js';
import { diffReports, fingerprint } from '../../src/report/diff.js';
import { runCli } from '../robustness/cli.js';
import type { Report } from '../../src/report/report.js';

const dir = tempFolder('audit-data-diff-');

test('clean then poisoned: the AGE = 999 findings are new, exit 1; the reverse: they are gone, exit 0; the same report: nothing changed', async () => {
  // The head of the credit example: matching findings between reports, not the full file's detection.
  const credit = creditHead();
  const clean = await runAudit({ candidate: credit, label: 'DEFAULT', model: false });
  const poisoned = await runAudit({ candidate: writePoisoned(dir, { source: credit }).file, label: 'DEFAULT', model: false });
  const files = { clean: path.join(dir, 'clean.json'), poisoned: path.join(dir, 'poisoned.json') };
  writeFileSync(files.clean, renderJson(clean));
  writeFileSync(files.poisoned, renderJson(poisoned));

  const worse = diffReports(clean, poisoned);
  assert.ok(worse.added.some((e) => e.rule === 'range' && e.column === 'AGE' && e.value === 999 && e.severity === 'high'));
  assert.equal(worse.sameContent, false);
  const forward = await runCli(['diff', files.clean, files.poisoned], { env: { COLUMNS: '80' } });
  assert.equal(forward.code, 1, forward.stderr);
  assert.match(forward.stdout, /^Verdict trusted -> reject, trust score \d+ -> \d+\./);
  assert.match(forward.stdout, /\nNew\n {2}CRITICAL planted-rows · AGE = 999 · \d+ rows\n[\s\S]*\n {2}HIGH range · AGE = 999 · \d+ rows\n/);
  assert.ok(forward.stdout.split('\n').every((line) => line.length <= 80));

  const back = await runCli(['diff', files.poisoned, files.clean, '--format', 'json']);
  assert.equal(back.code, 0);
  const reverse = JSON.parse(back.stdout) as { removed: { rule: string; column: string }[]; added: { severity: string }[] };
  assert.ok(reverse.removed.some((e) => e.rule === 'range' && e.column === 'AGE'));

  const same = diffReports(poisoned, poisoned);
  assert.equal(same.sameContent, true);
  assert.deepEqual([same.added.length, same.removed.length, same.grown.length, same.shrunk.length], [0, 0, 0, 0]);
});

test('a finding is matched by rule, column and value whatever its rows; more rows or a higher severity is grown', () => {
  const finding = { rule: 'range', column: 'AGE', value: 999, severity: 'medium' as const, message: 'm', count: 10, rows: [1, 2], evidence: {} };
  const report = (findings: Report['findings']) => ({ candidate: { sha256: 'a' }, verdict: 'review', trustScore: 80, findings }) as unknown as Report;
  const moved = diffReports(report([finding]), report([{ ...finding, rows: [100, 200] }]));
  assert.equal(moved.unchanged.length, 1, 'other row numbers, same finding');
  const grown = diffReports(report([finding]), report([{ ...finding, severity: 'high' }]));
  assert.deepEqual(grown.grown.map((e) => e.before), [{ severity: 'medium', count: 10 }]);
  const bigger = diffReports(report([finding]), report([{ ...finding, count: 11 }]));
  assert.equal(bigger.grown.length, 1);
  const smaller = diffReports(report([finding]), report([{ ...finding, severity: 'low' }]));
  assert.equal(smaller.shrunk.length, 1);
  assert.notEqual(fingerprint(finding), fingerprint({ ...finding, value: '999' }), 'a number and a text are different values');
});
