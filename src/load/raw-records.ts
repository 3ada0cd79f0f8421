/**
 * Records as they are in the file, through the same tokenizer as the table loader (same row
 * numbers, same errors): the exact bytes of each record, for `--emit-clean` (the file minus
 * some rows, otherwise byte for byte), and the decoded fields of chosen rows, for `--quarantine`.
 * Blank lines belong to no record and are passed to nobody. For gzip input these are the
 * decompressed bytes.
 */
import { DEFAULT_CHUNK_SIZE, fileChunks, fileSize } from './byte-source.js';
import { readCsv, StopReading, type CsvConsumer, type CsvReadOptions } from './read-csv.js';
import { checkRecordWidth } from './record-width.js';

export type RecordReadOptions = Omit<CsvReadOptions, 'path' | 'totalBytes'>;

/**
 * Calls `onHeader` with the header record's bytes (its line end included, and the UTF-8 BOM in
 * front when the file has one) and `onRecord` with each data record's bytes (line end included
 * when there is one). The arrays are views valid during the call only: copy what you keep.
 */
export async function forEachRawRecord(
  path: string,
  options: RecordReadOptions,
  onRecord: (row: number, raw: Uint8Array) => void,
  onHeader?: (raw: Uint8Array) => void,
): Promise<string> {
  await fileSize(path);
  const read = await readCsv(fileChunks(path, options.chunkSize ?? DEFAULT_CHUNK_SIZE), { ...options, path }, (dialect) => {
    return new RawRecordCollector(path, dialect.bom, onRecord, onHeader);
  });
  return read.sha256;
}

/**
 * The header's fields and those of the wanted rows, from one read of the whole file, with the
 * sha256 of the bytes read: a caller compares it with the audited file's to know these are the
 * audited bytes.
 */
export async function readHeaderAndRecords(
  path: string,
  options: RecordReadOptions,
  rows: ReadonlySet<number>,
): Promise<{ header: string[] | null; fields: Map<number, string[]>; sha256: string }> {
  await fileSize(path);
  const found = new Map<number, string[]>();
  const read = await readCsv(fileChunks(path, options.chunkSize ?? DEFAULT_CHUNK_SIZE), { ...options, path }, (dialect) => {
    return new FieldCollector(path, dialect.encoding, (row) => rows.has(row), Infinity, found, true);
  });
  const header = found.get(-1) ?? null;
  found.delete(-1);
  return { header, fields: found, sha256: read.sha256 };
}

/** The decoded fields of the wanted data rows (0-based, header excluded); absent rows are left out. */
export async function readRecordFields(
  path: string,
  options: RecordReadOptions,
  rows: ReadonlySet<number>,
): Promise<Map<number, string[]>> {
  await fileSize(path);
  const chunks = fileChunks(path, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  return recordFieldsFromChunks(chunks, { ...options, path }, (row) => rows.has(row), rows.size);
}

/**
 * The decoded fields of the data rows that `wanted` accepts, from stored bytes in any chunking.
 * Reading stops once `wantedCount` rows are found (pass Infinity to read everything).
 */
export async function recordFieldsFromChunks(
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: CsvReadOptions,
  wanted: (row: number) => boolean,
  wantedCount = Infinity,
): Promise<Map<number, string[]>> {
  const found = new Map<number, string[]>();
  if (wantedCount === 0) return found;
  await readCsv(chunks, options, (dialect) => new FieldCollector(options.path, dialect.encoding, wanted, wantedCount, found));
  return found;
}

class RawRecordCollector implements CsvConsumer {
  private readonly chunks: Buffer[] = [];
  private readonly offsets: number[] = [];
  private width = -1;
  private row = 0;

  constructor(
    private readonly path: string,
    private readonly bom: Buffer,
    private readonly onRecord: (row: number, raw: Uint8Array) => void,
    private readonly onHeader: ((raw: Uint8Array) => void) | undefined,
  ) {}

  beginChunk(buf: Buffer, offset: number): void {
    this.chunks.push(buf);
    this.offsets.push(offset);
  }

  field(): void {}

  endRecord(startLine: number, fieldCount: number, startOffset: number, endOffset: number): void {
    const raw = this.bytes(startOffset, endOffset);
    if (this.width === -1) {
      this.width = fieldCount;
      this.onHeader?.(this.bom.length > 0 ? Buffer.concat([this.bom, raw]) : raw);
    } else {
      checkRecordWidth(this.path, startLine, this.width, fieldCount);
      this.onRecord(this.row++, raw);
    }
    this.releaseBefore(endOffset);
  }

  /** Bytes `[start, end)` of the text stream, from the chunks still held. */
  private bytes(start: number, end: number): Uint8Array {
    const first = this.chunkHolding(start);
    const firstOffset = this.offsets[first];
    if (end - firstOffset <= this.chunks[first].length) {
      return this.chunks[first].subarray(start - firstOffset, end - firstOffset);
    }
    const parts: Buffer[] = [];
    for (let k = first; k < this.chunks.length && this.offsets[k] < end; k++) {
      const chunk = this.chunks[k];
      const from = Math.max(start - this.offsets[k], 0);
      const to = Math.min(end - this.offsets[k], chunk.length);
      parts.push(chunk.subarray(from, to));
    }
    return Buffer.concat(parts);
  }

  private chunkHolding(offset: number): number {
    let k = 0;
    while (k < this.chunks.length - 1 && this.offsets[k] + this.chunks[k].length <= offset) k++;
    return k;
  }

  private releaseBefore(offset: number): void {
    let drop = 0;
    while (drop < this.chunks.length - 1 && this.offsets[drop] + this.chunks[drop].length <= offset) drop++;
    if (drop > 0) {
      this.chunks.splice(0, drop);
      this.offsets.splice(0, drop);
    }
  }
}

class FieldCollector implements CsvConsumer {
  private fields: string[] = [];
  private width = -1;
  private row = 0;
  private collecting = false;

  constructor(
    private readonly path: string,
    private readonly encoding: 'utf8' | 'latin1',
    private readonly wanted: (row: number) => boolean,
    private readonly wantedCount: number,
    private readonly found: Map<number, string[]>,
    /** Also keep the header's fields, under row -1. */
    withHeader = false,
  ) {
    this.collecting = withHeader;
  }

  field(buf: Buffer, start: number, end: number): void {
    if (this.collecting) this.fields.push(buf.toString(this.encoding, start, end));
  }

  endRecord(startLine: number, fieldCount: number): void {
    if (this.width === -1) {
      this.width = fieldCount;
      if (this.collecting) {
        this.found.set(-1, this.fields);
        this.fields = [];
      }
    } else {
      checkRecordWidth(this.path, startLine, this.width, fieldCount);
      if (this.collecting) {
        this.found.set(this.row, this.fields);
        this.fields = [];
        if (this.found.size >= this.wantedCount) throw new StopReading();
      }
      this.row++;
    }
    this.collecting = this.wanted(this.row);
  }
}
