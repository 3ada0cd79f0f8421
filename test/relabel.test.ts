/** The relabelling signal of the model stage (issue 4, item 4), on the credit data. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CREDIT, ROOT, auditCsv, corpusHalves, precisionRecall, tempDir, editInPlace, halves, readCsv, writeCsv, type Csv } from './fixtures.js';
import { Random } from '../src/util/random.js';
import { runAudit } from '../src/audit.js';
import { plantCase } from '../scripts/lib/calibration.js';

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

// Many well separated classes: 20 rows of one class relabelled to another are 0.7% of the file.
// Before, an excess had to be 1% of the file's rows, so a class-sized relabel in a file of many
// classes passed; now 10 excess rows that are significant against the baseline's own rate do.
function blobs(rows: number, seed: number): Csv {
  const random = new Random(seed);
  const out: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const cls = i % 10;
    const at = (d: number) => (10 * Math.cos(cls + d) + random.next() * 2).toFixed(3);
    out.push([at(0), at(1), at(2), at(3), `c${cls}`]);
  }
  return { header: ['x0', 'x1', 'x2', 'x3', 'label'], rows: out };
}

test('20 rows of one class relabelled in a file of ten classes (0.7% of its rows) are a relabel-suspects finding on the class given', async (t) => {
  const baseline = blobs(3000, 1);
  const candidate = blobs(3000, 2);
  const relabelled: number[] = [];
  for (let i = 0; i < candidate.rows.length && relabelled.length < 20; i++) {
    if (candidate.rows[i][4] !== 'c0') continue;
    candidate.rows[i][4] = 'c1';
    relabelled.push(i);
  }
  const report = await auditCsv(tempDir(t), candidate, baseline, { label: 'label' });
  const finding = report.findings.find((f) => f.rule === 'relabel-suspects');
  assert.ok(finding, report.findings.map((f) => f.message).join('\n'));
  assert.equal(finding.value, 'c1');
  assert.notEqual(report.verdict, 'trusted');
  assert.ok(precisionRecall(finding.rows, relabelled).precision > 0.8, JSON.stringify(finding.evidence));
  const clean = await auditCsv(tempDir(t), blobs(3000, 3), baseline, { label: 'label' });
  assert.equal(clean.findings.filter((f) => f.rule === 'relabel-suspects').length, 0);
});

// Text columns were coded by first appearance, so reversing the baseline's rows changed the
// forests (and this finding); the features are now ranks in the sorted dictionary.
test('corpus: the relabel evidence does not depend on the order of the baseline rows', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-relabel-order-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const planted = plantCase(path.join(ROOT, 'examples/data/realworld'), 'crx', 'relabel', 0.3, dir);
  assert.ok(!('skip' in planted), 'the file takes the relabel attack');
  const baseline = readCsv(planted.baseline);
  const reversed = path.join(dir, 'baseline-reversed.csv');
  writeCsv(reversed, { ...baseline, rows: baseline.rows.slice().reverse() });
  const evidence = async (file: string) => {
    const report = await runAudit({ candidate: planted.candidate, baseline: file, label: 'A16' });
    return report.findings.filter((f) => f.rule === 'relabel-suspects').map((f) => ({ value: f.value, rows: f.rows, evidence: f.evidence }));
  };
  const inOrder = await evidence(planted.baseline);
  assert.ok(inOrder.length > 0);
  assert.deepEqual(await evidence(reversed), inOrder);
});

/** The corpus's 15% relabel of `dataset` audited against the other half: its relabel-suspects finding, checked to exist and name the class given. */
async function relabelledCorpusCase(t: { after: (fn: () => void) => void }, dataset: string, label: string) {
  const planted = plantCase(path.join(ROOT, 'examples/data/realworld'), dataset, 'relabel', 0.15, tempDir(t));
  assert.ok(!('skip' in planted), 'the file takes the relabel');
  const { attack, candidate, baseline } = planted;
  const report = await runAudit({ candidate, baseline, label });
  const finding = report.findings.find((f) => f.rule === 'relabel-suspects');
  assert.ok(finding, report.findings.map((f) => f.message).join('\n'));
  assert.equal(finding.value, attack.targetClass);
  assert.notEqual(report.verdict, 'trusted');
  return { attack, finding };
}

// Rows moved from one class to another in a file of many classes that overlap: per class, the
// letter given H holds many rows the baseline model doubts anyway (its natural confusions with
// a dozen letters), so 63 moved rows were 3.5 orders of magnitude short of significance; counted
// per class the model gives instead, the moved rows stand out (they are given B).
test('corpus: 15% of one letter relabelled as another is found per class given, with the rows', async (t) => {
  const { attack, finding } = await relabelledCorpusCase(t, 'letter-recognition', 'lettr');
  assert.equal(finding.evidence.predictedClass, attack.sourceClass);
  assert.ok(precisionRecall(finding.rows, attack.poisoned).precision > 0.7, JSON.stringify(finding.evidence));
});

// Two classes that overlap (a model of the baseline is right 85% of the time): 30 of 345 rows
// relabelled. Before, the excess was significant at 1e-3 but not at the family-wise 1e-3 over
// two classes and two cuts; a review asks for less (alpha 1e-2), and clean halves stay quiet.
test('corpus: 15% of one class relabelled in a small two-class file is a review with a baseline', async (t) => {
  const { attack, finding } = await relabelledCorpusCase(t, 'crx', 'A16');
  assert.ok(precisionRecall(finding.rows, attack.poisoned).precision > 0.5, JSON.stringify(finding.evidence));
});

// Identical records get one prediction: a heap of them is one observation about the labels, not
// one per copy (coarse real data, such as the transfusion file, has heaps of up to 15 identical
// records, and a heap the model doubts once made a clean half "likely relabelled").
test('a heap of identical records the baseline model doubts is one observation; as many distinct relabelled rows are a finding', async (t) => {
  const baseline = blobs(3000, 1);
  const withRows = (extra: string[][]) => ({ header: baseline.header, rows: [...blobs(3000, 2).rows, ...extra] });
  const c1 = blobs(3000, 4).rows.filter((row) => row[4] === 'c1');
  const heap = withRows(Array.from({ length: 15 }, () => [...c1[0].slice(0, 4), 'c0']));
  const spread = withRows(c1.slice(0, 15).map((row) => [...row.slice(0, 4), 'c0']));
  const heaped = await auditCsv(tempDir(t), heap, baseline, { label: 'label' });
  assert.deepEqual(heaped.findings.filter((f) => f.rule === 'relabel-suspects').map((f) => f.message), []);
  const copies = heaped.findings.find((f) => f.rule === 'duplicate-rows');
  assert.equal(copies?.rows.length, 14, 'the heap is still reported, as duplicates');
  const relabelled = await auditCsv(tempDir(t), spread, baseline, { label: 'label' });
  const finding = relabelled.findings.find((f) => f.rule === 'relabel-suspects');
  assert.ok(finding, relabelled.findings.map((f) => f.message).join('\n'));
  assert.equal(finding.value, 'c0');
});

test('corpus: random halves of the coarse transfusion data (heaps of identical records) have no relabelling finding', async (t) => {
  const { label, halves } = await corpusHalves('transfusion.csv', 106);
  const dir = tempDir(t);
  const [candidate, baseline] = [path.join(dir, 'a.csv'), path.join(dir, 'b.csv')];
  writeFileSync(candidate, halves[0]);
  writeFileSync(baseline, halves[1]);
  const report = await runAudit({ candidate, baseline, label });
  assert.deepEqual(report.findings.filter((f) => f.rule === 'relabel-suspects').map((f) => f.message), []);
});
