import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/label-shift.js';
import type { Dataset } from '../../src/engine/dataset.js';
import type { Column } from '../../src/table/table.js';
import { CREDIT, csvText, datasetOf, editInPlace, halves, numericColumn as numeric, readCsv, runRule, runRuleOn, textColumn as text, type Csv } from '../fixtures.js';
import { Random } from '../../src/util/random.js';

function dataset(columns: Column[]): Dataset {
  return datasetOf(columns, { label: 'outcome' });
}

function run(candidate: Dataset, baseline: Dataset) {
  return runRuleOn(rule, candidate, baseline).findings;
}

interface Row {
  /** 'no' or 'yes'. */
  outcome: string;
  /** Higher for 'yes' rows: the feature that gives a relabelled row away. */
  score: number;
  /** Independent of the class. */
  region: string;
  noise: number;
}

/** Rows with P(yes) = 0.25; `edit` may change a row after it is drawn. */
function table(seed: number, rows: number, edit?: (row: Row, random: Random) => void): Dataset {
  const random = new Random(seed);
  const drawn: Row[] = [];
  for (let i = 0; i < rows; i++) {
    const yes = random.next() < 0.25;
    const row: Row = {
      outcome: yes ? 'yes' : 'no',
      score: Math.round((yes ? 60 : 40) + 10 * (random.next() + random.next() + random.next() - 1.5) * 2),
      region: ['north', 'south', 'east', 'west'][random.int(4)],
      noise: Math.round(random.next() * 1000),
    };
    edit?.(row, random);
    drawn.push(row);
  }
  return dataset([
    numeric('score', drawn.map((r) => r.score)),
    text('region', drawn.map((r) => r.region)),
    numeric('noise', drawn.map((r) => r.noise)),
    text('outcome', drawn.map((r) => r.outcome)),
  ]);
}

test('fires: 20% of one class relabelled in place is medium, naming the class and the size of the shift', () => {
  const baseline = table(1, 4000);
  const candidate = table(2, 4000, (row, random) => {
    if (row.outcome === 'no' && random.next() < 0.2) row.outcome = 'yes';
  });
  const findings = run(candidate, baseline);
  const balance = findings.find((f) => f.column === 'outcome');
  assert.ok(balance, 'a class-balance finding');
  assert.equal(balance.severity, 'medium');
  assert.equal(balance.value, 'yes');
  assert.match(balance.message, /outcome = yes went from 2\d\.\d% to 4\d\.\d% of rows \(\+1\d\.\d points\)/);
  assert.match(balance.message, /outcome = no went from 7\d\.\d% to 5\d\.\d% of rows \(-1\d\.\d points\)/);
  const points = balance.evidence.shiftPoints as number;
  assert.ok(points > 12 && points < 18, `${points} points`);

  // The relabelled rows keep the features of their old class: 'yes' drifts on score, 'no' does not.
  const conditional = findings.find((f) => f.column === 'score');
  assert.ok(conditional, 'a label-conditional finding');
  assert.equal(conditional.evidence.class, 'yes');
  assert.match(conditional.message, /In rows labelled outcome = yes, score drifted/);
  assert.ok(findings.every((f) => f.column !== 'region' && f.column !== 'noise'));
});

test('fires: a rare class that doubled is reported although it moved only a few points', () => {
  const rare = (seed: number, share: number): Dataset => {
    const random = new Random(seed);
    const labels = Array.from({ length: 6000 }, () => (random.next() < share ? 'fraud' : 'ok'));
    return dataset([numeric('noise', labels.map(() => random.int(100))), text('outcome', labels)]);
  };
  const [finding] = run(rare(3, 0.04), rare(4, 0.02));
  assert.ok(finding);
  assert.equal(finding.value, 'fraud');
  assert.equal(finding.severity, 'medium');
});

test('fires: a feature drifting in one class only names the column and the class', () => {
  const baseline = table(5, 4000);
  const candidate = table(6, 4000, (row) => {
    if (row.outcome === 'no' && row.region === 'north') row.region = 'south';
  });
  const findings = run(candidate, baseline);
  assert.equal(findings.length, 1);
  const [finding] = findings;
  assert.equal(finding.column, 'region');
  assert.equal(finding.evidence.class, 'no');
  assert.equal(finding.value, 'north');
  assert.match(finding.message, /In rows labelled outcome = no, region drifted .* region = 'north' went from 2\d\.\d% to 0\.0% of the class's rows/);
});

test('quiet: a drift in every class is not label-conditional', () => {
  const baseline = table(7, 4000);
  const candidate = table(8, 4000, (row) => {
    if (row.region === 'north') row.region = 'south';
  });
  assert.deepEqual(run(candidate, baseline), []);
});

test('quiet: two samples with the same class balance and class-wise features', () => {
  assert.deepEqual(run(table(9, 5000), table(10, 5000)), []);
});

test('quiet: a class balance difference that is significant but under 2 points', () => {
  const balanced = (seed: number, share: number): Dataset => {
    const random = new Random(seed);
    const labels = Array.from({ length: 200000 }, () => (random.next() < share ? 'yes' : 'no'));
    return dataset([numeric('noise', labels.map(() => random.int(100))), text('outcome', labels)]);
  };
  assert.deepEqual(run(balanced(11, 0.51), balanced(12, 0.5)), []);
});

// ---------------------------------------------------------------------------------------------
// Relabelling against a baseline (issue 13): credit halves

function creditHalves(seed: number): [Csv, Csv] {
  return halves(readCsv(CREDIT), seed);
}

async function balanceOf(candidate: Csv, baseline: Csv) {
  const findings = await runRule(rule, csvText(candidate.header, candidate.rows), csvText(baseline.header, baseline.rows), { label: 'DEFAULT' });
  return findings.find((f) => f.column === 'DEFAULT');
}

test('fires medium: 20% of the minority class relabelled in place (22% -> 17.5%) against the other half', async () => {
  const [a, b] = creditHalves(41);
  const { csv } = editInPlace(a, { label: 'DEFAULT', sourceClass: '1', fraction: 0.2, set: {}, newLabel: '0', seed: 41 });
  const balance = await balanceOf(csv, b);
  assert.ok(balance, 'a class-balance finding');
  assert.equal(balance.severity, 'medium');
  assert.equal(balance.value, '0');
});

test('fires medium: as many rows relabelled the other way (22% -> 26.5%)', async () => {
  const [a, b] = creditHalves(42);
  const minority = a.rows.filter((row) => row[a.header.indexOf('DEFAULT')] === '1').length;
  const majority = a.rows.length - minority;
  const { csv } = editInPlace(a, { label: 'DEFAULT', sourceClass: '0', fraction: (0.2 * minority) / majority, set: {}, newLabel: '1', seed: 42 });
  const balance = await balanceOf(csv, b);
  assert.ok(balance, 'a class-balance finding');
  assert.equal(balance.severity, 'medium');
  assert.equal(balance.value, '1');
});

test('quiet: clean random halves have no class-balance finding above low', async () => {
  for (const seed of [43, 44, 45]) {
    const [a, b] = creditHalves(seed);
    const balance = await balanceOf(a, b);
    assert.ok(!balance || balance.severity === 'low' || balance.severity === 'info', balance?.message);
  }
});
