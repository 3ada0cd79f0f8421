// The CSV loader against the reliability checklist (items 2-11, 13, 14, 18, 21).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { loadTable } from '../../src/load/load-table.js';
import { MISSING_CODE } from '../../src/table/table.js';
import { cellText, chunked, column, columnTexts, load, tempFile } from './helpers.js';

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

test('BOM and CRLF: the first header is id, the BOM is recorded', async () => {
  const table = await load('\uFEFFid,name\r\n1,a\r\n2,b\r\n');
  assert.deepEqual(
    table.columns.map((c) => c.name),
    ['id', 'name'],
  );
  assert.equal(table.source.hadBom, true);
  assert.equal(table.rowCount, 2);
  assert.deepEqual(columnTexts(column(table, 'name')), ['a', 'b']);
});

test('a BOM split across chunks is still stripped', async () => {
  const bytes = Buffer.from('\uFEFFid\n1\n');
  const table = await load(chunked(bytes, 1));
  assert.equal(table.columns[0].name, 'id');
  assert.equal(table.source.hadBom, true);
});

test('quoted LF and CRLF are kept byte for byte; row numbers stay record numbers', async () => {
  const table = await load('a,b\r\n"x\r\ny",1\r\n"p\nq",2\r\nlast,3\r\n');
  assert.equal(table.rowCount, 3);
  assert.deepEqual(columnTexts(column(table, 'a')), ['x\r\ny', 'p\nq', 'last']);
  assert.deepEqual(columnTexts(column(table, 'b')), ['1', '2', '3']);
});

test('lone CR line ends are record ends', async () => {
  const table = await load('a,b\r1,2\r3,4');
  assert.equal(table.rowCount, 2);
  assert.deepEqual(columnTexts(column(table, 'b')), ['2', '4']);
});

test('final newline, no final newline and trailing blank lines give the same rows', async () => {
  for (const text of ['a,b\n1,2\n3,4', 'a,b\n1,2\n3,4\n', 'a,b\n1,2\n3,4\n\n\n', 'a,b\r\n1,2\r\n3,4\r\n\r\n']) {
    const table = await load(text);
    assert.equal(table.rowCount, 2, JSON.stringify(text));
    assert.deepEqual(columnTexts(column(table, 'b')), ['2', '4']);
  }
});

test('blank lines anywhere are skipped and counted', async () => {
  const table = await load('\na,b\n\n1,2\r\n\r\n\n3,4\n\n');
  assert.equal(table.rowCount, 2);
  assert.equal(table.source.blankLinesSkipped, 5);
  assert.deepEqual(columnTexts(column(table, 'a')), ['1', '3']);
});

test('ragged rows are errors naming the line where the record starts', async () => {
  await rejectsWith(load('a,b,c\n1,2,3\n4,5\n'), /^test\.csv: line 3: expected 3 fields, got 2$/);
  await rejectsWith(load('a,b,c\n1,2,3\n"x\ny",5,6\n7,8,9,10\n'), /^test\.csv: line 5: expected 3 fields, got 4$/);
  await rejectsWith(load('a,b\n\n\n1,2,3'), /line 4: expected 2 fields, got 3/);
});

// With quoting detected these files read `"` as text (test/load/quoting.test.ts); read as RFC 4180:
test('an unterminated quote names the line where it opened', async () => {
  await rejectsWith(load('a,b\n1,2\n3,"open\n4,5\n6,7\n', { quote: 'double' }), /^test\.csv: line 3: .*unterminated quote/);
});

test('text after a closing quote is an error', async () => {
  await rejectsWith(load('a,b\n"x"y,2\n', { quote: 'double' }), /line 2: unexpected text after a closing quote/);
});

test('a quote inside an unquoted field is an ordinary character', async () => {
  const table = await load('height,n\n5\'10",1\n');
  assert.deepEqual(columnTexts(column(table, 'height')), ['5\'10"']);
});

test('header only and empty files are errors', async () => {
  await rejectsWith(load('a,b,c\n'), /^test\.csv: no data rows/);
  await rejectsWith(load('a,b,c\n\n\n'), /no data rows/);
  await rejectsWith(load(''), /^test\.csv: the file is empty$/);
  await rejectsWith(load('\uFEFF'), /the file is empty/);
  await rejectsWith(load('\n\r\n\n'), /the file is empty/);
});

test('duplicate header names are renamed with a warning, never last-one-wins', async () => {
  const table = await load('a,b,a,a,a_2\n1,2,3,4,5\n');
  assert.deepEqual(
    table.columns.map((c) => c.name),
    ['a', 'b', 'a_3', 'a_4', 'a_2'],
  );
  assert.deepEqual(columnTexts(column(table, 'a')), ['1']);
  assert.deepEqual(columnTexts(column(table, 'a_3')), ['3']);
  assert.equal(table.source.warnings.filter((w) => /repeats the name "a"/.test(w)).length, 2);
});

