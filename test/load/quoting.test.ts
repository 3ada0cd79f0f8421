// Whether a file uses RFC 4180 quoting: detected from the first 64 KiB, or chosen with `quote`.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.js';
import { loadTable } from '../../src/load/load-table.js';
import { chunked, column, columnTexts, load } from './helpers.js';

const SMS_HEAD = fileURLToPath(new URL('../fixtures/realworld/sms-spam-collection-head.tsv.gz', import.meta.url));

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  });
}

const PLAIN_QUOTES = 'class\tmessage\nham\tfine\nham\t"Hello" she said\nspam\t"Win now"\nham\t5\'10" tall\n';

test('a quote closed and followed by text means quotes are plain text: read as such, and said so', async () => {
  const table = await load(PLAIN_QUOTES);
  assert.equal(table.rowCount, 4);
  assert.deepEqual(columnTexts(column(table, 'message')), ['fine', '"Hello" she said', '"Win now"', '5\'10" tall']);
  assert.equal(table.source.quote, 'none');
  assert.equal(table.source.quoteSource, 'detected');
  assert.equal(table.source.delimiter, '\t');
  assert.ok(table.source.warnings.some((w) => /line 3/.test(w) && /--quote double/.test(w)), table.source.warnings.join('\n'));
});

test('the same decision in any chunking', async () => {
  const bytes = Buffer.from(PLAIN_QUOTES);
  for (const size of [1, 3, 7]) {
    const table = await load(chunked(bytes, size));
    assert.equal(table.source.quote, 'none');
    assert.deepEqual(columnTexts(column(table, 'message')), ['fine', '"Hello" she said', '"Win now"', '5\'10" tall']);
  }
});

test('a quote that opens a field and never closes (whole file read) is plain text too', async () => {
  const table = await load('a,b\n1,2\n3,"open\n4,5\n6,7\n');
  assert.equal(table.source.quote, 'none');
  assert.equal(table.rowCount, 4);
  assert.deepEqual(columnTexts(column(table, 'b')), ['2', '"open', '5', '7']);
});

test('RFC 4180 quoting is detected and read as before', async () => {
  const table = await load('id,text\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,plain\n');
  assert.equal(table.source.quote, 'double');
  assert.equal(table.source.quoteSource, 'detected');
  assert.deepEqual(columnTexts(column(table, 'text')), ['a, b', 'say "hi"', 'two\nlines', 'plain']);
  assert.deepEqual(table.source.warnings, []);
  const noQuotes = await load('a,b\n1,2\n');
  assert.equal(noQuotes.source.quote, 'double');
});

test('a file that clearly uses quoting (quoted header, quoted delimiters) keeps it: a broken field is an error', async () => {
  await rejectsWith(load('"id","note"\n1,"a"\n2,"b"x\n'), /line 3: unexpected text after a closing quote.*--quote none/);
  await rejectsWith(load('id,note\n1,"a, b"\n2,"b"x\n'), /line 3: unexpected text after a closing quote.*--quote none/);
});

test('--quote double keeps the strict reading, --quote none reads quotes as text', async () => {
  await rejectsWith(load(PLAIN_QUOTES, { quote: 'double' }), /line 3: unexpected text after a closing quote/);
  const table = await load('id,text\n1,"a"\n2,"b c"\n', { quote: 'none' });
  assert.equal(table.source.quote, 'none');
  assert.equal(table.source.quoteSource, 'option');
  assert.deepEqual(columnTexts(column(table, 'text')), ['"a"', '"b c"']);
  const rfc = await load('id,text\n1,"a"\n', { quote: 'double' });
  assert.equal(rfc.source.quoteSource, 'option');
  assert.deepEqual(columnTexts(column(rfc, 'text')), ['a']);
});

test('without quoting, delimiters between quotes split fields', async () => {
  const table = await load('a;b\n"x;y\n"p;q"\n', { quote: 'none' });
  assert.equal(table.source.delimiter, ';');
  assert.deepEqual(columnTexts(column(table, 'a')), ['"x', '"p']);
  assert.deepEqual(columnTexts(column(table, 'b')), ['y', 'q"']);
});

test('an unknown --quote value is refused', async () => {
  await rejectsWith(load('a\n1\n', { quote: 'single' as 'none' }), /--quote must be none or double/);
});

test('sms-spam-collection excerpt (plain tab-separated, " is text): every line is one record', async () => {
  const lines = readFileSync(SMS_HEAD);
  const table = await loadTable(SMS_HEAD);
  assert.ok(lines.length > 0);
  assert.equal(table.rowCount, 400);
  assert.deepEqual(table.columns.map((c) => c.name), ['class', 'message']);
  assert.equal(table.source.delimiter, '\t');
  assert.equal(table.source.quote, 'none');
  const messages = columnTexts(column(table, 'message'));
  assert.ok(messages[282].startsWith('"'), messages[282]);
  assert.equal(messages.filter((m) => m.includes('\t') || m.includes('\n')).length, 0);
});

test('quoting detected from the start but contradicted later: the file is read again with quotes as text, and says so', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-data-quote-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'messages.tsv');
  // A quoted field with a doubled quote looks like quoting; a message far past the detection
  // sample starts with a quote that is plain text.
  const lines = ['label\tmessage', 'ham\t"he said ""hi"""'];
  for (let i = 0; i < 4000; i++) lines.push(`${i % 7 === 0 ? 'spam' : 'ham'}\tmessage number ${i} with some words in it`);
  lines.push('ham\t"Quoted" at the start, then more text');
  writeFileSync(file, lines.join('\n') + '\n');
  const table = await loadTable(file);
  assert.equal(table.rowCount, 4002);
  assert.equal(table.source.quote, 'none');
  assert.equal(table.source.quoteSource, 'detected');
  assert.match(table.source.warnings[0], /read again with " as plain text/);
  await assert.rejects(loadTable(file, { quote: 'double' }), /unexpected text after a closing quote/);
});
