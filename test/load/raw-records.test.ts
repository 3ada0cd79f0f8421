// Raw record bytes (for --emit-clean) and decoded fields of chosen rows (for --quarantine).
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { InputError } from '../../src/errors.js';
import { forEachRawRecord, readRecordFields, recordFieldsFromChunks } from '../../src/load/raw-records.js';
import { chunked, tempFile } from './helpers.js';

async function rawRecords(file: string, chunkSize?: number): Promise<{ header: string; records: [number, string][] }> {
  let header = '';
  const records: [number, string][] = [];
  await forEachRawRecord(
    file,
    { chunkSize },
    (row, raw) => records.push([row, Buffer.from(raw).toString('latin1')]),
    (raw) => (header = Buffer.from(raw).toString('latin1')),
  );
  return { header, records };
}

const messy = '\uFEFFid,text\r\n1,"two\r\nlines"\r\n\r\n2,plain\n\n3,"a ""quoted"" word"\r4,last';

test('raw records are the exact bytes of each record, line end included', async () => {
  const file = tempFile('messy.csv', messy);
  for (const chunkSize of [undefined, 1, 2, 3, 7]) {
    const { header, records } = await rawRecords(file, chunkSize);
    assert.equal(header, Buffer.from('\uFEFFid,text\r\n').toString('latin1'));
    assert.deepEqual(records, [
      [0, '1,"two\r\nlines"\r\n'],
      [1, '2,plain\n'],
      [2, '3,"a ""quoted"" word"\r'],
      [3, '4,last'],
    ]);
  }
});

test('the file minus some rows is byte for byte the rest (blank lines dropped)', async () => {
  const file = tempFile('clean.csv', messy);
  const parts: Buffer[] = [];
  await forEachRawRecord(
    file,
    {},
    (row, raw) => {
      if (row !== 1) parts.push(Buffer.from(raw));
    },
    (raw) => parts.push(Buffer.from(raw)),
  );
  assert.equal(Buffer.concat(parts).toString(), '\uFEFFid,text\r\n1,"two\r\nlines"\r\n3,"a ""quoted"" word"\r4,last');
});

test('raw records of a gzip file are its decompressed records', async () => {
  const file = tempFile('gz.csv.gz', gzipSync('a,b\n1,2\n3,4\n'));
  const { records } = await rawRecords(file);
  assert.deepEqual(records, [
    [0, '1,2\n'],
    [1, '3,4\n'],
  ]);
});

test('ragged rows are errors here too', async () => {
  const file = tempFile('ragged.csv', 'a,b\n1,2\n3\n');
  await assert.rejects(rawRecords(file), (error: unknown) => error instanceof InputError && /line 3: expected 2 fields, got 1/.test(error.message));
});

test('readRecordFields returns the decoded fields of the wanted rows', async () => {
  const file = tempFile('fields.csv', messy);
  const fields = await readRecordFields(file, {}, new Set([0, 2, 99]));
  assert.deepEqual([...fields.entries()], [
    [0, ['1', 'two\r\nlines']],
    [2, ['3', 'a "quoted" word']],
  ]);
  assert.equal((await readRecordFields(file, {}, new Set())).size, 0);
});

test('reading fields stops once the wanted rows are found', async () => {
  const bytes = Buffer.from('a\n1\n2\n3\n"never closed\n');
  const fields = await recordFieldsFromChunks(chunked(bytes, 2), { path: 'x.csv' }, (row) => row === 1, 1);
  assert.deepEqual([...fields.entries()], [[1, ['2']]]);
});
