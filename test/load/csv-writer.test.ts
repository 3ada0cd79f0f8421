// The CSV writer, formula neutralisation and atomic writes.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { formatCsvRecord, neutraliseFormula, writeFileAtomic } from '../../src/load/csv-writer.js';
import { tempFile } from './helpers.js';

test('fields are quoted only when needed', () => {
  assert.equal(formatCsvRecord(['a', 'b c', '']), 'a,b c,');
  assert.equal(formatCsvRecord(['a,b', 'say "hi"', 'x\ny', 'x\ry']), '"a,b","say ""hi""","x\ny","x\ry"');
  assert.equal(formatCsvRecord([' lead', 'trail ', '\ttab']), '" lead","trail ","\ttab"');
  assert.equal(formatCsvRecord(['a;b', 'c,d'], ';'), '"a;b";c,d');
  assert.equal(formatCsvRecord(['']), '""');
  assert.equal(formatCsvRecord(['\uFEFFid']), '"\uFEFFid"');
});

test('formula cells get a leading quote, plain numbers do not', () => {
  for (const cell of ['=1+2', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx', '-', '+', '=']) {
    assert.equal(neutraliseFormula(cell), `'${cell}`, JSON.stringify(cell));
  }
  for (const cell of ['-5', '+3.2', '-1.5e3', '-.5', 'abc', '5', '', 'a=b']) assert.equal(neutraliseFormula(cell), cell);
});

test('writeFileAtomic writes, refuses to overwrite without force, and never writes over the input', async () => {
  const input = tempFile('input.csv', 'a\n1\n');
  const folder = path.dirname(input);
  const target = path.join(folder, 'out.csv');
  await writeFileAtomic(target, 'first');
  assert.equal(readFileSync(target, 'utf8'), 'first');
  await assert.rejects(writeFileAtomic(target, 'second'), (e: unknown) => e instanceof InputError && /already exists.*--force/.test(e.message));
  await writeFileAtomic(target, new TextEncoder().encode('second'), { force: true });
  assert.equal(readFileSync(target, 'utf8'), 'second');

  await assert.rejects(
    writeFileAtomic(input, 'x', { force: true, forbidden: [input] }),
    (e: unknown) => e instanceof InputError && /refusing to overwrite an input file/.test(e.message),
  );
  const alias = path.join(folder, 'alias.csv');
  symlinkSync(input, alias);
  await assert.rejects(writeFileAtomic(alias, 'x', { force: true, forbidden: [input] }), InputError);
  const dotted = path.join(folder, '.', 'input.csv');
  await assert.rejects(writeFileAtomic(dotted, 'x', { force: true, forbidden: [input] }), InputError);
  assert.equal(readFileSync(input, 'utf8'), 'a\n1\n');
  assert.deepEqual(
    readdirSync(folder).filter((name) => name.endsWith('.tmp')),
    [],
  );
});

test('writing into a folder that does not exist is an input error', async () => {
  const input = tempFile('somewhere.csv', 'a\n');
  const target = path.join(path.dirname(input), 'no', 'such', 'out.csv');
  await assert.rejects(writeFileAtomic(target, 'x'), (e: unknown) => e instanceof InputError && /folder does not exist/.test(e.message));
  assert.equal(existsSync(target), false);
});
