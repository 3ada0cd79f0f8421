/**
 * One column being filled, cell by cell, in a single pass.
 *
 * A column is numeric when its cells are numbers, with at most a few text cells:
 *   - at least MIN_NUMBERS (20) cells are numbers, and
 *   - at most MAX_TEXT_SHARE (5%) of its non-missing cells are text, and
 *   - it is not a column of zero-padded codes: every non-missing cell digits only, all of one
 *     width, with at least two distinct values that start with a zero (`02134`, `00202`); such a
 *     column is text even when few of its values have the zero (cell-parser.ts: a number never
 *     has a leading zero, so `007` is text).
 * Why 5% and no limit on how many distinct texts: a column whose cells are 95% numbers is what a
 * pipeline reads as numbers (the rest become NaN), and a code column written mostly as numbers is
 * analysed as numbers anyway when all its values happen to be digits, so a few text cells must not
 * change how it is checked. Were one text cell enough to make the column text, one `unknown` (or
 * a few distinct words) would switch off every numeric check on it. Past 5% the text is part of
 * what the column says (`more`, `5more`): the column is text, as a whole.
 * The text cells of a numeric column are NaN in `values`, counted in `missingCount`, and kept
 * with their text in `nonNumeric` (rows, tokens) for the `non-numeric-cells` rule.
 *
 * While reading, the column stays numeric and collects its text cells; when text cells outnumber
 * numbers (past STREAM_TEXT_MIN of them) it becomes text, and earlier numbers enter the dictionary
 * under their spelling in the file: spellings that differ from `String(value)` (`1.50`, `1e3`,
 * ` 7`) are remembered while the column is numeric, up to MAX_REMEMBERED_SPELLINGS of them; past
 * that, further ones are normalised to `String(value)` and the column gets a warning saying so.
 * A text column remembers, per distinct value, the number it spells (if any), so that at the end
 * it can still be read as numbers when they turn out to be 95% of its cells (text first, numbers
 * after, as in a sorted file).
 */
import { MISSING_CODE, type Column } from '../table/table.js';
import {
  CELL_MISSING,
  CELL_NUMBER,
  CELL_NUMBER_RESPELLED,
  hasLeadingZero,
  isMissingCell,
  parseCell,
  parsedCell,
} from './cell-parser.js';

const MAX_REMEMBERED_SPELLINGS = 1 << 16;
/** A mostly numeric column: at most this share of its non-missing cells are text... */
export const MAX_TEXT_SHARE = 0.05;
/** ...and at least this many cells are numbers. */
export const MIN_NUMBERS = 20;
/** Text cells a numeric column collects before it may become text while reading. */
const STREAM_TEXT_MIN = 64;
/** Distinct zero-padded values (all cells digits of one width) that make the column codes. */
const MIN_PADDED_CODES = 2;

const ZERO = 0x30;
/** digitWidth: no cell seen yet / cells of different widths or not only digits. */
const WIDTH_UNSET = -2;
const WIDTH_MIXED = -1;

export class ColumnBuilder {
  private numeric = true;
  private values: Float64Array;
  private codes = new Uint32Array(0);
  private readonly dictionary: string[] = [];
  private readonly codeOf = new Map<string, number>();
  /** Per dictionary code, the number the text spells, NaN when it is not a number. */
  private codeValues = new Float64Array(16);
  /** Cells that are missing (empty or a missing token); text cells are not counted here. */
  private missing = 0;
  /** Cells read as numbers. */
  private numbers = 0;
  /** Numeric mode: the text cells so far (rows ascending, an index into strayTokens). */
  private strayRows: Uint32Array = new Uint32Array(16);
  private strayCodes: Uint32Array = new Uint32Array(16);
  private strayCount = 0;
  private strayTokens: string[] = [];
  private strayCodeOf = new Map<string, number>();
  /** The width of every non-missing cell when all are digits only, else WIDTH_MIXED. */
  private digitWidth = WIDTH_UNSET;
  /** Distinct digits-only values with a leading zero. */
  private paddedValues = 0;
  private spellings: Map<number, string> | null = null;
  /** Respelled numbers not remembered (past the cap): normalised if the column becomes text. */
  private unremembered = 0;
  private normalisedCount = 0;
  private firstTextRow = 0;

  constructor(
    readonly name: string,
    capacity: number,
    private readonly encoding: 'utf8' | 'latin1',
  ) {
    this.values = new Float64Array(capacity);
  }

