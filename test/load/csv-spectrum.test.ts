// RELIABILITY 1: the eleven csv-spectrum cases parse exactly to their JSON.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadTable } from '../../src/load/load-table.js';
import { cellText } from './helpers.js';

const spectrum = fileURLToPath(new URL('../fixtures/csv-spectrum/', import.meta.url));
const cases = readdirSync(path.join(spectrum, 'csvs')).map((file) => path.basename(file, '.csv'));

test('the csv-spectrum suite has its eleven cases', () => {
  assert.equal(cases.length, 11);
});

for (const name of cases) {
  test(`csv-spectrum ${name} parses to its JSON`, async () => {
    const expected = JSON.parse(readFileSync(path.join(spectrum, 'json', `${name}.json`), 'utf8')) as Record<string, string>[];
    const table = await loadTable(path.join(spectrum, 'csvs', `${name}.csv`));
    assert.equal(table.rowCount, expected.length);
    assert.deepEqual(
      table.columns.map((column) => column.name),
      Object.keys(expected[0]),
    );
    const actual = Array.from({ length: table.rowCount }, (_, row) =>
      Object.fromEntries(table.columns.map((column) => [column.name, cellText(column, row)])),
    );
    assert.deepEqual(actual, expected);
  });
}
