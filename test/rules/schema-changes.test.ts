import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/schema-changes.js';
import type { Finding } from '../../src/engine/finding.js';
import type { Column } from '../../src/table/table.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAudit } from '../../src/audit.js';
import { plantCase } from '../../scripts/lib/calibration.js';
import { ROOT, datasetOf, numericColumn as numeric, runRuleOn, textColumn as text } from '../fixtures.js';
import { Random } from '../../src/util/random.js';

const dataset = datasetOf;

/** Candidate and baseline schemas as the audit builds them: the baseline uses the candidate's label name. */
function run(candidateColumns: Column[], baselineColumns: Column[]): Finding[] {
  const candidate = dataset(candidateColumns);
  const label = candidate.schema.label?.name;
  const baseline = dataset(baselineColumns, label && baselineColumns.some((c) => c.name === label) ? { label } : {});
  return runRuleOn(rule, candidate, baseline).findings;
}

interface Columns {
  id: Column;
  age: Column;
  income: Column;
  city: Column;
  grade: Column;
  label: Column;
}

/** A clean sample: every value of the small columns appears many times in any sample. */
function sample(seed: number, rows = 1000): Columns {
  const random = new Random(seed);
  const pick = <T>(values: T[]): T[] => Array.from({ length: rows }, () => values[random.int(values.length)]);
  return {
    id: text('record_id', Array.from({ length: rows }, (_, i) => `r${seed}-${i}`)),
    age: numeric('age', Array.from({ length: rows }, () => 20 + random.int(50))),
    income: numeric('income', Array.from({ length: rows }, () => 1000 * (20 + random.int(80)))),
    city: text('city', pick(['Lyon', 'Porto', 'Oslo', 'Graz'])),
    grade: numeric('grade', pick([1, 2, 3, 4])),
    label: text('label', pick(['good', 'bad'])),
  };
}

function ordered(c: Columns): Column[] {
  return [c.id, c.age, c.income, c.city, c.grade, c.label];
}

function renamed(column: Column, name: string): Column {
  return { ...column, name };
}

function only(findings: Finding[], column: string): Finding {
  const found = findings.filter((f) => f.column === column);
  assert.equal(found.length, 1, `one finding on ${column}: ${JSON.stringify(findings.map((f) => f.message))}`);
  return found[0];
}

test('quiet: two clean samples with the same columns', () => {
  assert.deepEqual(run(ordered(sample(1)), ordered(sample(2))), []);
});

test('a removed feature is medium, a removed identifier low', () => {
  const c = sample(3);
  const findings = run([c.age, c.city, c.grade, c.label], ordered(sample(4)));
  assert.equal(only(findings, 'income').severity, 'medium');
  assert.match(only(findings, 'income').message, /Feature income .* missing from the candidate: a model trained on the baseline uses it/);
  assert.equal(only(findings, 'record_id').severity, 'low');
});

test('a missing label is high and says which column the audit took instead', () => {
  const c = sample(5);
  const findings = run([c.id, c.age, c.income, c.city, c.grade], ordered(sample(6)));
  const label = only(findings, 'label');
  assert.equal(label.severity, 'high');
  assert.match(label.message, /The baseline's label column label is missing from the candidate: the audit took grade as the candidate's label instead/);
});

test('a renamed column is found row by row on the same rows, and by distribution on other rows', () => {
  const base = sample(7);
  const sameRows = run([base.id, base.age, renamed(base.income, 'salary'), base.city, base.grade, base.label], ordered(base));
  const byRows = only(sameRows, 'salary');
  assert.equal(byRows.severity, 'medium');
  assert.equal(byRows.evidence.previousName, 'income');
  assert.match(byRows.message, /Column income of the baseline appears to be renamed salary \(100\.0% of rows hold the same values\)/);

  const c = sample(8);
  const otherRows = run([c.id, c.age, renamed(c.income, 'salary'), c.city, c.grade, c.label], ordered(base));
  const byDistribution = only(otherRows, 'salary');
  assert.equal(byDistribution.evidence.previousName, 'income');
  assert.match(byDistribution.message, /same distribution/);
  assert.ok(otherRows.every((f) => f.column !== 'income'), 'not also reported as removed');
});

test('an added column is low, and a new column with other data is not taken for a rename', () => {
  const c = sample(9);
  const random = new Random(10);
  const score = numeric('score', Array.from({ length: 1000 }, () => random.next()));
  const findings = run([...ordered(c), score], ordered(sample(11)));
  const added = only(findings, 'score');
  assert.equal(added.severity, 'low');
  assert.match(added.message, /New column score \(numeric, 1000 distinct values\) is not in the baseline/);

  const replaced = run([c.id, c.age, score, c.city, c.grade, c.label], ordered(sample(12)));
  assert.equal(only(replaced, 'income').severity, 'medium');
  assert.equal(only(replaced, 'score').evidence.change, 'added');
});

test('reordered columns are low and list the columns that moved', () => {
  const c = sample(13);
  const findings = run([c.id, c.city, c.age, c.income, c.grade, c.label], ordered(sample(14)));
  assert.equal(findings.length, 1);
  assert.equal(findings[0].severity, 'low');
  assert.deepEqual(findings[0].evidence.moved, ['city']);
  assert.match(findings[0].message, /city \(position 4 -> 2\)/);
});

test('numbers that became text list the cells that are not numbers', () => {
  const c = sample(15);
  const income = c.income as { values: Float64Array };
  const cells = Array.from(income.values, (value, row) => (row % 10 === 0 ? 'n/a yet' : row % 25 === 1 ? '12,000' : String(value)));
  const findings = run([c.id, c.age, text('income', cells), c.city, c.grade, c.label], ordered(sample(16)));
  const finding = only(findings, 'income');
  assert.equal(finding.severity, 'medium');
  assert.equal(finding.value, 'n/a yet');
  assert.match(finding.message, /income held numbers in the baseline and holds text in the candidate: 140 cells are not numbers, e\.g\. 'n\/a yet' \(100\), '12,000' \(40\)/);
  assert.equal(finding.rows.length, 140);
});