  /** `digits`: the cell as an unsigned integer when it is only digits, else -1 (see CsvSink.field). */
  add(buf: Buffer, start: number, end: number, quoted: boolean, digits: number, row: number): void {
    if (!this.numeric) {
      this.addText(buf, start, end, quoted, row);
      return;
    }
    if (digits >= 0 && !hasLeadingZero(buf, start, end)) {
      this.values[row] = digits;
      this.numbers++;
      if (end - start !== this.digitWidth) this.noteWidth(end - start);
      return;
    }
    const kind = parseCell(buf, start, end, quoted);
    if (kind === CELL_MISSING) {
      this.values[row] = NaN;
      this.missing++;
      return;
    }
    this.noteWidth(digitsOnlyWidth(buf, start, end));
    if (kind === CELL_NUMBER || kind === CELL_NUMBER_RESPELLED) {
      this.values[row] = parsedCell.value;
      this.numbers++;
      if (kind === CELL_NUMBER_RESPELLED) this.rememberSpelling(row, buf, start, end);
      return;
    }
    this.values[row] = NaN;
    this.addStray(row, buf, start, end);
    if (this.strayCount >= STREAM_TEXT_MIN && this.strayCount > this.numbers) this.becomeText(row + 1);
  }

  grow(capacity: number): void {
    if (this.numeric) {
      const values = new Float64Array(capacity);
      values.set(this.values);
      this.values = values;
    } else {
      const codes = new Uint32Array(capacity);
      codes.set(this.codes);
      this.codes = codes;
    }
  }

  /** A warning for the reviewer when earlier numbers were normalised on becoming text. */
  warning(): string | null {
    if (this.normalisedCount === 0) return null;
    return (
      `column "${this.name}" became text at row ${this.firstTextRow}; ${this.normalisedCount} earlier numeric ` +
      'cells are shown in canonical form (e.g. 1.50 as 1.5)'
    );
  }

  build(rowCount: number): Column {
    const present = rowCount - this.missing;
    const textCells = present - this.numbers;
    const numeric =
      textCells === 0 ||
      (this.numbers >= MIN_NUMBERS && textCells <= MAX_TEXT_SHARE * present && !(this.digitWidth > 0 && this.paddedValues >= MIN_PADDED_CODES));
    if (this.numeric && textCells === 0) {
      return { kind: 'numeric', name: this.name, values: trimmed(this.values, rowCount), missingCount: this.missing };
    }
    if (this.numeric && numeric) {
      return {
        kind: 'numeric',
        name: this.name,
        values: trimmed(this.values, rowCount),
        missingCount: this.missing + this.strayCount,
        nonNumeric: {
          rows: this.strayRows.slice(0, this.strayCount),
          codes: this.strayCodes.slice(0, this.strayCount),
          tokens: this.strayTokens,
        },
      };
    }
    if (this.numeric) this.becomeText(rowCount);
    if (numeric) return this.textAsNumbers(rowCount);
    return {
      kind: 'text',
      name: this.name,
      codes: trimmed(this.codes, rowCount),
      dictionary: this.dictionary,
      missingCount: this.missing,
    };
  }

  private addText(buf: Buffer, start: number, end: number, quoted: boolean, row: number): void {
    if (isMissingCell(buf, start, end)) {
      this.codes[row] = MISSING_CODE;
      this.missing++;
      return;
    }
    const text = buf.toString(this.encoding, start, end);
    let code = this.codeOf.get(text);
    if (code === undefined) {
      const kind = parseCell(buf, start, end, quoted);
      code = this.newCode(text, kind === CELL_NUMBER || kind === CELL_NUMBER_RESPELLED ? parsedCell.value : NaN);
      const width = digitsOnlyWidth(buf, start, end);
      this.noteWidth(width);
      if (width > 1 && buf[start] === ZERO) this.paddedValues++;
    }
    this.codes[row] = code;
    if (!Number.isNaN(this.codeValues[code])) this.numbers++;
  }

  private codeFor(text: string, value: number): number {
    return this.codeOf.get(text) ?? this.newCode(text, value);
  }

  private newCode(text: string, value: number): number {
    const code = this.dictionary.length;
    this.dictionary.push(text);
    this.codeOf.set(text, code);
    if (code === this.codeValues.length) {
      const grown = new Float64Array(code * 2);
      grown.set(this.codeValues);
      this.codeValues = grown;
    }
    this.codeValues[code] = value;
    return code;
  }

