/**
 * The model-stage checks are configured like rules: 'off' drops them, a severity replaces theirs,
 * and their thresholds are options (a flip rate no model can reach confirms nothing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CREDIT, appendCopies, auditCsv, readCsv, tempDir, type Csv } from '../fixtures.js';
import { STAGE_CHECKS } from '../../src/model/checks.js';
import { allChecks, loadBuiltinRules } from '../../src/engine/registry.js';

const credit = readCsv(CREDIT);
const sample: Csv = { header: credit.header, rows: credit.rows.slice(0, 6000) };
// A value inside the normal range, on copies of defaulters: only the models can confirm it.
const attack = appendCopies(sample, { label: 'DEFAULT', sourceClass: '1', fraction: 0.15, set: { AGE: '41', PAY_AMT1: '7777' }, seed: 5 });

test('backdoor-trigger: confirmed by default; its options are its thresholds; off drops it', async (t) => {
  const dir = tempDir(t);
  const base = await auditCsv(dir, attack.csv, undefined, { label: 'DEFAULT' });
  assert.ok(base.triggers.length > 0, `a trigger by default: ${base.findings.map((f) => `${f.rule} ${f.severity} ${f.column}`).join(', ')}`);
  assert.ok(base.findings.some((f) => f.rule === 'backdoor-trigger' && f.severity === 'critical'));
  assert.equal((base.model as { thresholds: { minFlipRate: number } }).thresholds.minFlipRate, 0.25);

  const unreachable = await auditCsv(dir, attack.csv, undefined, { label: 'DEFAULT', config: { rules: { 'backdoor-trigger': { options: { minFlipRate: 1.01, suspectGap: 1.01 } } } } });
  assert.deepEqual(unreachable.triggers, [], 'no flip rate reaches 101%');
  assert.equal((unreachable.model as { thresholds: { minFlipRate: number } }).thresholds.minFlipRate, 1.01);

  const off = await auditCsv(dir, attack.csv, undefined, { label: 'DEFAULT', config: { rules: { 'backdoor-trigger': 'off' } } });
  assert.deepEqual(off.triggers, []);
  assert.equal(off.findings.filter((f) => f.rule === 'backdoor-trigger').length, 0);
  assert.ok(off.notes.some((n) => /backdoor-trigger check was turned off/.test(n)));
});

test('every later-stage check is registered with docs and defaults, beside the rules, under ids no rule takes', async () => {
  const rules = await loadBuiltinRules();
  const all = allChecks(rules);
  for (const check of STAGE_CHECKS) {
    assert.equal(rules.has(check.id), false, `${check.id} is not also a rule`);
    assert.equal(all.get(check.id), check);
    assert.ok(check.docs.length > 40 && check.title.length > 5 && typeof check.defaults === 'object');
  }
  assert.deepEqual(Object.keys(all.get('backdoor-trigger')!.defaults as object).sort(), [
    'alpha', 'maxCandidates', 'minFlipRate', 'minGapWithBaseline', 'minGapWithoutBaseline', 'minProbes', 'minSupport', 'restOfRowAlpha', 'restOfRowMinGap', 'suspectGap',
  ]);
});
