/**
 * Loads a CSV/TSV file (optionally gzip-compressed) into the columnar table in one streaming
 * pass. Only the columns are held in memory, never the file.
 *
 * Decisions (details in the modules named):
 * - dialect: RFC 4180 with LF, CRLF or lone CR line ends, UTF-8 BOM stripped (tokenizer.ts);
 * - delimiter among , ; tab | detected from the first 64 KiB (delimiter.ts);
 * - quoting: RFC 4180 unless the first 64 KiB show `"` used as plain text (quoting.ts);
 * - header names trimmed, empty and duplicate names renamed with a warning (header-names.ts);
 * - number grammar, identifiers and missing-value tokens (cell-parser.ts);
 * - column typing in one pass (column-builder.ts);
 * - limits: field size (--max-field-bytes, 64 MiB), columns (--max-columns, 20000),
 *   decompressed size (--max-decompressed-bytes, 16 GiB, plus a 1000x ratio guard past 64 MiB
 *   that an explicit limit replaces).
 */
import { InputError, QuoteError } from '../errors.js';
import type { LoadedTable } from '../table/table.js';
import { DEFAULT_CHUNK_SIZE, fileChunks, fileSize } from './byte-source.js';
import { readCsv, type CsvReadOptions } from './read-csv.js';
import { TableBuilder } from './table-builder.js';
import { MemoryGuard } from './memory-budget.js';
import { open } from 'node:fs/promises';

export interface LoadOptions {
  /** `,` `;` `|` `\t` (or `tab`), any single ASCII character; detected when absent. */
  delimiter?: string;
  /** `double`: RFC 4180 quoting; `none`: `"` is an ordinary character. Detected when absent. */
  quote?: 'none' | 'double';
  encoding?: 'utf8' | 'latin1';
  /** Default 64 MiB. */
  maxFieldBytes?: number;
  /** Default 20000. */
  maxColumns?: number;
  /** Default 16 GiB, plus a ratio guard (over 64 MiB and over 1000x the compressed bytes). */
  maxDecompressedBytes?: number;
  /** Bytes per read, default 1 MiB. */
  chunkSize?: number;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Memory the run may use, in bytes (src/load/memory-budget.ts); unlimited when absent. */
  maxMemoryBytes?: number;
}

export async function loadTable(path: string, options: LoadOptions = {}): Promise<LoadedTable> {
  const totalBytes = await fileSize(path);
  const read = (quote: LoadOptions['quote']) => {
    const memoryGuard = options.maxMemoryBytes === undefined ? undefined : new MemoryGuard(path, options.maxMemoryBytes);
    return parseCsvChunks(fileChunks(path, options.chunkSize ?? DEFAULT_CHUNK_SIZE), { ...options, quote, path, totalBytes, memoryGuard });
  };
  if (options.maxMemoryBytes !== undefined && !(await isGzip(path))) new MemoryGuard(path, options.maxMemoryBytes).checkWhole(totalBytes);
  try {
    return await read(options.quote);
  } catch (error) {
    // Quoting is detected from the start of the file; when a later field shows that `"` is plain
    // text there after all, the file is read once more with quoting off, and the report says so.
    if (!(error instanceof QuoteError) || !error.detected || options.quote !== undefined) throw error;
    const table = await read('none');
    const why = error.message.replace(/; if quotes are plain text in this file, pass --quote none$/, '');
    return {
      ...table,
      source: {
        ...table.source,
        quoteSource: 'detected',
        warnings: [`quoting looked like RFC 4180 at the start of the file, but ${why}; the file was read again with " as plain text (pass --quote double to insist)`, ...table.source.warnings],
      },
    };
  }
}

/**
 * The same as loadTable, from stored bytes in any chunking (gzip detected from the bytes).
 * `path` is only used in messages and in `source.path`.
 */
export async function parseCsvChunks(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: LoadOptions & { path: string; totalBytes?: number; memoryGuard?: MemoryGuard },
): Promise<LoadedTable> {
  let builder: TableBuilder | null = null;
  const read = await readCsv(chunks, options satisfies CsvReadOptions, (dialect, hint) => {
    builder = new TableBuilder(options.path, dialect.encoding, hint.estimatedRecords);
    return builder;
  });
  const table = builder as TableBuilder | null;
  if (table === null || !table.hasHeader) throw new InputError(`${options.path}: the file is empty`);
  if (table.rows === 0) throw new InputError(`${options.path}: no data rows (only a header)`);
  const { dialect } = read;
  return {
    rowCount: table.rows,
    columns: table.columnsBuilt(),
    source: {
      path: options.path,
      bytes: read.storedBytes,
      sha256: read.sha256,
      compressed: read.compressed,
      delimiter: String.fromCharCode(dialect.delimiter),
      delimiterSource: dialect.delimiterSource,
      quote: dialect.quote,
      quoteSource: dialect.quoteSource,
      encoding: dialect.encoding,
      hadBom: dialect.bom.length > 0,
      blankLinesSkipped: read.blankLines,
      warnings: [...read.warnings, ...table.warnings, ...table.columnWarnings()],
    },
  };
}

/** Whether the file starts with the gzip magic bytes (its size says nothing of its text then). */
export async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