test('new values of a category and of a numeric code are reported with their counts', () => {
  const c = sample(17);
  const cities = (c.city as { codes: Uint32Array; dictionary: readonly string[] }).codes;
  const dictionary = (c.city as { dictionary: readonly string[] }).dictionary;
  const city = text('city', Array.from(cities, (code, row) => (row < 80 ? 'Atlantis' : row < 83 ? 'Mu' : dictionary[code])));
  const grades = Array.from((c.grade as { values: Float64Array }).values, (value, row) => (row % 50 === 0 ? 9 : value));
  const findings = run([c.id, c.age, c.income, city, numeric('grade', grades), c.label], ordered(sample(18)));
  const newCity = only(findings, 'city');
  assert.equal(newCity.severity, 'medium');
  assert.equal(newCity.value, 'Atlantis');
  assert.match(newCity.message, /city has 2 values the baseline never had, in 83 rows \(8\.3%\): 'Atlantis' \(80\), 'Mu' \(3\)/);
  assert.deepEqual(newCity.rows, Array.from({ length: 83 }, (_, i) => i));
  const newGrade = only(findings, 'grade');
  assert.equal(newGrade.severity, 'low');
  assert.match(newGrade.message, /grade has 1 value the baseline never had, in 20 rows \(2\.0%\): 9 \(20\)/);
});

test('a single new value is info: chance explains it', () => {
  const c = sample(19);
  const grades = Array.from((c.grade as { values: Float64Array }).values, (value, row) => (row === 5 ? 7 : value));
  const finding = only(run([c.id, c.age, c.income, c.city, numeric('grade', grades), c.label], ordered(sample(20))), 'grade');
  assert.equal(finding.severity, 'info');
});

test('a column never missing in the baseline that now is, and whole numbers that became fractions', () => {
  const c = sample(21);
  const ages = Array.from((c.age as { values: Float64Array }).values, (value, row) => (row % 10 === 3 ? NaN : row % 3 === 0 ? value / 1000 : value));
  const findings = run([c.id, numeric('age', ages), c.income, c.city, c.grade, c.label], ordered(sample(22)));
  const ageFindings = findings.filter((f) => f.column === 'age');
  const missing = ageFindings.find((f) => f.evidence.change === 'missing');
  assert.ok(missing);
  assert.equal(missing.severity, 'medium');
  assert.equal(missing.count, 100);
  assert.match(missing.message, /age was never missing in the baseline; 100 candidate cells \(10\.0%\) are/);
  const fractions = ageFindings.find((f) => f.evidence.change === 'fractions');
  assert.ok(fractions);
  assert.equal(fractions.severity, 'medium');
  assert.match(fractions.message, /age held only whole numbers in the baseline; 300 candidate rows \(33\.3%\) hold fractions/);
});

test('text cells of a numeric column are not new missing cells (non-numeric-cells reports them)', () => {
  const c = sample(23);
  const values = Float64Array.from((c.age as { values: Float64Array }).values);
  for (const row of [4, 40, 400]) values[row] = NaN;
  const age: Column = {
    kind: 'numeric',
    name: 'age',
    values,
    missingCount: 3,
    nonNumeric: { rows: Uint32Array.from([4, 40, 400]), codes: Uint32Array.from([0, 0, 0]), tokens: ['unknown'] },
  };
  const findings = run([c.id, age, c.income, c.city, c.grade, c.label], ordered(sample(24)));
  assert.deepEqual(findings.filter((f) => f.column === 'age').map((f) => f.message), []);
});

test('no new values of free text or of timestamps: every sample has new messages, a later file later dates', () => {
  const random = new Random(33);
  const words = ['call', 'me', 'later', 'the', 'meeting', 'is', 'at', 'noon', 'see', 'you', 'soon', 'ok', 'thanks', 'win', 'a', 'prize'];
  const n = 2000;
  const notes = Array.from({ length: n }, () => Array.from({ length: 3 + random.int(10) }, () => words[random.int(words.length)]).join(' '));
  const stamps = Array.from({ length: n }, (_, i) => new Date(Date.UTC(2021, 0, 1) + i * 3600_000).toISOString());
  const labels = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'bad' : 'good'));
  const part = (from: number): Column[] => [
    text('note', notes.slice(from, from + n / 2)),
    text('when', stamps.slice(from, from + n / 2)),
    text('label', labels.slice(from, from + n / 2)),
  ];
  const findings = run(part(n / 2), part(0));
  assert.deepEqual(findings.map((f) => f.message), []);
});

test('corpus: a category the baseline never had, written in place into one class, is handed to the model checks and named as a trigger', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-new-value-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const planted = plantCase(path.join(ROOT, 'examples/data/realworld'), 'house-votes-84', 'inplace-edit', 0.05, dir);
  assert.ok(!('skip' in planted), 'the file takes the in-place attack');
  const { attack, candidate, baseline } = planted;
  const report = await runAudit({ candidate, baseline, label: 'Class' });
  const [column] = attack.trigger!.columns;
  const finding = report.findings.find((f) => f.rule === 'schema-changes' && f.column === column);
  assert.ok(finding, 'the new value is reported');
  const trigger = report.triggers.find((tr) => tr.column === column && String(tr.value) === attack.trigger!.values[0]);
  assert.ok(trigger, JSON.stringify(report.model).slice(0, 600));
  assert.equal(trigger.targetClass, attack.targetClass);
  assert.notEqual(report.verdict, 'trusted');
});
