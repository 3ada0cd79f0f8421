// --save / --out FOLDER: dated names from the dataset's base name, a -latest copy, no overwrite, no symlink followed.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { datasetStem, reportExtension, saveReport, timeStamp } from '../../src/output/save.js';
import type { Report } from '../../src/report/report.js';
import { InputError } from '../../src/errors.js';
import { tempFolder } from '../fixtures.js';

const root = tempFolder('audit-data-save-');
let n = 0;
const fresh = (): string => {
  const folder = path.join(root, `f${n++}`);
  mkdirSync(folder);
  return folder;
};

function report(candidate: string, generatedAt = '2026-11-25T12:00:00.000Z'): Report {
  return { candidate: { path: candidate, rows: 1, columns: 1, sha256: '' }, generatedAt } as unknown as Report;
}

test('names: the dataset base name, sanitised, and the time', () => {
  assert.equal(datasetStem('/data/credit.csv'), 'credit');
  assert.equal(datasetStem('data/credit.csv.gz'), 'credit');
  assert.equal(datasetStem('My File (1).tsv'), 'My_File_1_');
  assert.equal(datasetStem('../../etc/passwd'), 'passwd');
  assert.equal(datasetStem('..'), 'dataset');
  assert.equal(datasetStem('.hidden.csv'), 'hidden');
  assert.equal(datasetStem('-rf.csv'), 'rf');
  assert.equal(datasetStem('__proto__.csv'), '__proto__');
  assert.equal(datasetStem('d\u00e9j\u00e0 <vu>.csv'), 'd_j_vu_');
  assert.equal(datasetStem('x'.repeat(300) + '.csv').length, 80);
  assert.match(datasetStem('C:\\data\\a b.csv'), /^a_b$/);
  assert.equal(timeStamp('2026-11-25T12:00:00.000Z'), '20261125T120000Z');
  assert.match(timeStamp('not a date'), /^\d{8}T\d{6}Z$/);
  assert.deepEqual(['table', 'json', 'markdown', 'html'].map((f) => reportExtension(f as 'json')), ['txt', 'json', 'md', 'html']);
});

test('a saved report never overwrites another; -latest holds the newest', async () => {
  const folder = fresh();
  const r = report('/somewhere/credit card.csv');
  const first = await saveReport(r, 'first', { folder, format: 'json' });
  assert.equal(first.file, path.join(folder, 'credit_card-20261125T120000Z.json'));
  assert.equal(first.latest, path.join(folder, 'credit_card-latest.json'));
  const second = await saveReport(r, 'second', { folder, format: 'json' });
  assert.equal(second.file, path.join(folder, 'credit_card-20261125T120000Z-2.json'));
  const third = await saveReport(r, 'third', { folder, format: 'json' });
  assert.equal(third.file, path.join(folder, 'credit_card-20261125T120000Z-3.json'));
  assert.equal(readFileSync(first.file, 'utf8'), 'first');
  assert.equal(readFileSync(second.file, 'utf8'), 'second');
  assert.equal(readFileSync(third.latest, 'utf8'), 'third');
  await saveReport(report('/x/other.csv'), 'other', { folder, format: 'html' });
  assert.deepEqual(readdirSync(folder).sort(), [
    'credit_card-20261125T120000Z-2.json',
    'credit_card-20261125T120000Z-3.json',
    'credit_card-20261125T120000Z.json',
    'credit_card-latest.json',
    'other-20261125T120000Z.html',
    'other-latest.html',
  ]);
});

test('the reports folder is created for --save; an --out folder must exist', async () => {
  const base = fresh();
  const reports = path.join(base, 'reports');
  const saved = await saveReport(report('a.csv'), 'x', { folder: reports, format: 'markdown', create: true });
  assert.equal(saved.file, path.join(reports, 'a-20261125T120000Z.md'));
  await assert.rejects(saveReport(report('a.csv'), 'x', { folder: path.join(base, 'missing'), format: 'json' }), /no such folder/);
  writeFileSync(path.join(base, 'plain'), '');
  await assert.rejects(saveReport(report('a.csv'), 'x', { folder: path.join(base, 'plain'), format: 'json' }), /not a folder/);
});

test('no symbolic link in the folder is followed out of it', async () => {
  const folder = fresh();
  const outside = fresh();
  const victim = path.join(outside, 'victim.txt');
  writeFileSync(victim, 'untouched');
  // A -latest that is a link: refused before anything is written.
  symlinkSync(victim, path.join(folder, 'data-latest.json'));
  await assert.rejects(saveReport(report('data.csv'), 'evil', { folder, format: 'json' }), (error: unknown) => {
    return error instanceof InputError && /symbolic link/.test(error.message);
  });
  assert.equal(readFileSync(victim, 'utf8'), 'untouched');
  assert.deepEqual(readdirSync(folder), ['data-latest.json']);
  // A dated name that is a link (even a dangling one) is skipped like a taken name.
  const folder2 = fresh();
  symlinkSync(path.join(outside, 'new.json'), path.join(folder2, 'data-20261125T120000Z.json'));
  const saved = await saveReport(report('data.csv'), 'ok', { folder: folder2, format: 'json' });
  assert.equal(path.basename(saved.file), 'data-20261125T120000Z-2.json');
  assert.equal(existsSync(path.join(outside, 'new.json')), false);
});

test('never over an input file', async () => {
  const folder = fresh();
  const input = path.join(folder, 'data-latest.json');
  writeFileSync(input, 'input');
  await assert.rejects(saveReport(report('data.csv'), 'x', { folder, format: 'json', forbidden: [input] }), /input file/);
  assert.equal(readFileSync(input, 'utf8'), 'input');
});
