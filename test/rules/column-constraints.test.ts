import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/column-constraints.js';
import { csvText, runRule } from '../fixtures.js';
import { parseConfig } from '../../src/config/load.js';

const HEADER = ['id', 'age', 'code', 'sex', 'label'];
const ROWS: (string | number)[][] = [
  ['a1', 30, 'X-001', 1, 0],
  ['a2', 41.5, 'X-002', 2, 1],
  ['a3', 'unknown', 'X-003', 1, 0],
  ['a3', 25, 'Y3', 3, 1],
  ['a5', '', 'X-005', 2, 0],
  ['a6', 52, 'X-006', 1, 1],
];

async function findingsFor(columns: unknown) {
  const config = parseConfig({ columns }, 'test.ts');
  return runRule(rule, csvText(HEADER, ROWS), undefined, {}, { constraints: config.columns });
}

test('each broken constraint is one finding with exactly the rows that break it', async () => {
  const findings = await findingsFor({
    id: { unique: true, pattern: 'a\\d' },
    age: { kind: 'numeric', integer: true, required: true },
    code: { pattern: /^X-\d{3}$/ },
    sex: { allowed: [1, 2] },
  });
  const by = (column: string, constraint: string) => findings.find((f) => f.column === column && f.evidence.constraint === constraint);
  assert.deepEqual(by('id', 'unique')?.rows, [2, 3]);
  assert.equal(by('id', 'pattern'), undefined, 'every id matches the whole pattern');
  assert.deepEqual(by('age', 'kind')?.rows, [2]);
  assert.deepEqual(by('age', 'kind')?.evidence.examples, ['unknown']);
  assert.deepEqual(by('age', 'integer')?.rows, [1]);
  assert.deepEqual(by('age', 'required')?.rows, [4]);
  assert.deepEqual(by('code', 'pattern')?.rows, [3]);
  assert.deepEqual(by('sex', 'allowed')?.rows, [3]);
  assert.equal(by('sex', 'allowed')?.severity, 'high', 'a value declared impossible is high');
  assert.equal(by('age', 'required')?.severity, 'medium');
  assert.equal(findings.length, 6);
});

test('a check function and a configured severity; quiet when every constraint holds', async () => {
  const findings = await findingsFor({ sex: { check: (v: unknown) => typeof v === 'number' && v <= 2, severity: 'low' } });
  assert.equal(findings.length, 1);
  assert.deepEqual(findings[0].rows, [3], 'the function sees the number and says no to 3');
  assert.equal(findings[0].severity, 'low');
  assert.deepEqual(await findingsFor({ sex: { allowed: [1, 2, 3], integer: true }, code: { pattern: '[XY].*' }, label: { required: true } }), []);
});
