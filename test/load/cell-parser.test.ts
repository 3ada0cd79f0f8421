// The number grammar and missing-value tokens, cell by cell.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CELL_MISSING,
  CELL_NUMBER,
  CELL_NUMBER_RESPELLED,
  CELL_TEXT,
  parseCell,
  parsedCell,
} from '../../src/load/cell-parser.js';

function parse(text: string, quoted = false): { kind: number; value: number } {
  const bytes = Buffer.from(`#${text}#`);
  const kind = parseCell(bytes, 1, bytes.length - 1, quoted);
  return { kind, value: parsedCell.value };
}

test('canonical decimals are numbers', () => {
  for (const text of ['0', '7', '-5', '12.5', '0.05', '-0.000001', '123456789012345', '1.25']) {
    const { kind, value } = parse(text);
    assert.equal(kind, CELL_NUMBER, text);
    assert.equal(String(value), text);
  }
});

test('other decimal spellings are numbers, flagged as respelled', () => {
  const cases: [string, number][] = [
    ['1.50', 1.5], ['+3', 3], [' 5 ', 5], ['\t5', 5], ['1e3', 1000], ['2.5E-3', 0.0025], ['.5', 0.5], ['5.', 5],
    ['00.5', 0.5], ['-0', -0], ['0.0', 0], ['1e309', Infinity], ['-1e309', -Infinity], ['1e-400', 0],
    ['0.0000001', 1e-7], ['12345678901234567.5', 12345678901234568], ['9007199254740993.0', 9007199254740992],
  ];
  for (const [text, expected] of cases) {
    const { kind, value } = parse(text);
    assert.equal(kind, CELL_NUMBER_RESPELLED, text);
    assert.ok(Object.is(value, expected), `${text} -> ${value}`);
  }
});

test('values are correctly rounded (same as Number())', () => {
  for (const text of ['0.1', '0.3', '1.7976931348623157e308', '4.9e-324', '2.2250738585072014e-308', '123.456e-7', '9.999999999999999e22', '8.0e22']) {
    assert.equal(parse(text).value, Number(text), text);
  }
  for (let k = 0; k < 2000; k++) {
    const text = `${Math.floor(Math.random() * 1e9)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    assert.equal(parse(text).value, Number(text), text);
  }
});

test('not decimal numbers: text', () => {
  for (const text of ['0x1A', '0x1F', 'Infinity', '-Infinity', 'inf', '1,5', '12abc', '1.2.3', '-', '+', '.', 'e5', '1e', '1e+', '--1', '1 2', '١٢']) {
    assert.equal(parse(text).kind, CELL_TEXT, text);
  }
});

test('identifiers: leading zeros and more than 15 digits stay text', () => {
  for (const text of ['007', '00123', '-007', '1234567890123456', '1234567890123456789']) {
    assert.equal(parse(text).kind, CELL_TEXT, text);
  }
  assert.equal(parse('123456789012345').kind, CELL_NUMBER);
});

test('quoted thousands grouping is a number; unquoted or badly grouped is text', () => {
  assert.deepEqual(parse('1,234', true), { kind: CELL_NUMBER_RESPELLED, value: 1234 });
  assert.deepEqual(parse('3,793', true), { kind: CELL_NUMBER_RESPELLED, value: 3793 });
  assert.deepEqual(parse('-1,234,567.5', true), { kind: CELL_NUMBER_RESPELLED, value: -1234567.5 });
  assert.deepEqual(parse(' 12,345 ', true), { kind: CELL_NUMBER_RESPELLED, value: 12345 });
  for (const text of ['1,5', '1234,567', '1,23', '1,2345', '0,123', ',123', '1,234.', '1,234,', '1,234,567,890,123,456']) {
    assert.equal(parse(text, true).kind, CELL_TEXT, text);
  }
  assert.equal(parse('1,234', false).kind, CELL_TEXT);
});

test('missing tokens in their usual spellings', () => {
  for (const text of ['', '   ', 'NA', 'na', 'N/A', 'n/a', '#N/A', 'null', 'NULL', 'Null', 'NaN', 'nan', 'None', 'none', 'nil', '?', ' NA ']) {
    const { kind, value } = parse(text);
    assert.equal(kind, CELL_MISSING, JSON.stringify(text));
    assert.ok(Number.isNaN(value));
  }
  for (const text of ['Na', 'nA', 'nUlL', 'NONEs', '??', 'n.a.']) assert.equal(parse(text).kind, CELL_TEXT, text);
});
