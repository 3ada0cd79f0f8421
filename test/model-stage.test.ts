// The model stage's guarantees on real and synthetic data: natural structure is not a trigger,
// every strong candidate is probed, row order decides nothing, the user's severities win over the
// model's, and a check that could not run never leaves the data trusted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runAudit } from '../src/audit.js';
import { collectCandidates } from '../src/model/candidates.js';
import { completeFinding } from '../src/engine/finding.js';
import type { RuleHint } from '../src/engine/run-rules.js';
import { Random } from '../src/util/random.js';
import { nextStep } from '../src/render/text.js';
import { ABOVE_LOW, CREDIT, ROOT, auditCsv, corpusHalves, bundled, datasetOf, editInPlace, numericColumn, readCsv, tempDir, textColumn, type Csv } from './fixtures.js';
import { plantCase } from '../scripts/lib/calibration.js';

const credit = readCsv(CREDIT);
const corpus = (file: string): string => bundled(`examples/data/realworld/${file}.gz`);

/** The first `n` rows of the credit data (a smaller file keeps these tests fast). */
function creditSample(n: number): Csv {
  return { header: credit.header, rows: credit.rows.slice(0, n) };
}

for (const [file, label] of [
  ['ionosphere.csv', 'Class'],
  ['online_shoppers_intention.csv', 'Revenue'],
] as const) {
  test(`${file}: natural point masses and their conjunctions are not confirmed as triggers`, async () => {
    // Both came out reject with "confirmed" triggers before the implausibility gate: the values carry
    // most of one class, and a model trained without their rows cannot learn what was removed.
    const report = await runAudit({ candidate: corpus(file), label });
    assert.deepEqual(report.triggers, [], JSON.stringify(report.triggers));
    assert.equal(report.findings.filter((f) => f.rule === 'backdoor-trigger').length, 0);
  });
}

test('a value that is merely a strong predictor is at most an info note, never a trigger', async (t) => {
  // One category carries 95% of class 1; the same rows also stand out in another column, so the
  // rest of each row explains the label: natural structure, not a planted value.
  const random = new Random(3);
  const header = ['a', 'b', 'channel', 'y'];
  const rows: string[][] = [];
  for (let i = 0; i < 4000; i++) {
    const special = random.next() < 0.1;
    const a = special ? 8 + random.next() * 4 : random.next() * 10;
    const b = random.next() * 10;
    const y = special ? (random.next() < 0.95 ? 1 : 0) : random.next() < 0.2 + 0.04 * b ? 1 : 0;
    rows.push([a.toFixed(3), b.toFixed(3), special ? 'direct' : ['web', 'shop', 'phone'][i % 3], String(y)]);
  }
  const report = await auditCsv(tempDir(t), { header, rows }, undefined, { label: 'y' });
  assert.deepEqual(report.triggers, []);
  const notes = report.findings.filter((f) => f.rule === 'strong-predictor');
  for (const note of notes) assert.equal(note.severity, 'info');
  assert.equal(report.verdict, 'trusted', JSON.stringify(report.findings.map((f) => [f.rule, f.severity, f.column, f.value])));
});

test('a column that decides the label at each of its values is natural structure, not one trigger per value', async (t) => {
  // Heaped waiting times, each heap all one class, the rest of each row noise (a long-format choice
  // table came out reject with three "triggers" on such a column). Hiding the column leaves nothing
  // that knows the label, for the candidate value and for every other heap alike: the column's own
  // null says natural. A planted value is the only one of its column that contradicts the rest of
  // the row (the trigger tests in triggers.test.ts and checks.test.ts).
  const random = new Random(5);
  const heaps = [12, 18, 25, 34, 41, 47, 55, 64, 69, 78];
  const rows = Array.from({ length: 3000 }, () => {
    const heap = random.next() < 0.5;
    const h = random.int(heaps.length);
    const y = heap ? h % 2 : random.int(2);
    return [String(heap ? heaps[h] : random.int(90)), ...[0, 1, 2].map(() => (random.next() * 10).toFixed(2)), String(y)];
  });
  const report = await auditCsv(tempDir(t), { header: ['wait', 'x1', 'x2', 'x3', 'y'], rows }, undefined, { label: 'y' });
  assert.deepEqual(report.triggers, [], JSON.stringify(report.triggers.map((tr) => [tr.column, tr.value])));
  const notes = report.findings.filter((f) => f.rule === 'strong-predictor');
  assert.ok(notes.length > 0, 'the heaps are noted as strong predictors');
  for (const note of notes) assert.equal(note.severity, 'info');
  assert.ok(notes.every((note) => Number(note.evidence.siblingsContradicting) > 0));
  assert.equal(report.verdict, 'trusted', JSON.stringify(report.findings.map((f) => [f.rule, f.severity, f.column, f.value])));
});

