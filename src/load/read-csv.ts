/**
 * The one pass every CSV reader shares: stored bytes (hashed, maybe gunzipped) → text checks
 * (NUL, UTF-8) → BOM, delimiter and quoting decided from the first 64 KiB → tokenizer → a sink.
 */
import { InputError } from '../errors.js';
import { DEFAULT_CHUNK_SIZE, newStoredBytesInfo, textBytes } from './byte-source.js';
import { DETECTION_SAMPLE_BYTES, delimiterFromOption, detectDelimiter, type DelimiterChoice } from './delimiter.js';
import { detectQuoting, quoteFromOption, type QuoteChoice } from './quoting.js';
import { TextCheck } from './text-check.js';
import { CsvTokenizer, type CsvSink } from './tokenizer.js';

export const DEFAULT_MAX_FIELD_BYTES = 64 * 2 ** 20;
export const DEFAULT_MAX_COLUMNS = 20000;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface CsvReadOptions {
  /** Shown in messages; the bytes come from the chunks given to readCsv. */
  readonly path: string;
  /** `,` `;` `|` `\t` (or `tab`), any single ASCII character; detected when absent. */
  readonly delimiter?: string;
  /** `double` (RFC 4180 quoting) or `none` (`"` is plain text); detected when absent (quoting.ts). */
  readonly quote?: 'none' | 'double';
  readonly encoding?: 'utf8' | 'latin1';
  readonly maxFieldBytes?: number;
  readonly maxColumns?: number;
  readonly maxDecompressedBytes?: number;
  readonly chunkSize?: number;
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Size of the stored input when known (for onProgress). */
  readonly totalBytes?: number;
  /** Sees every text byte, to stop a load that cannot fit in the memory budget. */
  readonly memoryGuard?: { add(bytes: number): void };
}

export interface CsvDialect {
  readonly delimiter: number;
  readonly delimiterSource: DelimiterChoice['source'];
  /** Whether `"` quotes fields (`double`) or is an ordinary character (`none`). */
  readonly quote: QuoteChoice['quote'];
  readonly quoteSource: QuoteChoice['source'];
  readonly encoding: 'utf8' | 'latin1';
  /** The UTF-8 byte order mark that was stripped, or an empty buffer. */
  readonly bom: Buffer;
}

export interface CsvReadResult {
  readonly dialect: CsvDialect;
  readonly storedBytes: number;
  /** sha256 of the stored bytes, hex; empty when reading stopped early. */
  readonly sha256: string;
  readonly compressed: boolean;
  readonly blankLines: number;
  readonly warnings: readonly string[];
}

/** What is known before the records are read, for sinks that preallocate. */
export interface CsvSizeHint {
  /** A rough guess of the number of records (0 when unknown, e.g. for gzip input). */
  readonly estimatedRecords: number;
}

/** A sink that also sees each text chunk (with its offset) before the tokenizer does. */
export interface CsvConsumer extends CsvSink {
  beginChunk?(buf: Buffer, offset: number): void;
}

/** Thrown by a sink that has all it wants: readCsv then returns normally. */
export class StopReading extends Error {
  constructor() {
    super('stop reading');
  }
}

export async function readCsv(
  stored: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: CsvReadOptions,
  makeSink: (dialect: CsvDialect, hint: CsvSizeHint) => CsvConsumer,
): Promise<CsvReadResult> {
  const encoding = options.encoding ?? 'utf8';
  const chunkSize = positiveLimit(options.chunkSize, DEFAULT_CHUNK_SIZE, 'chunkSize');
  const info = newStoredBytesInfo();
  const check = new TextCheck(options.path, encoding === 'utf8');
  const head: Buffer[] = [];
  let headLength = 0;
  let reader: ChunkReader | null = null;
  let stopped = false;
  try {
    for await (const chunk of textBytes(stored, { ...options, chunkSize }, info)) {
      check.check(chunk);
      if (reader !== null) {
        reader.push(chunk);
        continue;
      }
      head.push(chunk);
      headLength += chunk.length;
      if (headLength >= DETECTION_SAMPLE_BYTES) {
        reader = startReading(Buffer.concat(head), false, options, encoding, info.compressed, makeSink);
        reader.pushHead();
      }
    }
    check.finish();
    if (reader === null) {
      reader = startReading(Buffer.concat(head), true, options, encoding, info.compressed, makeSink);
      reader.pushHead();
    }
    reader.finish();
  } catch (error) {
    if (!(error instanceof StopReading) || reader === null) throw error;
    stopped = true;
  }
  return {
    dialect: reader.dialect,
    storedBytes: info.bytes,
    sha256: stopped ? '' : info.hash.digest('hex'),
    compressed: info.compressed,
    blankLines: reader.tokenizer.blankLines,
    warnings: reader.warnings,
  };
}

