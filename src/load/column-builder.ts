/**
 * One column being filled, cell by cell, in a single pass. A column starts numeric and becomes
 * text at its first non-missing cell that is not a number (or is identifier-like, see
 * cell-parser.ts). Earlier numbers then enter the dictionary under their spelling in the file:
 * spellings that differ from `String(value)` (`1.50`, `1e3`, ` 7`) are remembered while the column
 * is numeric, up to MAX_REMEMBERED_SPELLINGS of them; past that, further ones would be
 * normalised to `String(value)` and the column gets a warning saying so.
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

export class ColumnBuilder {
  private numeric = true;
  private values: Float64Array;
  private codes = new Uint32Array(0);
  private readonly dictionary: string[] = [];
  private readonly codeOf = new Map<string, number>();
  private missing = 0;
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
    if (this.numeric) {
      if (digits >= 0 && !hasLeadingZero(buf, start, end)) {
        this.values[row] = digits;
        return;
      }
      const kind = parseCell(buf, start, end, quoted);
      if (kind === CELL_NUMBER) {
        this.values[row] = parsedCell.value;
        return;
      }
      if (kind === CELL_MISSING) {
        this.values[row] = NaN;
        this.missing++;
        return;
      }
      if (kind === CELL_NUMBER_RESPELLED) {
        this.values[row] = parsedCell.value;
        this.rememberSpelling(row, buf, start, end);
        return;
      }
      this.becomeText(row);
    }
    this.addText(buf, start, end, row);
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
    if (this.numeric) {
      return { kind: 'numeric', name: this.name, values: trimmed(this.values, rowCount), missingCount: this.missing };
    }
    return {
      kind: 'text',
      name: this.name,
      codes: trimmed(this.codes, rowCount),
      dictionary: this.dictionary,
      missingCount: this.missing,
    };
  }

  private addText(buf: Buffer, start: number, end: number, row: number): void {
    if (isMissingCell(buf, start, end)) {
      this.codes[row] = MISSING_CODE;
      this.missing++;
      return;
    }
    this.codes[row] = this.codeFor(buf.toString(this.encoding, start, end));
  }

  private codeFor(text: string): number {
    let code = this.codeOf.get(text);
    if (code === undefined) {
      code = this.dictionary.length;
      this.dictionary.push(text);
      this.codeOf.set(text, code);
    }
    return code;
  }

  private rememberSpelling(row: number, buf: Buffer, start: number, end: number): void {
    if (this.spellings === null) this.spellings = new Map();
    if (this.spellings.size < MAX_REMEMBERED_SPELLINGS) this.spellings.set(row, buf.toString('latin1', start, end));
    else this.unremembered++;
  }

  private becomeText(row: number): void {
    this.numeric = false;
    this.firstTextRow = row;
    this.codes = new Uint32Array(this.values.length);
    for (let r = 0; r < row; r++) {
      const value = this.values[r];
      if (Number.isNaN(value)) {
        this.codes[r] = MISSING_CODE;
        continue;
      }
      this.codes[r] = this.codeFor(this.spellings?.get(r) ?? String(value));
    }
    this.normalisedCount = this.unremembered;
    this.values = new Float64Array(0);
    this.spellings = null;
  }
}

/** The first `length` items: a view when little space is wasted, else a compact copy. */
function trimmed<T extends Float64Array | Uint32Array>(array: T, length: number): T {
  const wasted = array.length - length;
  return (wasted <= length / 4 ? array.subarray(0, length) : array.slice(0, length)) as T;
}