test('a small file where one class holds a band of a positional column: natural structure, not a trigger per interval', async (t) => {
  // Image segments: paths lie low in the picture, so most regions whose centroid sits in rows
  // 150-215 are path and the rest of each row (colour, texture) knows it only partly. A held-out
  // half of 750 rows came out reject on one such interval: intervals of the candidate's width held
  // too few of the rows no forest trained on to test the column's other values. (The rows and
  // their mix below are this test's own.)
  const random = new Random(8);
  const rows = Array.from({ length: 750 }, () => {
    const position = random.int(250);
    const cls = position < 150 ? ['sky', 'wall', 'window'][random.int(3)] : position < 215 ? (random.next() < 0.75 ? 'path' : 'grass') : 'grass';
    const base = { sky: 8, wall: 5, window: 3, path: 6, grass: 2 }[cls]!;
    return [String(position), (base + random.next() * 4).toFixed(2), (random.next() * 10).toFixed(2), (random.next() * 10).toFixed(2), cls];
  });
  const report = await auditCsv(tempDir(t), { header: ['position', 'hue', 'texture', 'grain', 'class'], rows }, undefined, { label: 'class' });
  assert.deepEqual(report.triggers, [], JSON.stringify(report.triggers.map((tr) => [tr.column, tr.value, tr.range])));
  assert.equal(report.verdict, 'trusted', JSON.stringify(report.findings.map((f) => [f.rule, f.severity, f.column, f.value])));
});

test('corpus: occupancy half (split seed 110): light levels that go with an occupied room are not triggers', async (t) => {
  // Came out reject with three critical "triggers" on natural Light intervals: occupied rooms are
  // lit, and the rest of the row (CO2, temperature) knows it only partly. Neighbouring light levels
  // decide the label as strongly, so the column's own null says natural.
  const { label, halves: [a] } = await corpusHalves('occupancy.csv', 110);
  const file = path.join(tempDir(t), 'a.csv');
  writeFileSync(file, a);
  const report = await runAudit({ candidate: file, label });
  assert.deepEqual(report.triggers, []);
  assert.deepEqual(
    report.findings.filter((f) => ABOVE_LOW.has(f.severity)).map((f) => [f.rule, f.column, f.value]),
    [],
  );
});

test('the same relabelled rows in another row order give the same triggers and verdict', async (t) => {
  const attack = editInPlace(creditSample(9000), {
    label: 'DEFAULT',
    sourceClass: '0',
    fraction: 0.02,
    set: { BILL_AMT1: () => '31337' },
    newLabel: '1',
    seed: 4,
  });
  const dir = tempDir(t);
  const summaries: string[] = [];
  for (const seed of [1, 2, 3]) {
    const order = new Random(seed).shuffle(Array.from(attack.csv.rows.keys()));
    const report = await auditCsv(dir, { header: attack.csv.header, rows: order.map((i) => attack.csv.rows[i]) }, undefined, { label: 'DEFAULT' });
    summaries.push(`${report.verdict} ` + report.triggers.map((tr) => `${tr.column}=${tr.value}->${tr.targetClass} (${tr.support})`).join('; '));
  }
  assert.match(summaries[0], /^reject BILL_AMT1=31337->1/);
  assert.deepEqual(summaries.slice(1), [summaries[0], summaries[0]], summaries.join('\n'));
});

