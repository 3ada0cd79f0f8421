/**
 * The tokenizer sink that builds the columnar table: the first record is the header, every
 * other record one row. Column arrays grow together (doubling). They start at the estimated row
 * count plus a margin when the size of the file is known (so a file is usually read without any
 * copy), else small, so that files with tens of thousands of columns fit.
 */
import type { Column } from '../table/table.js';
import { ColumnBuilder } from './column-builder.js';
import { columnNames } from './header-names.js';
import { checkRecordWidth } from './record-width.js';
import type { CsvSink } from './tokenizer.js';

const INITIAL_CELLS = 1 << 16;
const MIN_INITIAL_ROWS = 16;
const ESTIMATE_MARGIN = 1.1;
/** A wrong estimate (short lines first, long ones later) must not allocate gigabytes up front. */
const MAX_PREALLOCATED_CELLS = 1 << 26;

export class TableBuilder implements CsvSink {
  readonly warnings: string[] = [];
  private headerFields: string[] | null = [];
  private columns: ColumnBuilder[] = [];
  private fieldIndex = 0;
  private rowCount = 0;
  private capacity = 0;

  constructor(
    private readonly path: string,
    private readonly encoding: 'utf8' | 'latin1',
    private readonly estimatedRecords: number,
  ) {}

  get hasHeader(): boolean {
    return this.headerFields === null;
  }

  get rows(): number {
    return this.rowCount;
  }

  field(buf: Buffer, start: number, end: number, quoted: boolean, digits: number): void {
    if (this.headerFields !== null) {
      this.headerFields.push(buf.toString(this.encoding, start, end));
      return;
    }
    const column = this.columns[this.fieldIndex++];
    if (column !== undefined) column.add(buf, start, end, quoted, digits, this.rowCount);
  }

  endRecord(startLine: number, fieldCount: number): void {
    this.fieldIndex = 0;
    if (this.headerFields !== null) {
      this.startColumns(this.headerFields);
      this.headerFields = null;
      return;
    }
    checkRecordWidth(this.path, startLine, this.columns.length, fieldCount);
    this.rowCount++;
    if (this.rowCount === this.capacity) this.growColumns();
  }

  columnsBuilt(): Column[] {
    return this.columns.map((column) => column.build(this.rowCount));
  }

  columnWarnings(): string[] {
    return this.columns.map((column) => column.warning()).filter((warning): warning is string => warning !== null);
  }

  private startColumns(fields: readonly string[]): void {
    const { names, warnings } = columnNames(fields);
    this.warnings.push(...warnings);
    const small = Math.max(MIN_INITIAL_ROWS, Math.floor(INITIAL_CELLS / names.length));
    const estimated = Math.min(this.estimatedRecords * ESTIMATE_MARGIN, MAX_PREALLOCATED_CELLS / names.length);
    this.capacity = Math.max(small, Math.ceil(estimated));
    this.columns = names.map((name) => new ColumnBuilder(name, this.capacity, this.encoding));
  }

  private growColumns(): void {
    this.capacity *= 2;
    for (const column of this.columns) column.grow(this.capacity);
  }
}
