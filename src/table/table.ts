/**
 * The columnar table every stage works on. One typed array per column, no row objects.
 * Row i is the i-th data record of the file (0-based, header excluded, blank lines skipped).
 */

/** Code stored in a text column for a missing cell. */
export const MISSING_CODE = 0xffffffff;

export interface NumericColumn {
  readonly kind: 'numeric';
  readonly name: string;
  /** NaN marks a missing cell (or a text cell, see `nonNumeric`); ±Infinity is a real (overflowed) value, e.g. `1e309`. */
  readonly values: Float64Array;
  /** Cells that are NaN in `values`: missing cells and the text cells listed in `nonNumeric`. */
  readonly missingCount: number;
  /**
   * The few cells of a mostly numeric column that are not numbers (`unknown`, `n/k`): NaN in
   * `values`, so every numeric check reads them as missing, and kept here with their text as
   * written (see column-builder.ts for when a column with text cells stays numeric).
   */
  readonly nonNumeric?: NonNumericCells;
}

/** The text cells of a numeric column. */
export interface NonNumericCells {
  /** Row numbers, ascending. */
  readonly rows: Uint32Array;
  /** Per entry of `rows`, an index into `tokens`. */
  readonly codes: Uint32Array;
  /** The distinct texts as written in the file, in order of first appearance. */
  readonly tokens: readonly string[];
}

export interface TextColumn {
  readonly kind: 'text';
  readonly name: string;
  /** Index into `dictionary`, or MISSING_CODE. */
  readonly codes: Uint32Array;
  /** Distinct values in order of first appearance. */
  readonly dictionary: readonly string[];
  readonly missingCount: number;
}

export type Column = NumericColumn | TextColumn;

export interface Table {
  readonly rowCount: number;
  readonly columns: readonly Column[];
}

export interface SourceInfo {
  readonly path: string;
  /** Bytes of the file as stored (compressed size for .gz). */
  readonly bytes: number;
  /** sha256 of the file as stored, hex. */
  readonly sha256: string;
  readonly compressed: boolean;
  readonly delimiter: string;
  /** How the delimiter was chosen: given by the user, detected, or detected with doubt. */
  readonly delimiterSource: 'option' | 'detected' | 'guessed';
  /** `double`: `"` quotes fields (RFC 4180); `none`: `"` is an ordinary character. */
  readonly quote: 'double' | 'none';
  /** Given with --quote, or detected from the first 64 KiB. */
  readonly quoteSource: 'option' | 'detected';
  readonly encoding: 'utf8' | 'latin1';
  readonly hadBom: boolean;
  readonly blankLinesSkipped: number;
  /** Things the reader decided that a reviewer should know (renamed headers, doubtful delimiter). */
  readonly warnings: readonly string[];
}

export interface LoadedTable extends Table {
  readonly source: SourceInfo;
}

/** Cells that are empty or a missing-value token: `missingCount` less the text cells of a numeric column. */
export function missingCellCount(column: Column): number {
  return column.missingCount - (column.kind === 'numeric' ? (column.nonNumeric?.rows.length ?? 0) : 0);
}

/** Missing for the analysis: empty, a missing token, or a text cell of a numeric column. */
export function isMissing(column: Column, row: number): boolean {
  return column.kind === 'numeric' ? Number.isNaN(column.values[row]) : column.codes[row] === MISSING_CODE;
}
