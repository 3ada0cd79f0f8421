import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCsvChunks, type LoadOptions } from '../../src/load/load-table.js';
import type { Column, LoadedTable } from '../../src/table/table.js';

/** Loads CSV text or bytes, in one chunk or in the chunks given. */
export function load(input: string | Uint8Array | Uint8Array[], options: LoadOptions = {}): Promise<LoadedTable> {
  const chunks = Array.isArray(input) ? input : [typeof input === 'string' ? Buffer.from(input) : input];
  return parseCsvChunks(chunks, { ...options, path: 'test.csv' });
}

/** Splits bytes into chunks of the given size (the last one may be shorter). */
export function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

/** The cell as a string: numbers through String(), missing cells as ''. */
export function cellText(column: Column, row: number): string {
  if (column.kind === 'numeric') {
    const value = column.values[row];
    return Number.isNaN(value) ? '' : String(value);
  }
  const code = column.codes[row];
  return code === 0xffffffff ? '' : column.dictionary[code];
}

export function columnTexts(column: Column): string[] {
  return Array.from({ length: column.kind === 'numeric' ? column.values.length : column.codes.length }, (_, row) =>
    cellText(column, row),
  );
}

export function column(table: LoadedTable, name: string): Column {
  const found = table.columns.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no column ${name}`);
  return found;
}

let folder: string | null = null;

/** Writes a file in a temporary folder removed after the tests of the file. */
export function tempFile(name: string, content: string | Uint8Array): string {
  if (folder === null) {
    folder = mkdtempSync(path.join(tmpdir(), 'audit-data-load-'));
    const created = folder;
    process.on('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  const file = path.join(folder, name);
  writeFileSync(file, content);
  return file;
}
