/**
 * The byte-level RFC 4180 state machine shared by every reader of CSV records (the table loader,
 * raw record bytes for --emit-clean, decoded fields for --quarantine). It is push-style: chunks
 * may end anywhere (inside a field, a quote pair, a CRLF or a UTF-8 character) and the result is
 * the same as for one big chunk.
 *
 * Dialect: fields separated by a one-byte delimiter; a field that starts with `"` is quoted and
 * ends at the next lone `"` (`""` inside is one quote; delimiters, CR and LF inside are kept byte
 * for byte); after the closing quote only a delimiter or a line end may follow. A `"` inside an
 * unquoted field is an ordinary byte (`5'10"`); with quoting off (`--quote none`, or detected, see
 * quoting.ts) every `"` is. Records end at LF, CRLF or a lone CR. A line
 * with no bytes at all is blank: skipped and counted, never a record.
 */
import { QuoteError, inputErrorAt } from '../errors.js';

export interface CsvSink {
  /**
   * One field's content, quotes removed and `""` unescaped. `buf` may be reused after the call
   * returns: copy what you keep. `digits` is the field read as an unsigned integer when it is
   * nothing but 1 to 15 ASCII digits (the most common cell, read while looking for the field's
   * end, so that numeric columns need no second pass over it), else -1.
   */
  field(buf: Buffer, start: number, end: number, quoted: boolean, digits: number): void;
  /**
   * The record that started on physical line `startLine` (1-based) has ended after `fieldCount`
   * fields; its bytes, terminator included, are `[startOffset, endOffset)` of the text stream.
   */
  endRecord(startLine: number, fieldCount: number, startOffset: number, endOffset: number): void;
}

export interface TokenizerSettings {
  readonly path: string;
  readonly delimiter: number;
  readonly maxFieldBytes: number;
  readonly maxColumns: number;
  /** RFC 4180 quoting; when false, `"` is an ordinary byte everywhere. Default true. */
  readonly quoting?: boolean;
  /** Appended to the errors about quotes (e.g. how to turn quoting off). */
  readonly quoteHint?: string;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const ZERO = 0x30;
/** Up to 15 digits an integer is exact in a double (and longer ones are identifiers anyway). */
const MAX_DIGITS = 15;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const AFTER_QUOTE = 3;
const AFTER_CR = 4;

export class CsvTokenizer {
  blankLines = 0;

  private readonly path: string;
  private readonly delimiter: number;
  private readonly maxFieldBytes: number;
  private readonly maxColumns: number;
  private readonly quoting: boolean;
  private readonly quoteHint: string;

  private state = FIELD_START;
  /** Fields completed in the current record. */
  private fieldIndex = 0;
  /** Bytes of a field that spans chunks (unquoted) or of any quoted field, unescaped. */
  private carry = Buffer.allocUnsafe(1024);
  private carryLength = 0;
  /** An unquoted field continues from an earlier chunk (its first bytes are in `carry`). */
  private carrying = false;
  private pendingBlankLine = false;
  private previousQuotedByte = 0;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private recordStart = 0;
  /** Offset of the current chunk's first byte in the text stream. */
  private base = 0;

  constructor(
    settings: TokenizerSettings,
    private readonly sink: CsvSink,
  ) {
    this.path = settings.path;
    this.delimiter = settings.delimiter;
    this.maxFieldBytes = settings.maxFieldBytes;
    this.maxColumns = settings.maxColumns;
    this.quoting = settings.quoting ?? true;
    this.quoteHint = settings.quoteHint ?? '';
  }

