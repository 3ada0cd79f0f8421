/**
 * The first suspicious rows as a reviewer quotes them to a supplier: their row numbers and the
 * values of the identifier columns (when the file has any), the implicated columns and the
 * label (`report.suspiciousSample`, docs/report.md). The full list is `--quarantine FILE`.
 */
import type { Dataset } from '../engine/dataset.js';
import type { CellValue } from '../engine/finding.js';
import { MISSING_CODE } from '../table/table.js';

export const SUSPICIOUS_SAMPLE_ROWS = 100;
const MAX_IDENTIFIERS = 3;
const MAX_IMPLICATED = 4;

export interface SuspiciousSample {
  columns: string[];
  rows: { row: number; values: CellValue[] }[];
  /** All suspicious rows (the sample holds the first SUSPICIOUS_SAMPLE_ROWS). */
  total: number;
}

export function suspiciousSample(candidate: Dataset, suspiciousRows: readonly number[], implicated: readonly string[]): SuspiciousSample | null {
  if (suspiciousRows.length === 0) return null;
  const { table, schema } = candidate;
  const names = table.columns.map((c) => c.name);
  const identifiers = schema.columns.filter((c) => c.kind === 'identifier').map((c) => c.index).slice(0, MAX_IDENTIFIERS);
  const chosen: number[] = [...identifiers];
  for (const name of implicated) {
    const index = names.indexOf(name);
    if (index >= 0 && !chosen.includes(index) && chosen.length < identifiers.length + MAX_IMPLICATED) chosen.push(index);
  }
  if (schema.label && !chosen.includes(schema.label.column)) chosen.push(schema.label.column);
  return {
    columns: chosen.map((i) => names[i]),
    rows: suspiciousRows.slice(0, SUSPICIOUS_SAMPLE_ROWS).map((row) => ({ row, values: chosen.map((column) => cellValue(candidate, column, row)) })),
    total: suspiciousRows.length,
  };
}

function cellValue(candidate: Dataset, column: number, row: number): CellValue {
  const col = candidate.table.columns[column];
  if (col.kind === 'numeric') {
    const value = col.values[row];
    if (!Number.isNaN(value)) return value;
    const at = col.nonNumeric ? binaryIndex(col.nonNumeric.rows, row) : -1;
    return at >= 0 ? col.nonNumeric!.tokens[col.nonNumeric!.codes[at]] : null;
  }
  return col.codes[row] === MISSING_CODE ? null : col.dictionary[col.codes[row]];
}

function binaryIndex(rows: Uint32Array, row: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid] === row) return mid;
    if (rows[mid] < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