interface ChunkReader {
  readonly dialect: CsvDialect;
  readonly tokenizer: CsvTokenizer;
  readonly warnings: string[];
  /** Feeds the text read for detection (BOM removed). */
  pushHead(): void;
  push(chunk: Buffer): void;
  finish(): void;
}

function startReading(
  head: Buffer,
  isWholeText: boolean,
  options: CsvReadOptions,
  encoding: 'utf8' | 'latin1',
  compressed: boolean,
  makeSink: (dialect: CsvDialect, hint: CsvSizeHint) => CsvConsumer,
): ChunkReader {
  const hasBom = encoding === 'utf8' && head.subarray(0, 3).equals(UTF8_BOM);
  const text = hasBom ? head.subarray(3) : head;
  const { choice, quoting } = chooseDialect(text.subarray(0, DETECTION_SAMPLE_BYTES), isWholeText, options);
  const dialect: CsvDialect = {
    delimiter: choice.delimiter,
    delimiterSource: choice.source,
    quote: quoting.quote,
    quoteSource: quoting.source,
    encoding,
    bom: hasBom ? UTF8_BOM : Buffer.alloc(0),
  };
  const totalBytes = compressed || isWholeText ? text.length : (options.totalBytes ?? 0);
  const sink = makeSink(dialect, { estimatedRecords: estimateRecords(text, totalBytes) });
  const tokenizer = new CsvTokenizer(
    {
      path: options.path,
      delimiter: choice.delimiter,
      maxFieldBytes: positiveLimit(options.maxFieldBytes, DEFAULT_MAX_FIELD_BYTES, '--max-field-bytes'),
      maxColumns: positiveLimit(options.maxColumns, DEFAULT_MAX_COLUMNS, '--max-columns'),
      quoting: quoting.quote === 'double',
      quoteHint: quoting.source === 'detected' ? '; if quotes are plain text in this file, pass --quote none' : '',
    },
    sink,
  );
  let offset = 0;
  const push = (chunk: Buffer): void => {
    sink.beginChunk?.(chunk, offset);
    offset += chunk.length;
    tokenizer.push(chunk);
  };
  const pushHead = (): void => {
    if (text.length > 0) push(text);
  };
  const warnings = [choice.warning, quoting.warning].filter((warning): warning is string => warning !== null);
  return { dialect, tokenizer, warnings, pushHead, push, finish: () => tokenizer.finish() };
}

/**
 * Delimiter and quoting, each given or detected. Undetected, the delimiter is chosen with quotes
 * honoured, quoting is then judged with it, and when quoting turns out to be off the delimiter is
 * chosen again with quotes counted as text (the quote decision stands).
 */
function chooseDialect(sample: Buffer, isWholeText: boolean, options: CsvReadOptions): { choice: DelimiterChoice; quoting: QuoteChoice } {
  const given = options.quote === undefined ? null : quoteFromOption(options.quote);
  if (options.delimiter !== undefined) {
    const choice = delimiterFromOption(options.delimiter);
    return { choice, quoting: given ?? detectQuoting(sample, choice.delimiter, isWholeText) };
  }
  if (given !== null) return { choice: detectDelimiter(sample, isWholeText, given.quote === 'double'), quoting: given };
  const choice = detectDelimiter(sample, isWholeText, true);
  const quoting = detectQuoting(sample, choice.delimiter, isWholeText);
  if (quoting.quote === 'double') return { choice, quoting };
  return { choice: detectDelimiter(sample, isWholeText, false), quoting };
}

function positiveLimit(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new InputError(`${option} must be a positive whole number (got ${value})`);
  return value;
}

/** Records in `totalBytes` of text, judged from the line ends in the sample. */
function estimateRecords(sample: Buffer, totalBytes: number): number {
  if (totalBytes === 0 || sample.length === 0) return 0;
  let lineEnds = 0;
  for (let at = sample.indexOf(0x0a); at !== -1; at = sample.indexOf(0x0a, at + 1)) lineEnds++;
  if (lineEnds === 0) for (let at = sample.indexOf(0x0d); at !== -1; at = sample.indexOf(0x0d, at + 1)) lineEnds++;
  return Math.ceil((totalBytes / sample.length) * Math.max(lineEnds, 1));
}