  push(buf: Buffer): void {
    const n = buf.length;
    const delimiter = this.delimiter;
    let state = this.state;
    let i = 0;
    let fieldStart = 0;
    while (i < n) {
      if (state === UNQUOTED || state === FIELD_START) {
        if (state === FIELD_START) {
          if (buf[i] === QUOTE && this.quoting) {
            this.startQuotedField();
            state = QUOTED;
            i++;
            continue;
          }
          fieldStart = i;
          state = UNQUOTED;
        }
        let j = i;
        let byte = 0;
        let digits = 0;
        while (j < n) {
          byte = buf[j];
          const digit = byte - ZERO;
          if (digit < 0 || digit > 9) break;
          digits = digits * 10 + digit;
          j++;
        }
        if (j < n && byte !== delimiter && byte !== LF && byte !== CR) {
          digits = -1;
          while (++j < n) {
            byte = buf[j];
            if (byte === delimiter || byte === LF || byte === CR) break;
          }
        }
        if (j === n) {
          this.appendToCarry(buf, fieldStart, n, this.line);
          this.carrying = true;
          break;
        }
        i = j + 1;
        if (j === fieldStart || j - fieldStart > MAX_DIGITS) digits = -1;
        if (byte === delimiter) {
          if (this.carrying) this.emitCarriedField(buf, fieldStart, j);
          else this.emitField(buf, fieldStart, j, false, digits);
          state = FIELD_START;
          continue;
        }
        const blank = this.fieldIndex === 0 && !this.carrying && j === fieldStart;
        if (!blank) {
          if (this.carrying) this.emitCarriedField(buf, fieldStart, j);
          else this.emitField(buf, fieldStart, j, false, digits);
        }
        this.line++;
        if (byte === LF) {
          this.endLine(blank, this.base + i);
          state = FIELD_START;
        } else {
          this.pendingBlankLine = blank;
          state = AFTER_CR;
        }
      } else if (state === QUOTED) {
        const quote = buf.indexOf(QUOTE, i);
        const stop = quote === -1 ? n : quote;
        this.countQuotedLineEnds(buf, i, stop);
        this.appendToCarry(buf, i, stop, this.quoteLine);
        if (quote === -1) break;
        i = quote + 1;
        state = AFTER_QUOTE;
      } else if (state === AFTER_QUOTE) {
        const byte = buf[i];
        if (byte === QUOTE) {
          this.appendToCarry(buf, i, i + 1, this.quoteLine);
          this.previousQuotedByte = QUOTE;
          state = QUOTED;
          i++;
          continue;
        }
        if (byte !== delimiter && byte !== LF && byte !== CR) {
          const opened = this.quoteLine === this.line ? '' : `; the quoted field opened on line ${this.quoteLine}, so a quote may be missing there`;
          throw new QuoteError(inputErrorAt(this.path, this.line, `unexpected text after a closing quote (a quoted field must end with a quote)${opened}${this.quoteHint}`).message, this.quoteHint !== '');
        }
        this.emitQuotedField();
        i++;
        if (byte === delimiter) {
          state = FIELD_START;
          continue;
        }
        this.line++;
        if (byte === LF) {
          this.endLine(false, this.base + i);
          state = FIELD_START;
        } else {
          this.pendingBlankLine = false;
          state = AFTER_CR;
        }
      } else {
        // AFTER_CR: a CR ended the line; an LF right after it belongs to the same line end.
        if (buf[i] === LF) i++;
        this.endLine(this.pendingBlankLine, this.base + i);
        state = FIELD_START;
      }
    }
    this.state = state;
    this.base += n;
  }

  /** Ends the text: flushes the last record (with or without a final line end). */
  finish(): void {
    const end = this.base;
    switch (this.state) {
      case QUOTED:
        throw new QuoteError(inputErrorAt(this.path, this.quoteLine, `a quoted field opened here is never closed (unterminated quote)${this.quoteHint}`).message, this.quoteHint !== '');
      case AFTER_QUOTE:
        this.emitQuotedField();
        this.endLine(false, end);
        break;
      case UNQUOTED:
        this.emitCarriedField(this.carry, 0, 0);
        this.endLine(false, end);
        break;
      case AFTER_CR:
        this.endLine(this.pendingBlankLine, end);
        break;
      default:
        if (this.fieldIndex > 0) {
          // The last line ended with a delimiter: its last field is empty.
          this.emitField(this.carry, 0, 0, false, -1);
          this.endLine(false, end);
        }
    }
    this.state = FIELD_START;
  }

  private startQuotedField(): void {
    this.quoteLine = this.line;
    this.carryLength = 0;
    this.previousQuotedByte = QUOTE;
  }

  private emitField(buf: Buffer, start: number, end: number, quoted: boolean, digits: number): void {
    if (end - start > this.maxFieldBytes) this.fieldTooLarge(this.line);
    if (++this.fieldIndex > this.maxColumns) {
      throw inputErrorAt(this.path, this.recordLine, `more than ${this.maxColumns} columns (raise the limit with --max-columns)`);
    }
    this.sink.field(buf, start, end, quoted, digits);
  }

  private emitQuotedField(): void {
    this.emitField(this.carry, 0, this.carryLength, true, -1);
    this.carryLength = 0;
  }

  private emitCarriedField(buf: Buffer, start: number, end: number): void {
    this.appendToCarry(buf, start, end, this.line);
    this.carrying = false;
    this.emitField(this.carry, 0, this.carryLength, false, -1);
    this.carryLength = 0;
  }

  private endLine(blank: boolean, endOffset: number): void {
    if (blank) this.blankLines++;
    else this.sink.endRecord(this.recordLine, this.fieldIndex, this.recordStart, endOffset);
    this.fieldIndex = 0;
    this.recordStart = endOffset;
    this.recordLine = this.line;
  }

  /** Physical lines inside a quoted field: LF, CRLF and lone CR each end one. */
  private countQuotedLineEnds(buf: Buffer, start: number, end: number): void {
    let previous = this.previousQuotedByte;
    let lines = 0;
    for (let k = start; k < end; k++) {
      const byte = buf[k];
      if (byte === CR || (byte === LF && previous !== CR)) lines++;
      previous = byte;
    }
    if (end > start) this.previousQuotedByte = previous;
    this.line += lines;
  }

  private appendToCarry(buf: Buffer, start: number, end: number, line: number): void {
    const length = end - start;
    if (length === 0) return;
    const needed = this.carryLength + length;
    if (needed > this.maxFieldBytes) this.fieldTooLarge(line);
    if (needed > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.carry.length * 2));
      this.carry.copy(grown, 0, 0, this.carryLength);
      this.carry = grown;
    }
    buf.copy(this.carry, this.carryLength, start, end);
    this.carryLength = needed;
  }

  private fieldTooLarge(line: number): never {
    throw inputErrorAt(this.path, line, `a field is larger than ${this.maxFieldBytes} bytes (raise the limit with --max-field-bytes)`);
  }
}
