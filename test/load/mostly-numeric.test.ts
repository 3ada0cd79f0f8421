// A column of numbers with a few text cells stays numeric; those cells are kept with their text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Column, NumericColumn } from '../../src/table/table.js';
import { chunked, column, columnTexts, load } from './helpers.js';

function numbersWith(n: number, at: Record<number, string>, header = 'age,label'): string {
  const lines = [header];
  for (let row = 0; row < n; row++) lines.push(`${at[row] ?? String(20 + (row % 50))},${row % 2}`);
  return lines.join('\n') + '\n';
}

function asNumeric(c: Column): NumericColumn {
  assert.equal(c.kind, 'numeric', `${c.name} should be numeric`);
  return c as NumericColumn;
}

test('one text cell among numbers: the column stays numeric, the cell is missing for numbers and kept as text', async () => {
  const table = await load(numbersWith(200, { 17: 'unknown' }));
  const age = asNumeric(column(table, 'age'));
  assert.ok(Number.isNaN(age.values[17]));
  assert.equal(age.values[18], 20 + 18);
  assert.equal(age.missingCount, 1);
  assert.deepEqual(Array.from(age.nonNumeric?.rows ?? []), [17]);
  assert.deepEqual(age.nonNumeric?.tokens, ['unknown']);
  assert.deepEqual(Array.from(age.nonNumeric?.codes ?? []), [0]);
});

test('the non-numeric cells are kept in row order with their tokens, and missing tokens stay missing', async () => {
  const table = await load(numbersWith(400, { 3: 'n/k', 50: 'refused', 51: 'NA', 90: 'n/k', 399: 'refused' }));
  const age = asNumeric(column(table, 'age'));
  assert.equal(age.missingCount, 5);
  assert.deepEqual(Array.from(age.nonNumeric!.rows), [3, 50, 90, 399]);
  assert.deepEqual(Array.from(age.nonNumeric!.codes, (code) => age.nonNumeric!.tokens[code]), ['n/k', 'refused', 'n/k', 'refused']);
});

test('text cells first (sorted data), numbers after: still numeric when they are few overall', async () => {
  const at: Record<number, string> = {};
  for (let row = 0; row < 150; row++) at[row] = 'unknown';
  const table = await load(numbersWith(10000, at));
  const age = asNumeric(column(table, 'age'));
  assert.equal(age.nonNumeric!.rows.length, 150);
  assert.equal(age.values[9999], 20 + (9999 % 50));
});

test('the same result in any chunking', async () => {
  const bytes = Buffer.from(numbersWith(300, { 0: 'x', 150: 'unknown' }));
  for (const size of [1, 5, 64]) {
    const age = asNumeric(column(await load(chunked(bytes, size)), 'age'));
    assert.deepEqual(Array.from(age.nonNumeric!.rows), [0, 150]);
  }
});

test('more than 5% text cells: a text column, as before, with the numbers as written', async () => {
  const at: Record<number, string> = {};
  for (let row = 0; row < 100; row += 10) at[row] = 'more';
  const table = await load(numbersWith(100, at));
  const age = column(table, 'age');
  assert.equal(age.kind, 'text');
  assert.equal(columnTexts(age)[0], 'more');
  assert.equal(columnTexts(age)[1], '21');
});

test('few cells in all: under 20 numbers a text cell still makes the column text', async () => {
  assert.equal(column(await load(numbersWith(10, { 4: 'unknown' })), 'age').kind, 'text');
});

test('zero-padded codes of one width stay text, even when few have the zero', async () => {
  const lines = ['zip,label'];
  for (let row = 0; row < 400; row++) lines.push(`${row % 40 === 0 ? '0' + String(2100 + row) : String(90000 + row)},${row % 2}`);
  const zip = column(await load(lines.join('\n') + '\n'), 'zip');
  assert.equal(zip.kind, 'text');
  assert.equal(columnTexts(zip)[0], '02100');
});

test('one zero-padded cell among numbers of other widths is a text cell of a numeric column', async () => {
  const age = asNumeric(column(await load(numbersWith(300, { 7: '0999' })), 'age'));
  assert.deepEqual(age.nonNumeric?.tokens, ['0999']);
});

test('a categorical column and a half-number column stay text', async () => {
  const lines = ['answer,children,label'];
  for (let row = 0; row < 200; row++) lines.push(`${row % 3 ? 'yes' : 'no'},${row % 4 === 0 ? 'more' : String(row % 3)},${row % 2}`);
  const table = await load(lines.join('\n') + '\n');
  assert.equal(column(table, 'answer').kind, 'text');
  assert.equal(column(table, 'children').kind, 'text');
});
