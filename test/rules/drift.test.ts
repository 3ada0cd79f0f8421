import { test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../../rules/drift.js';
import { logChiSquareUpper, logKolmogorovUpper } from '../../src/stats/tails.js';
import { jensenShannonDistance, populationStabilityIndex } from '../../src/stats/two-sample.js';
import type { Dataset } from '../../src/engine/dataset.js';
import type { Column } from '../../src/table/table.js';
import { corpusHalves, datasetFromCsv, datasetOf, numericColumn as numeric, runRuleOn, textColumn as text } from '../fixtures.js';
import { Random } from '../../src/util/random.js';

function dataset(columns: Column[]): Dataset {
  return datasetOf(columns, { label: 'y' });
}

function run(candidate: Dataset, baseline: Dataset | null) {
  return runRuleOn(rule, candidate, baseline);
}

function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

interface TableOptions {
  /** Changes a row's amount / colour (drawing from the same random stream). */
  edit?: (row: { amount: number; colour: string }, random: Random) => void;
  positiveShare?: number;
  idPrefix?: string;
}

/** A table of `rows` rows: an identifier, an amount, a colour and a label. */
function table(seed: number, rows: number, options: TableOptions = {}): Dataset {
  const random = new Random(seed);
  const amounts: number[] = [];
  const colours: string[] = [];
  const labels: number[] = [];
  const ids: string[] = [];
  for (let i = 0; i < rows; i++) {
    const row = { amount: Math.round(1000 + 200 * normal(random)), colour: ['red', 'green', 'blue'][random.int(3)] };
    options.edit?.(row, random);
    amounts.push(row.amount);
    colours.push(row.colour);
    labels.push(random.next() < (options.positiveShare ?? 0.5) ? 1 : 0);
    ids.push(`${options.idPrefix ?? 'id'}-${i}`);
  }
  return dataset([text('id', ids), numeric('amount', amounts), text('colour', colours), numeric('y', labels)]);
}

test('fires: a third of a numeric column divided by 1000 is medium and names the range below the baseline', () => {
  const baseline = table(1, 2000);
  const candidate = table(2, 2000, {
    edit: (row, random) => {
      if (random.next() < 1 / 3) row.amount /= 1000;
    },
  });
  const { findings } = run(candidate, baseline);
  assert.equal(findings.length, 1);
  const [finding] = findings;
  assert.equal(finding.rule, 'drift');
  assert.equal(finding.column, 'amount');
  assert.equal(finding.severity, 'medium');
  assert.match(finding.message, /amount below the baseline's minimum \([\d.]+\.\.[\d.]+\) went from 0\.0% to 3\d\.\d% of rows/);
  assert.equal(finding.evidence.test, 'kolmogorov-smirnov');
  assert.ok((finding.evidence.effect as number) > 0.3);
  assert.ok(finding.rows.length > 500, 'the rows below the baseline minimum are listed');
  const amounts = (candidate.table.columns[1] as { values: Float64Array }).values;
  const divided = finding.rows.filter((row) => amounts[row] < 10).length;
  assert.ok(divided / finding.rows.length > 0.99, 'the listed rows are the divided ones');
});

test('fires: a categorical column whose mix moved names the value that moved most, with before/after shares', () => {
  const baseline = table(3, 1500);
  const candidate = table(4, 1500, {
    edit: (row, random) => {
      if (row.colour !== 'blue' && random.next() < 0.4) row.colour = 'blue';
    },
  });
  const [finding] = run(candidate, baseline).findings;
  assert.ok(finding, 'a finding');
  assert.equal(finding.column, 'colour');
  assert.equal(finding.value, 'blue');
  assert.equal(finding.evidence.test, 'chi-square');
  assert.match(finding.message, /colour = 'blue' went from 3\d\.\d% to [56]\d\.\d% of rows/);
});

test('fires low for a moderate shift', () => {
  const baseline = table(5, 4000);
  const candidate = table(6, 4000, {
    edit: (row) => {
      row.amount += 60; // 0.3 standard deviations: KS D about 0.12
    },
  });
  const [finding] = run(candidate, baseline).findings;
  assert.ok(finding);
  assert.equal(finding.column, 'amount');
  assert.equal(finding.severity, 'low');
});

test('quiet: two samples of the same distribution', () => {
  assert.deepEqual(run(table(7, 3000), table(8, 3000)).findings, []);
});

test('quiet: on a large file a tiny shift is significant but too small to report', () => {
  const baseline = table(9, 40000);
  const candidate = table(10, 40000, {
    edit: (row) => {
      row.amount += 10; // 0.05 standard deviations
    },
  });
  assert.deepEqual(run(candidate, baseline).findings, []);
});

test('quiet: the label and identifiers are not compared', () => {
  const baseline = table(11, 1000);
  const candidate = table(11, 1000, { positiveShare: 0.9, idPrefix: 'other' });
  assert.deepEqual(run(candidate, baseline).findings, []);
});

test('without a baseline the rule reports nothing (skipped)', () => {
  const result = run(table(13, 200), null);
  assert.deepEqual(result.findings, []);
  assert.deepEqual(result.skipped, [{ rule: 'drift', reason: 'no baseline given' }]);
});

test('the shared statistics match their textbook values', () => {
  const close = (actual: number, expected: number, tolerance: number): void =>
    assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`);
  close(Math.exp(logKolmogorovUpper(1)), 0.27, 0.001);
  close(Math.exp(logKolmogorovUpper(1.36)), 0.0495, 0.0005);
  close(logKolmogorovUpper(10), Math.LN2 - 200, 1e-9); // far tail, in logs
  close(Math.exp(logChiSquareUpper(3.841, 1)), 0.05, 1e-4);
  close(Math.exp(logChiSquareUpper(18.307, 10)), 0.05, 1e-4);
  assert.ok(logChiSquareUpper(1e5, 10) < -49000, 'no underflow to -Infinity or 0');
  assert.equal(jensenShannonDistance([5, 0], [0, 5]), 1);
  assert.equal(jensenShannonDistance([5, 5], [10, 10]), 0);
  close(populationStabilityIndex([10, 20], [100, 200]), 0, 1e-3); // half a row of smoothing per cell
});

/** Words drawn at random: mostly distinct messages, a few repeated. */
function messages(random: Random, n: number): string[] {
  const words = ['call', 'me', 'later', 'the', 'meeting', 'is', 'at', 'noon', 'see', 'you', 'soon', 'ok', 'thanks', 'win', 'a', 'prize'];
  return Array.from({ length: n }, () => (random.next() < 0.05 ? 'Sorry, I will call later' : Array.from({ length: 3 + random.int(10) }, () => words[random.int(words.length)]).join(' ')));
}

test('quiet: free text and timestamps are not compared (halves of one file, or a later period)', () => {
  const random = new Random(31);
  const n = 4000;
  const text1 = messages(random, n);
  const start = Date.UTC(2021, 0, 1);
  const stamps = Array.from({ length: n }, (_, i) => new Date(start + i * 3600_000).toISOString().slice(0, 19).replace('T', ' '));
  const ys = Array.from({ length: n }, () => (random.next() < 0.2 ? 1 : 0));
  const half = (from: number): Dataset =>
    dataset([text('message', text1.slice(from, from + n / 2)), text('when', stamps.slice(from, from + n / 2)), numeric('y', ys.slice(from, from + n / 2))]);
  const candidate = half(0);
  assert.deepEqual(candidate.schema.columns.map((c) => c.kind), ['free-text', 'datetime', 'numeric']);
  assert.deepEqual(run(candidate, half(n / 2)).findings.map((f) => f.message), []);
});

// Issue 13: a code column with a long tail of rare codes (most seen once or twice). Between two
// random halves, the codes only one half has are about as many on each side: the cells compared
// are chosen by a code's count in both files, never by which file holds it.
function longTailHalves(seed: number, plant?: { code: string; rows: number }): { candidate: Dataset; baseline: Dataset } {
  const random = new Random(seed);
  const codes = Array.from({ length: 300 }, () => {
    const rank = Math.floor(Math.exp(random.next() * Math.log(120))); // about Zipf: rank 1 common, 100+ rare
    return `C${String(rank).padStart(3, '0')}`;
  });
  const halves: [string[], number[]][] = [
    [[], []],
    [[], []],
  ];
  for (const code of codes) {
    const half = halves[random.next() < 0.5 ? 0 : 1];
    half[0].push(code);
    half[1].push(random.int(2));
  }
  if (plant) for (let i = 0; i < plant.rows; i++) halves[0][0][i] = plant.code;
  const make = ([values, labels]: [string[], number[]]) => dataset([text('code', values), numeric('y', labels)]);
  return { candidate: make(halves[0]), baseline: make(halves[1]) };
}

test('quiet: random halves of a column of many rare codes (long tail), on every split', () => {
  const alarms = [];
  for (let seed = 1; seed <= 40; seed++) {
    const { candidate, baseline } = longTailHalves(seed);
    const findings = run(candidate, baseline).findings.filter((f) => f.severity !== 'low' && f.severity !== 'info');
    if (findings.length) alarms.push(`split ${seed}: ${findings[0].message}`);
  }
  assert.deepEqual(alarms, []);
});

test('... while a code the baseline never had, planted in 30 candidate rows, is reported by name', () => {
  const { candidate, baseline } = longTailHalves(1, { code: 'Z999', rows: 30 });
  const [finding] = run(candidate, baseline).findings;
  assert.ok(finding, 'a finding');
  assert.equal(finding.value, 'Z999');
  assert.match(finding.message, /code = 'Z999', a value the baseline never had/);
  assert.equal(finding.rows.length, 30);
});

test('quiet: random halves of the real horse-colic data, whose lesion codes are mostly rare', async () => {
  for (const seed of [1, 2, 104]) {
    const { label, halves } = await corpusHalves('horse-colic.csv', seed);
    const [candidate, baseline] = await Promise.all(halves.map((text) => datasetFromCsv(text, { label, labelSource: 'option' })));
    const loud = run(candidate, baseline).findings.filter((f) => f.severity !== 'low' && f.severity !== 'info');
    assert.deepEqual(loud.map((f) => f.message), [], `split ${seed}`);
  }
});