test('a candidate with a strong signal is probed however far down the ranking it is; the rest are reported as left out', () => {
  const n = 1200;
  const columns = Array.from({ length: 12 }, (_, c) => numericColumn(`x${c}`, Array.from({ length: n }, (_, i) => (i * (c + 3)) % 17)));
  const y = textColumn('y', Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'yes' : 'no')));
  const dataset = datasetOf([...columns, y], { label: 'y' });
  const yes = dataset.schema.label!.classes.indexOf('yes');
  const hint = (column: number, value: number, strength: number, strong: boolean): RuleHint => ({
    rule: strong ? 'range' : 'class-spike',
    finding: completeFinding(strong ? 'range' : 'class-spike', { severity: 'medium', message: 'test' }),
    hint: { column, value, range: null, targetClass: yes, signals: strong ? ['outside-domain'] : ['count-spike'], strength },
  });
  // Eleven weak candidates far stronger by p-value, one impossible value last.
  const hints = [...Array.from({ length: 11 }, (_, c) => hint(c, (c * 3) % 17, 100 - c, false)), hint(11, 0, 1, true)];
  const { probed, leftOut } = collectCandidates(dataset, hints, 4);
  const singles = probed.filter((c) => c.parts.length === 1);
  assert.ok(singles.some((c) => c.parts[0].column === 11), 'the strong-signal candidate was probed');
  assert.equal(singles.length, 4);
  assert.equal(leftOut.length, hints.length - 4);
  assert.ok(leftOut.every((c) => !c.signals.includes('outside-domain')));
});

test("a severity the user fixed in the config wins over the model stage's adjustment", async (t) => {
  const attack = editInPlace(creditSample(9000), { label: 'DEFAULT', sourceClass: '0', fraction: 0.02, set: { BILL_AMT1: () => '31337' }, newLabel: '1', seed: 4 });
  const dir = tempDir(t);
  const tuned = await auditCsv(dir, attack.csv, undefined, { label: 'DEFAULT', config: { rules: { 'class-spike': { severity: 'low' } } } });
  const spike = tuned.findings.find((f) => f.rule === 'class-spike' && f.column === 'BILL_AMT1');
  assert.ok(spike, 'the spike is reported');
  assert.equal(spike.severity, 'low');
  assert.equal((spike.evidence.modelCheck as { confirmed: boolean }).confirmed, true, 'the model still checked it');
  const untuned = await auditCsv(dir, attack.csv, undefined, { label: 'DEFAULT' });
  assert.equal(untuned.findings.find((f) => f.rule === 'class-spike' && f.column === 'BILL_AMT1')?.severity, 'high');
});

test('a label guessed from the shape of the data names no trigger; the same file with --label does', async (t) => {
  const attack = editInPlace(creditSample(9000), { label: 'DEFAULT', sourceClass: '0', fraction: 0.02, set: { BILL_AMT1: () => '31337' }, newLabel: '1', seed: 4 });
  const dir = tempDir(t);
  const guessed = await auditCsv(dir, attack.csv);
  assert.equal(guessed.label?.column, 'DEFAULT');
  assert.equal(guessed.label?.guessed, true);
  assert.deepEqual(guessed.triggers, []);
  assert.ok(guessed.notes.some((note) => /guessed/.test(note) && /--label/.test(note)), guessed.notes.join('\n'));
  assert.match(nextStep(guessed), /guessed, so no backdoor trigger was tested: rerun with --label DEFAULT/);
  const named = await auditCsv(dir, attack.csv, undefined, { label: 'DEFAULT' });
  assert.equal(named.label?.guessed, false);
  assert.ok(named.triggers.some((tr) => tr.column === 'BILL_AMT1'));
});

test('a rule that throws leaves the verdict at least review and names the rule', async (t) => {
  const dir = tempDir(t);
  const rule = path.join(dir, 'boom.mjs');
  writeFileSync(rule, "export default { id: 'boom', title: 'Boom', docs: 'Always fails.', defaults: {}, check() { throw new Error('kaput'); } };\n");
  const report = await auditCsv(dir, creditSample(3000), undefined, { label: 'DEFAULT', rulePaths: [rule], model: false });
  assert.deepEqual(report.errors.map((e) => e.rule), ['boom']);
  assert.notEqual(report.verdict, 'trusted');
});

