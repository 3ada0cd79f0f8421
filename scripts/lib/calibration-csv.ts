/**
 * A small CSV reader/writer for the calibration harness (scripts/calibrate.ts): independent of the
 * auditor's loader, so that a file the auditor cannot read can still be split and poisoned.
 *
 * - Quoted dialect (every delimiter except tab): RFC 4180: fields separated by the delimiter,
 *   a field that starts with `"` is quoted (`""` is a quote inside it, delimiters and line ends
 *   are data); a quote inside an unquoted field is kept as text, as is text after a closing quote
 *   (lenient: the harness must not reject what it only splits).
 * - Tab dialect: IANA text/tab-separated-values: no quoting at all (a `"` is plain text), a record
 *   is one line split on tabs.
 * - Line ends LF, CRLF or a lone CR; blank lines are skipped (as the auditor does), so record i of
 *   `rows` is data row i as the auditor numbers it. A UTF-8 byte order mark is kept aside.
 *
 * Every record keeps its raw text, so a row written back unchanged is byte-identical to its line
 * in the source file; an edited row is written field by field, each field quoted as it was
 * (`quoted` flags), new fields quoted only when they must be (formatCsvRecord).
 */
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { formatCsvRecord } from '../../src/load/csv-writer.js';
import { TableBuilder } from '../../src/load/table-builder.js';
import type { Table } from '../../src/table/table.js';

export interface Dialect {
  delimiter: string;
  /** False for tab-separated files: `"` is plain text. */
  quoting: boolean;
  lineEnd: '\n' | '\r\n';
  bom: boolean;
}

export interface Row {
  fields: string[];
  /** Which fields were quoted in the source (all false for new rows and the tab dialect). */
  quoted: boolean[];
  /** The record as written in the source (without its line end), or null once edited. */
  raw: string | null;
}

export interface ParsedCsv {
  dialect: Dialect;
  header: Row;
  rows: Row[];
}

/** Reads a file (gunzipped when its bytes say so) as UTF-8 text. */
export function readText(file: string): string {
  const bytes = readFileSync(file);
  const plain = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  return plain.toString('utf8');
}

export function parseCsv(text: string, delimiter: string): ParsedCsv {
  if (delimiter.length !== 1) throw new Error(`delimiter must be one character, got ${JSON.stringify(delimiter)}`);
  const bom = text.charCodeAt(0) === 0xfeff;
  const body = bom ? text.slice(1) : text;
  const firstEnd = body.search(/\r\n|\n|\r/);
  const lineEnd = firstEnd >= 0 && body[firstEnd] === '\r' && body[firstEnd + 1] === '\n' ? '\r\n' : '\n';
  const quoting = delimiter !== '\t';
  const records = quoting ? quotedRecords(body, delimiter) : tabRecords(body);
  if (records.length === 0) throw new Error('the file is empty');
  const [header, ...rows] = records;
  const width = header.fields.length;
  rows.forEach((row, i) => {
    if (row.fields.length !== width) throw new Error(`data row ${i}: ${row.fields.length} fields, the header has ${width}`);
  });
  return { dialect: { delimiter, quoting, lineEnd, bom }, header, rows };
}

function isBlank(row: Row): boolean {
  return row.fields.length === 1 && row.fields[0] === '' && !row.quoted[0];
}

function tabRecords(text: string): Row[] {
  const out: Row[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    const fields = line.split('\t');
    const row: Row = { fields, quoted: fields.map(() => false), raw: line };
    if (!isBlank(row)) out.push(row);
  }
  return out;
}

function quotedRecords(text: string, delimiter: string): Row[] {
  const out: Row[] = [];
  let fields: string[] = [];
  let quoted: boolean[] = [];
  let recordStart = 0;
  let i = 0;
  const n = text.length;
  const endRecord = (end: number): void => {
    const row: Row = { fields, quoted, raw: text.slice(recordStart, end) };
    if (!isBlank(row)) out.push(row);
    fields = [];
    quoted = [];
  };
  while (i <= n) {
    // At the start of a field.
    let value = '';
    let wasQuoted = false;
    if (text[i] === '"') {
      wasQuoted = true;
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) {
          value += text.slice(i); // unterminated: the rest of the file
          i = n;
          break;
        }
        value += text.slice(i, close);
        if (text[close + 1] === '"') {
          value += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
    }
    // Unquoted part (or lenient text after a closing quote) up to the delimiter or line end.
    let j = i;
    while (j < n && text[j] !== delimiter && text[j] !== '\n' && text[j] !== '\r') j++;
    value += text.slice(i, j);
    fields.push(value);
    quoted.push(wasQuoted);
    if (j >= n) {
      endRecord(n);
      break;
    }
    if (text[j] === delimiter) {
      i = j + 1;
      continue;
    }
    endRecord(j);
    i = text[j] === '\r' && text[j + 1] === '\n' ? j + 2 : j + 1;
    recordStart = i;
    if (i >= n) break;
  }
  return out;
}

/** One field as the dialect writes it. */
export function formatField(value: string, quoted: boolean, dialect: Dialect): string {
  if (!dialect.quoting) {
    if (/[\t\r\n]/.test(value)) throw new Error(`a tab-separated field cannot hold a tab or line end: ${JSON.stringify(value)}`);
    return value;
  }
  if (quoted) return `"${value.replaceAll('"', '""')}"`;
  return value === '' ? '' : formatCsvRecord([value], dialect.delimiter);
}

export function formatRow(row: Row, dialect: Dialect): string {
  if (row.raw !== null) return row.raw;
  return row.fields.map((field, i) => formatField(field, row.quoted[i] ?? false, dialect)).join(dialect.delimiter);
}

export function writeCsvText(csv: ParsedCsv): string {
  const { dialect } = csv;
  const lines = [formatRow(csv.header, dialect), ...csv.rows.map((row) => formatRow(row, dialect))];
  return (dialect.bom ? '\ufeff' : '') + lines.join(dialect.lineEnd) + dialect.lineEnd;
}

/** A copy of a row with some fields replaced (raw text dropped, quoting kept per field). */
export function editedRow(row: Row, changes: ReadonlyMap<number, string>, quoteNew: (column: number) => boolean): Row {
  const fields = row.fields.slice();
  const quoted = row.quoted.slice();
  for (const [column, value] of changes) {
    fields[column] = value;
    quoted[column] = quoteNew(column);
  }
  return { fields, quoted, raw: null };
}

/**
 * The auditor's own columnar table (its cell grammar and column typing, through TableBuilder)
 * from parsed rows: used to profile columns and to train forests exactly on what the auditor
 * would see, without going through its tokenizer.
 */
export function buildTable(header: Row, rows: readonly Row[]): Table {
  const builder = new TableBuilder('calibration', 'utf8', rows.length);
  const feed = (row: Row, line: number): void => {
    for (let i = 0; i < row.fields.length; i++) {
      const buf = Buffer.from(row.fields[i], 'utf8');
      builder.field(buf, 0, buf.length, row.quoted[i] ?? false, -1);
    }
    builder.endRecord(line, row.fields.length);
  };
  feed(header, 1);
  rows.forEach((row, i) => feed(row, i + 2));
  return { rowCount: builder.rows, columns: builder.columnsBuilt() };
}
