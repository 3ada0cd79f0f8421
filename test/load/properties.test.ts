// Property tests (RELIABILITY 26, 27): what our writer writes, our reader reads back the same;
// how the bytes are chunked never changes the table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatCsvRecord, neutraliseFormula } from '../../src/load/csv-writer.js';
import { recordFieldsFromChunks } from '../../src/load/raw-records.js';
import { chunked, load } from './helpers.js';

const cellString = fc.string({ unit: 'binary', maxLength: 12 }).map((text) => text.replaceAll('\0', ''));
const trickyCell = fc.oneof(
  cellString,
  fc.constantFrom('', ' ', '"', '""', ',', ';', '\t', '|', '\n', '\r\n', '\r', 'a"b', ' x ', 'NA', '-5', '=1+1', '__proto__'),
);
const delimiter = fc.constantFrom(',', ';', '\t', '|');

/** Quotes a field even when it does not need it (always valid CSV). */
function quoteAnyway(field: string): string {
  return `"${field.replaceAll('"', '""')}"`;
}

async function readAllFields(bytes: Uint8Array, delimiterChar: string, chunkSize: number): Promise<string[][]> {
  const found = await recordFieldsFromChunks(chunked(bytes, chunkSize), { path: 'p.csv', delimiter: delimiterChar }, () => true);
  return [...found.values()];
}

test('any table of strings written by formatCsvRecord reads back identical', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 5 }).chain((width) =>
        fc.record({
          rows: fc.array(fc.array(trickyCell, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 6 }),
          quoting: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
          delimiter,
          crlf: fc.boolean(),
          finalNewline: fc.boolean(),
          chunkSize: fc.integer({ min: 1, max: 64 }),
          width: fc.constant(width),
        }),
      ),
      async ({ rows, quoting, delimiter: d, crlf, finalNewline, chunkSize, width }) => {
        const header = formatCsvRecord(Array.from({ length: width }, (_, i) => `c${i}`), d);
        const records = rows.map((row, r) =>
          quoting[r % quoting.length] && !(row.length === 1 && row[0] === '')
            ? row.map(quoteAnyway).join(d)
            : formatCsvRecord(row, d),
        );
        const lineEnd = crlf ? '\r\n' : '\n';
        const text = [header, ...records].join(lineEnd) + (finalNewline ? lineEnd : '');
        assert.deepEqual(await readAllFields(Buffer.from(text), d, chunkSize), rows);
      },
    ),
    { numRuns: 300 },
  );
});

const tableText = fc
  .record({
    width: fc.integer({ min: 1, max: 4 }),
    cells: fc.array(
      fc.oneof(
        fc.integer({ min: -1000, max: 1000 }).map(String),
        fc.double({ noNaN: true }).map(String),
        fc.constantFrom('1.50', ' 7 ', '"1,234"', '007', 'NA', '', 'x', '"a\r\nb"', '"q""q"', 'ʤ€😀', '1e309'),
      ),
      { minLength: 1, maxLength: 40 },
    ),
    bom: fc.boolean(),
    lineEnd: fc.constantFrom('\n', '\r\n', '\r'),
    blankLines: fc.boolean(),
  })
  .map(({ width, cells, bom, lineEnd, blankLines }) => {
    const lines = [Array.from({ length: width }, (_, i) => `h${i}`).join(',')];
    for (let at = 0; at + width <= cells.length; at += width) {
      // In a one-column file an empty cell is a blank line, which is skipped: write it as NA.
      const row = cells.slice(at, at + width).map((cell) => (width === 1 && cell === '' ? 'NA' : cell));
      lines.push(row.map((cell) => (cell.includes(',') && !cell.startsWith('"') ? `"${cell}"` : cell)).join(','));
      if (blankLines && at % 3 === 0) lines.push('');
    }
    if (lines.length === 1) lines.push(Array.from({ length: width }, () => '1').join(','));
    return Buffer.from(`${bom ? '\uFEFF' : ''}${lines.join(lineEnd)}${lineEnd}`);
  });

test('any chunking of the same bytes gives the identical table', async () => {
  await fc.assert(
    fc.asyncProperty(tableText, fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 8 }), async (bytes, sizes) => {
      const whole = await load(bytes, { delimiter: ',' });
      const pieces: Uint8Array[] = [];
      for (let at = 0, k = 0; at < bytes.length; k++) {
        const size = sizes[k % sizes.length];
        pieces.push(bytes.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(await load(pieces, { delimiter: ',' }), whole);
    }),
    { numRuns: 300 },
  );
});

test('every chunk size from 1 up gives the identical table (detected delimiter too)', async () => {
  const bytes = Buffer.from('\uFEFFid;name;score\r\n1;"Doe; J";1.50\r\n\r\n2;"multi\r\nline ""q""";NA\r\n3;ʤ€😀;"1,234"\r\n');
  const whole = await load(bytes);
  for (let size = 1; size <= bytes.length; size++) assert.deepEqual(await load(chunked(bytes, size)), whole);
  assert.equal(whole.source.delimiter, ';');
});

test('neutralised cells round-trip through the writer, and plain numbers are unchanged', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(cellString, fc.integer().map(String), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.constantFrom('-5', '+3.2', '=A1', '@x')),
      async (cell) => {
        const safe = neutraliseFormula(cell);
        if (/^[+-]?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(cell)) assert.equal(safe, cell);
        const bytes = Buffer.from(`v\n${formatCsvRecord([safe])}\n`);
        assert.deepEqual(await readAllFields(bytes, ',', 3), [[safe]]);
      },
    ),
    { numRuns: 300 },
  );
  assert.equal(neutraliseFormula('-5'), '-5');
});

test('any bytes in: a table or an InputError, never another exception', async () => {
  const { InputError } = await import('../../src/errors.js');
  const { gzipSync } = await import('node:zlib');
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    fc.array(fc.constantFrom(...'a,;"\r\n \t|1.-e\u0000'.split('')), { maxLength: 60 }).map((chars) => Buffer.from(chars.join(''))),
    fc.uint8Array({ maxLength: 100 }).map((raw) => gzipSync(raw).subarray(0, 10 + (raw.length % 30))),
  );
  await fc.assert(
    fc.asyncProperty(bytes, fc.integer({ min: 1, max: 9 }), async (input, size) => {
      try {
        await load(chunked(input, size), { chunkSize: size });
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
      }
    }),
    { numRuns: 500 },
  );
});