test('empty header names become column_<n> with a warning; names are trimmed', async () => {
  const table = await load(' x ,,"  "\n1,2,3\n');
  assert.deepEqual(
    table.columns.map((c) => c.name),
    ['x', 'column_2', 'column_3'],
  );
  assert.equal(table.source.warnings.filter((w) => /has no name/.test(w)).length, 2);
});

test('__proto__, constructor and toString are ordinary names and values', async () => {
  const table = await load('__proto__,constructor,toString\ntoString,__proto__,constructor\nconstructor,x,hasOwnProperty\n');
  assert.deepEqual(
    table.columns.map((c) => c.name),
    ['__proto__', 'constructor', 'toString'],
  );
  assert.deepEqual(columnTexts(column(table, '__proto__')), ['toString', 'constructor']);
  assert.deepEqual(columnTexts(column(table, 'toString')), ['constructor', 'hasOwnProperty']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('a NUL byte means not a text file, with its offset', async () => {
  await rejectsWith(load(Buffer.from('a,b\n1,\u00002\n')), /^test\.csv: not a text file \(NUL byte at offset 6\)$/);
  await rejectsWith(load(Buffer.from('\ufeffa\n1\n', 'utf16le')), /NUL byte at offset 3\).*UTF-16/);
});

test('invalid UTF-8 is an error with its byte offset and the Latin-1 hint', async () => {
  const bytes = Buffer.concat([Buffer.from('name,n\ncaf'), Buffer.from([0xe9]), Buffer.from(',1\n')]);
  await rejectsWith(load(bytes), /^test\.csv: invalid UTF-8 at byte offset 10; use --encoding latin1 to read it as Latin-1$/);
  for (const size of [1, 2, 3, 11]) await rejectsWith(load(chunked(bytes, size)), /byte offset 10;/);
  await rejectsWith(load(Buffer.from([0x61, 0x0a, 0xe2, 0x82])), /byte offset 2;/);
  await rejectsWith(load(Buffer.from([0x61, 0x0a, 0xc0, 0x80, 0x0a])), /byte offset 2;/);
});

test('valid multi-byte UTF-8 split across chunks decodes exactly', async () => {
  const bytes = Buffer.from('word,n\nʤ€😀,1\nü,2\n');
  for (const size of [1, 2, 3, 5]) {
    const table = await load(chunked(bytes, size));
    assert.deepEqual(columnTexts(column(table, 'word')), ['ʤ€😀', 'ü']);
  }
});

test('the latin1 option decodes bytes as Latin-1', async () => {
  const bytes = Buffer.concat([Buffer.from('name,n\ncaf'), Buffer.from([0xe9]), Buffer.from(',1\n')]);
  const table = await load(bytes, { encoding: 'latin1' });
  assert.deepEqual(columnTexts(column(table, 'name')), ['café']);
  assert.equal(table.source.encoding, 'latin1');
});

test('missing-value tokens are missing in numeric and text columns, not 0', async () => {
  const tokens = ['', ' ', 'NA', 'N/A', 'null', 'NULL', 'NaN', 'None', '?', '#N/A', 'nil', ' na ', '""'];
  const numeric = await load(`x,n\n${tokens.map((token, i) => `${token},${i}`).join('\n')}\n5,99\n`);
  const x = column(numeric, 'x');
  assert.equal(x.kind, 'numeric');
  assert.equal(x.missingCount, tokens.length);
  assert.deepEqual(columnTexts(x), [...tokens.map(() => ''), '5']);
  const text = await load(`x,n\n${tokens.map((token, i) => `${token},${i}`).join('\n')}\nabc,99\n`);
  const t = column(text, 'x');
  assert.equal(t.kind, 'text');
  assert.equal(t.missingCount, tokens.length);
  if (t.kind === 'text') assert.deepEqual(Array.from(t.codes.slice(0, tokens.length)), tokens.map(() => MISSING_CODE));
  const sodium = await load('element,n\nNa,1\nK,2\n');
  assert.equal(column(sodium, 'element').missingCount, 0);
});

test('number grammar: overflow, -0, NaN, hex, quoted thousands, whitespace', async () => {
  const table = await load('v,id\n1e309,1\n-1e309,2\n-0,3\nNaN," 5 "\n');
  const v = column(table, 'v');
  assert.equal(v.kind, 'numeric');
  if (v.kind === 'numeric') {
    assert.equal(v.values[0], Infinity);
    assert.equal(v.values[1], -Infinity);
    assert.ok(Object.is(v.values[2], -0));
    assert.ok(Number.isNaN(v.values[3]));
  }
  assert.deepEqual(columnTexts(column(table, 'id')), ['1', '2', '3', '5']);
  const hex = await load('v\n0x1F\n12\n');
  assert.equal(column(hex, 'v').kind, 'text');
  assert.deepEqual(columnTexts(column(hex, 'v')), ['0x1F', '12']);
  const grouped = await load('v;w\n"1,234";"1,234,567.5"\n"-3,793";"0.5"\n', { delimiter: ';' });
  assert.deepEqual(columnTexts(column(grouped, 'v')), ['1234', '-3793']);
  assert.deepEqual(columnTexts(column(grouped, 'w')), ['1234567.5', '0.5']);
  const notGrouped = await load('v;n\n1,234;1\n');
  assert.equal(column(notGrouped, 'v').kind, 'text');
  const badGroups = await load('v\n"1,5"\n"12,3456"\n');
  assert.equal(column(badGroups, 'v').kind, 'text');
});

test('identifiers stay text: leading zeros and 19-digit ids', async () => {
  const zeros = await load('zip,n\n00123,1\n4567,2\n');
  assert.equal(column(zeros, 'zip').kind, 'text');
  assert.deepEqual(columnTexts(column(zeros, 'zip')), ['00123', '4567']);
  const ids = await load('id\n1234567890123456789\n1234567890123456788\n');
  const id = column(ids, 'id');
  assert.equal(id.kind, 'text');
  assert.deepEqual(columnTexts(id), ['1234567890123456789', '1234567890123456788']);
  if (id.kind === 'text') assert.equal(id.dictionary.length, 2);
});

test('a column turning text keeps the spellings of its earlier numbers', async () => {
  const table = await load('v\n1.50\n2\n 7\n1e3\nabc\n1.50\n');
  const v = column(table, 'v');
  assert.equal(v.kind, 'text');
  assert.deepEqual(columnTexts(v), ['1.50', '2', ' 7', '1e3', 'abc', '1.50']);
  if (v.kind === 'text') assert.deepEqual(v.dictionary, ['1.50', '2', ' 7', '1e3', 'abc']);
  assert.deepEqual(table.source.warnings, []);
});

test('a 100,000-character cell is typed quickly (no backtracking)', async () => {
  const start = performance.now();
  const table = await load(`v\n${'1'.repeat(50000)}.${'2'.repeat(50000)}x\n${'9'.repeat(100000)}\n`);
  assert.equal(column(table, 'v').kind, 'text');
  assert.ok(performance.now() - start < 1000);
});

test('a 10 MB field is read whole, and a field over the limit is refused', async () => {
  const big = 'x'.repeat(10 * 2 ** 20);
  const table = await load(chunked(Buffer.from(`a,b\n"${big}",1\n`), 1 << 20));
  const a = column(table, 'a');
  assert.equal(a.kind, 'text');
  if (a.kind === 'text') assert.equal(a.dictionary[0].length, big.length);
  await rejectsWith(load(`a,b\n${'y'.repeat(2000)},1\n`, { maxFieldBytes: 1000 }), /line 2: a field is larger than 1000 bytes.*--max-field-bytes/);
  await rejectsWith(
    load(chunked(Buffer.from(`a,b\n"${'y'.repeat(2000)}",1\n`), 100), { maxFieldBytes: 1000 }),
    /larger than 1000 bytes/,
  );
});

test('10,000 columns load; more than the column limit is refused', async () => {
  const width = 10000;
  const header = Array.from({ length: width }, (_, i) => `c${i}`).join(',');
  const row = (r: number): string => Array.from({ length: width }, (_, i) => String(i + r)).join(',');
  const table = await load(`${header}\n${row(0)}\n${row(1)}\n`);
  assert.equal(table.columns.length, width);
  assert.equal(table.rowCount, 2);
  assert.equal(cellText(table.columns[9999], 1), '10000');
  await rejectsWith(load('a,b,c\n1,2,3\n', { maxColumns: 2 }), /line 1: more than 2 columns.*--max-columns/);
});

test('gzip input is detected by its magic bytes and decompressed', async () => {
  const text = 'a,b\n1,2\n3,4\n';
  const file = tempFile('data.csv.gz', gzipSync(text));
  const table = await loadTable(file);
  assert.equal(table.source.compressed, true);
  assert.equal(table.rowCount, 2);
  const unnamed = await load(chunked(gzipSync(text), 1));
  assert.equal(unnamed.source.compressed, true);
  assert.deepEqual(columnTexts(column(unnamed, 'b')), ['2', '4']);
});

test('truncated gzip is an error', async () => {
  const compressed = gzipSync('a,b\n' + '1,2\n'.repeat(10000));
  await rejectsWith(load(compressed.subarray(0, compressed.length - 20)), /^test\.csv: the gzip data ends early \(truncated file\)$/);
});

test('a gzip bomb stops at the decompressed limit', async () => {
  const bomb = gzipSync(Buffer.alloc(50 * 2 ** 20, 0x31));
  const before = process.memoryUsage().rss;
  await rejectsWith(
    load(chunked(bomb, 4096), { maxDecompressedBytes: 2 ** 20 }),
    /larger than 1048576 bytes \(raise the limit with --max-decompressed-bytes\)/,
  );
  assert.ok(process.memoryUsage().rss - before < 40 * 2 ** 20);
});

test('source info: bytes and sha256 of the stored file', async () => {
  const file = tempFile('plain.csv', 'a\n1\n');
  const table = await loadTable(file);
  assert.equal(table.source.bytes, 4);
  assert.equal(table.source.sha256, createHash('sha256').update('a\n1\n').digest('hex'));
  assert.equal(table.source.path, file);
});

test('a missing file or a folder is an input error', async () => {
  await rejectsWith(loadTable('/nonexistent/file.csv'), /^\/nonexistent\/file\.csv: no such file$/);
  await rejectsWith(loadTable('/tmp'), /is a folder/);
});

test('delimiter detection: comma, semicolon, tab, pipe, and the override', async () => {
  const comma = await load('a,b\n1,2\n');
  assert.deepEqual([comma.source.delimiter, comma.source.delimiterSource], [',', 'detected']);
  const semicolon = await load('a;b\n1,5;2,5\n3,5;4\n');
  assert.deepEqual([semicolon.source.delimiter, semicolon.source.delimiterSource], [';', 'detected']);
  assert.deepEqual(columnTexts(column(semicolon, 'a')), ['1,5', '3,5']);
  const tab = await load('a\tb\n"x,y"\t2\n');
  assert.deepEqual([tab.source.delimiter, tab.source.delimiterSource], ['\t', 'detected']);
  const pipe = await load('a|b\n1|2\n');
  assert.equal(pipe.source.delimiter, '|');
  const forced = await load('a;b\n1;2\n', { delimiter: ',' });
  assert.deepEqual([forced.source.delimiterSource, forced.columns.length], ['option', 1]);
  const tabWord = await load('a\tb\n1\t2\n', { delimiter: 'tab' });
  assert.equal(tabWord.columns.length, 2);
  await rejectsWith(load('a\n1\n', { delimiter: '::' }), /--delimiter must be a single/);
});

test('an unsure delimiter is guessed with a warning', async () => {
  const table = await load('a,b;c\n1,2;3\n4;5,6\n');
  assert.equal(table.source.delimiterSource, 'guessed');
  assert.match(table.source.warnings[0], /delimiter guessed as .*--delimiter/);
});

test('a single-column file works, even with commas in its values', async () => {
  const table = await load('name\nDoe, John\nSmith\n');
  assert.equal(table.columns.length, 1);
  assert.equal(table.source.delimiterSource, 'detected');
  assert.deepEqual(columnTexts(table.columns[0]), ['Doe, John', 'Smith']);
});

test('a line ending in the delimiter has an empty last field', async () => {
  const table = await load('a,b\n1,\n2,3\n');
  assert.deepEqual(columnTexts(column(table, 'b')), ['', '3']);
  assert.equal(column(table, 'b').missingCount, 1);
});

test('past 65,536 remembered spellings, normalised earlier numbers are reported', async () => {
  // 4000 text cells: more than 5%, so the column is text (a single one would leave it numeric).
  const table = await load(`v\n${'1.50\n'.repeat(70000)}${'abc\n'.repeat(4000)}`);
  const v = column(table, 'v');
  assert.equal(v.kind, 'text');
  if (v.kind === 'text') assert.deepEqual(v.dictionary, ['1.50', '1.5', 'abc']);
  assert.equal(table.source.warnings.length, 1);
  assert.match(table.source.warnings[0], /column "v" became text at row 70000; 4464 earlier numeric cells are shown in canonical form/);
});

test('onProgress reports the stored bytes read', async () => {
  const file = tempFile('progress.csv', `a,b\n${'1,2\n'.repeat(1000)}`);
  const calls: [number, number][] = [];
  await loadTable(file, { chunkSize: 1024, onProgress: (read, total) => calls.push([read, total]) });
  assert.ok(calls.length >= 4);
  assert.deepEqual(calls.at(-1), [4004, 4004]);
});