  private addStray(row: number, buf: Buffer, start: number, end: number): void {
    const text = buf.toString(this.encoding, start, end);
    let code = this.strayCodeOf.get(text);
    if (code === undefined) {
      code = this.strayTokens.length;
      this.strayTokens.push(text);
      this.strayCodeOf.set(text, code);
      if (end - start > 1 && buf[start] === ZERO && digitsOnlyWidth(buf, start, end) > 0) this.paddedValues++;
    }
    if (this.strayCount === this.strayRows.length) {
      this.strayRows = grownCopy(this.strayRows);
      this.strayCodes = grownCopy(this.strayCodes);
    }
    this.strayRows[this.strayCount] = row;
    this.strayCodes[this.strayCount] = code;
    this.strayCount++;
  }

  private noteWidth(width: number): void {
    if (this.digitWidth === WIDTH_UNSET) this.digitWidth = width < 0 ? WIDTH_MIXED : width;
    else if (this.digitWidth !== width) this.digitWidth = WIDTH_MIXED;
  }

  private rememberSpelling(row: number, buf: Buffer, start: number, end: number): void {
    if (this.spellings === null) this.spellings = new Map();
    if (this.spellings.size < MAX_REMEMBERED_SPELLINGS) this.spellings.set(row, buf.toString('latin1', start, end));
    else this.unremembered++;
  }

  /** Rows [0, rows) become dictionary codes: numbers under their spelling, text cells as written. */
  private becomeText(rows: number): void {
    this.numeric = false;
    this.firstTextRow = this.strayCount > 0 ? this.strayRows[0] : rows;
    this.codes = new Uint32Array(Math.max(this.values.length, rows));
    let stray = 0;
    for (let r = 0; r < rows; r++) {
      if (stray < this.strayCount && this.strayRows[stray] === r) {
        this.codes[r] = this.codeFor(this.strayTokens[this.strayCodes[stray++]], NaN);
        continue;
      }
      const value = this.values[r];
      this.codes[r] = Number.isNaN(value) ? MISSING_CODE : this.codeFor(this.spellings?.get(r) ?? String(value), value);
    }
    this.normalisedCount = this.unremembered;
    this.values = new Float64Array(0);
    this.spellings = null;
    this.strayRows = new Uint32Array(0);
    this.strayCodes = new Uint32Array(0);
    this.strayCount = 0;
    this.strayTokens = [];
    this.strayCodeOf = new Map();
  }

  /** A text column whose cells are mostly numbers, read as numbers with its text cells apart. */
  private textAsNumbers(rowCount: number): Column {
    const values = new Float64Array(rowCount);
    const rows: number[] = [];
    const codes: number[] = [];
    const tokens: string[] = [];
    const tokenOf = new Map<number, number>();
    for (let row = 0; row < rowCount; row++) {
      const code = this.codes[row];
      if (code === MISSING_CODE) {
        values[row] = NaN;
        continue;
      }
      const value = this.codeValues[code];
      values[row] = value;
      if (!Number.isNaN(value)) continue;
      let token = tokenOf.get(code);
      if (token === undefined) {
        token = tokens.length;
        tokens.push(this.dictionary[code]);
        tokenOf.set(code, token);
      }
      rows.push(row);
      codes.push(token);
    }
    return {
      kind: 'numeric',
      name: this.name,
      values,
      missingCount: this.missing + rows.length,
      nonNumeric: { rows: Uint32Array.from(rows), codes: Uint32Array.from(codes), tokens },
    };
  }
}

/** The number of bytes when the cell is one or more ASCII digits and nothing else, else -1. */
function digitsOnlyWidth(buf: Uint8Array, start: number, end: number): number {
  if (end === start) return -1;
  for (let i = start; i < end; i++) if (buf[i] < 0x30 || buf[i] > 0x39) return -1;
  return end - start;
}

function grownCopy(array: Uint32Array): Uint32Array {
  const grown = new Uint32Array(array.length * 2);
  grown.set(array);
  return grown;
}

/** The first `length` items: a view when little space is wasted, else a compact copy. */
function trimmed<T extends Float64Array | Uint32Array>(array: T, length: number): T {
  const wasted = array.length - length;
  return (wasted <= length / 4 ? array.subarray(0, length) : array.slice(0, length)) as T;
}