test('a file too small to hold out rows is "too small for model checks", never trusted with NaN accuracy', async (t) => {
  const rows = Array.from({ length: 12 }, (_, i) => [String(i % 5), String((i * 7) % 11), i < 9 ? 'a' : 'b']);
  const report = await auditCsv(tempDir(t), { header: ['u', 'v', 'y'], rows }, undefined, { label: 'y' });
  const finding = report.findings.find((f) => f.rule === 'model-checks');
  assert.ok(finding, JSON.stringify(report.findings));
  assert.match(finding.message, /too small for model checks/i);
  assert.notEqual(report.verdict, 'trusted');
  assert.ok(!JSON.stringify(report).includes('NaN'));
});

// A baseline never makes the audit weaker. Before, with the other half as baseline these lost the
// trigger the candidate alone named: a daily file whose date column (a feature once copies made
// the dates repeat) put every baseline day past the candidate's last, so the candidate model read
// the baseline's rows as nothing it had seen; and a small baseline left too few probes or a
// weaker reaction to its rows than to the candidate's own.
for (const [dataset, label] of [
  ['bike-sharing-day', 'weathersit'],
  ['student-por', 'G3'],
  ['abalone', 'Rings'],
] as const) {
  test(`corpus: ${dataset}, copies with an impossible value or a new category: the trigger found alone is found with the baseline`, async (t) => {
    const dir = tempDir(t);
    const kind = dataset === 'abalone' ? 'rare-category' : 'impossible-append';
    const rate = dataset === 'bike-sharing-day' ? 0.3 : dataset === 'abalone' ? 0.005 : 0.03;
    const planted = plantCase(path.join(ROOT, 'examples/data/realworld'), dataset, kind, rate, dir);
    assert.ok(!('skip' in planted), 'the file takes the attack');
    const { attack, candidate, baseline } = planted;
    const [column] = attack.trigger!.columns;
    for (const withBaseline of [false, true]) {
      const report = await runAudit({ candidate, baseline: withBaseline ? baseline : undefined, label });
      const trigger = report.triggers.find((tr) => tr.column === column);
      assert.ok(trigger, `${withBaseline ? 'with' : 'without'} a baseline: ${report.verdict}, triggers ${JSON.stringify(report.triggers.map((tr) => tr.column))}`);
      assert.equal(trigger.targetClass, attack.targetClass);
      assert.equal(report.verdict, 'reject');
    }
  });
}

// The column's own null must not hide a planted value in a column that is tied to another or that
// predicts the label at its other values too: there the planted value is still the only one of its
// column whose labels contradict the rest of the row. (A first version of the null, with donors
// drawn from any row and no check that the forests use the column at the sibling value, called
// all three natural structure.)
for (const [dataset, label, kind, rate] of [
  // Monetary is 250 x Frequency: hiding it with any row's value makes rows no data has.
  ['transfusion', 'whether he/she donated blood in March 2007', 'impossible-append', 0.3],
  // fSize is tied to fConc and fLength; variance separates the banknote classes by itself.
  ['magic04', 'class', 'inplace-edit', 0.02],
  ['banknote', 'class', 'inplace-edit', 0.05],
] as const) {
  test(`corpus: ${dataset}, ${kind} ${rate * 100}% without a baseline: the planted value is named, though its column is tied or predictive`, async (t) => {
    const planted = plantCase(path.join(ROOT, 'examples/data/realworld'), dataset, kind, rate, tempDir(t));
    assert.ok(!('skip' in planted), 'the file takes the attack');
    const { attack, candidate } = planted;
    const [column] = attack.trigger!.columns;
    const report = await runAudit({ candidate, label });
    const trigger = report.triggers.find((tr) => tr.column === column);
    assert.ok(trigger, `${report.verdict}, triggers ${JSON.stringify(report.triggers.map((tr) => tr.column))}`);
    assert.equal(trigger.targetClass, attack.targetClass);
    assert.equal(report.verdict, 'reject');
  });
}
