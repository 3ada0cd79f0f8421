/**
 * Schema inference: what each column is (numeric, categorical, identifier, constant, empty) and
 * which column is the label. Every decision carries a reason the report can show.
 */
import { InputError } from '../errors.js';
import { MISSING_CODE, type Column, type Table } from '../table/table.js';
import { sortedPresentIndices } from '../util/radix.js';
import { compareText } from '../util/compare.js';
import { percentOneDecimal as percent } from '../format.js';

export type ColumnKind = 'numeric' | 'categorical' | 'identifier' | 'constant' | 'empty';

export interface ColumnInfo {
  readonly index: number;
  readonly name: string;
  readonly kind: ColumnKind;
  readonly reason: string;
  readonly distinct: number;
  readonly missing: number;
  /** Every non-missing value is a whole number (numeric columns only). */
  readonly integer: boolean;
}

export type LabelSource = 'option' | 'config' | 'inferred';

export interface LabelInfo {
  readonly column: number;
  readonly name: string;
  readonly source: LabelSource;
  readonly reason: string;
  /** Class names as written in the file, sorted (numerically for numeric labels). */
  readonly classes: readonly string[];
  /** Class index per row, -1 where the label is missing. */
  readonly y: Int32Array;
  readonly classCounts: readonly number[];
  readonly missing: number;
}

export interface Schema {
  readonly columns: readonly ColumnInfo[];
  readonly label: LabelInfo | null;
  /** Columns the rules and models treat as features: not the label, not identifiers, constants or empty. */
  readonly featureColumns: readonly number[];
  readonly notes: readonly string[];
}

export interface SchemaOptions {
  /** Label column name chosen by the user. */
  label?: string;
  labelSource?: 'option' | 'config';
  /** Columns the user declares to be identifiers. */
  identifiers?: readonly string[];
}

/** Names that mean "this is the label" by convention, compared case-insensitively. */
const LABEL_NAMES = ['label', 'target', 'class', 'y', 'outcome', 'response', 'labels', 'class_label', 'target_label'];
/** An inferred label has at most this many classes. */
const MAX_INFERRED_CLASSES = 20;
/** A label (even a chosen one) with more classes than this is not a class label. */
const MAX_CLASSES = 200;
/** Identifier detection needs some rows to be meaningful. */
const MIN_ROWS_FOR_IDENTIFIER = 20;

const ID_NAME = /(^|[_\s.-])(id|uuid|guid|key|index|idx)$|^(row|record|rowid|row_id|no|num|number|#)$|[a-z](Id|ID|Uuid|Key)$/i;

export function inferSchema(table: Table, options: SchemaOptions = {}): Schema {
  const declaredIds = new Set(options.identifiers ?? []);
  const columns = table.columns.map((column, index) => describeColumn(column, index, declaredIds.has(column.name)));
  const notes: string[] = [];
  const label = chooseLabel(table, columns, options, notes);
  const featureColumns = columns
    .filter((info) => info.index !== label?.column && (info.kind === 'numeric' || info.kind === 'categorical'))
    .map((info) => info.index);
  return { columns, label, featureColumns, notes };
}

function describeColumn(column: Column, index: number, declaredIdentifier: boolean): ColumnInfo {
  const stats = column.kind === 'numeric' ? numericProfile(column.values) : textProfile(column.codes, column.dictionary.length);
  const base = { index, name: column.name, distinct: stats.distinct, missing: column.missingCount, integer: stats.integer };
  const present = stats.present;
  if (declaredIdentifier) return { ...base, kind: 'identifier', reason: 'declared an identifier in the config' };
  if (present === 0) return { ...base, kind: 'empty', reason: 'every value is missing' };
  if (stats.distinct === 1) return { ...base, kind: 'constant', reason: 'a single distinct value' };
  const uniqueShare = stats.distinct / present;
  const nameLooksLikeId = ID_NAME.test(column.name.trim());
  if (present >= MIN_ROWS_FOR_IDENTIFIER && (column.kind === 'text' || stats.integer)) {
    if (nameLooksLikeId && uniqueShare >= 0.5) {
      return { ...base, kind: 'identifier', reason: `named like an identifier and ${percent(uniqueShare)} of values distinct` };
    }
    if (column.kind === 'text' && uniqueShare >= 0.95) {
      return { ...base, kind: 'identifier', reason: `text with ${percent(uniqueShare)} of values distinct` };
    }
    if (column.kind === 'numeric' && uniqueShare >= 0.8 && stats.distinct >= MIN_ROWS_FOR_IDENTIFIER && stats.span + 1 <= 1.1 * stats.distinct) {
      return { ...base, kind: 'identifier', reason: 'whole numbers forming a near-contiguous sequence' };
    }
    if (column.kind === 'numeric' && uniqueShare === 1 && present >= 1000 && stats.span >= 1e6) {
      return { ...base, kind: 'identifier', reason: 'large whole numbers, every one distinct' };
    }
  }
  if (column.kind === 'numeric') return { ...base, kind: 'numeric', reason: 'numbers' };
  return { ...base, kind: 'categorical', reason: 'text values' };
}

interface Profile {
  present: number;
  distinct: number;
  integer: boolean;
  span: number;
}

function numericProfile(values: Float64Array): Profile {
  const order = sortedPresentIndices(values);
  let integer = true;
  let distinct = 0;
  let previous = NaN;
  for (let k = 0; k < order.length; k++) {
    const value = values[order[k]];
    if (integer && !Number.isInteger(value)) integer = false;
    if (k === 0 || value !== previous) distinct++;
    previous = value;
  }
  const span = order.length > 0 ? values[order[order.length - 1]] - values[order[0]] : 0;
  return { present: order.length, distinct, integer, span };
}

function textProfile(codes: Uint32Array, dictionarySize: number): Profile {
  const seen = new Uint8Array(dictionarySize);
  let present = 0;
  let distinct = 0;
  for (const code of codes) {
    if (code === MISSING_CODE) continue;
    present++;
    if (seen[code] === 0) {
      seen[code] = 1;
      distinct++;
    }
  }
  return { present, distinct, integer: false, span: 0 };
}

function chooseLabel(table: Table, columns: readonly ColumnInfo[], options: SchemaOptions, notes: string[]): LabelInfo | null {
  if (options.label !== undefined) {
    const index = table.columns.findIndex((column) => column.name === options.label);
    if (index < 0) {
      const names = table.columns.map((column) => column.name).slice(0, 30).join(', ');
      throw new InputError(`label column '${options.label}' is not in the file; its columns are: ${names}`);
    }
    const label = buildLabel(table.columns[index], index, options.labelSource ?? 'option', `chosen with --label`);
    if (label.classes.length > MAX_CLASSES) {
      throw new InputError(
        `label column '${options.label}' has ${label.classes.length} distinct values; audit-data needs a class label (at most ${MAX_CLASSES} classes)`,
      );
    }
    return label;
  }
  const byName = columns.find((info) => LABEL_NAMES.includes(info.name.trim().toLowerCase()) && isLabelCandidate(info));
  if (byName) return buildLabel(table.columns[byName.index], byName.index, 'inferred', `named '${byName.name}' by convention`);
  for (let i = columns.length - 1; i >= 0; i--) {
    const info = columns[i];
    if (isLabelCandidate(info)) {
      const position = i === columns.length - 1 ? 'the last column' : `the last column (of ${columns.length}) that could be a label`;
      return buildLabel(table.columns[i], i, 'inferred', `${position} with few distinct values (${info.distinct}); pass --label to choose another`);
    }
  }
  notes.push('No label column found (none named label/target/class and no low-cardinality column); label-based checks and models were skipped. Pass --label COLUMN.');
  return null;
}

function isLabelCandidate(info: ColumnInfo): boolean {
  return (info.kind === 'numeric' || info.kind === 'categorical') && info.distinct >= 2 && info.distinct <= MAX_INFERRED_CLASSES;
}

function buildLabel(column: Column, index: number, source: LabelSource, reason: string): LabelInfo {
  const rowCount = column.kind === 'numeric' ? column.values.length : column.codes.length;
  const y = new Int32Array(rowCount).fill(-1);
  let classes: string[];
  if (column.kind === 'numeric') {
    const distinct = Array.from(new Set(Array.from(column.values).filter((v) => !Number.isNaN(v)))).sort((a, b) => a - b);
    const classOf = new Map<number, number>(distinct.map((value, i) => [value, i]));
    for (let row = 0; row < rowCount; row++) {
      const value = column.values[row];
      if (!Number.isNaN(value)) y[row] = classOf.get(value)!;
    }
    classes = distinct.map((value) => String(value));
  } else {
    const used = new Set<number>();
    for (const code of column.codes) if (code !== MISSING_CODE) used.add(code);
    const sortedCodes = Array.from(used).sort((a, b) => compareText(column.dictionary[a], column.dictionary[b]));
    const classOfCode = new Int32Array(column.dictionary.length).fill(-1);
    sortedCodes.forEach((code, i) => (classOfCode[code] = i));
    for (let row = 0; row < rowCount; row++) {
      const code = column.codes[row];
      if (code !== MISSING_CODE) y[row] = classOfCode[code];
    }
    classes = sortedCodes.map((code) => column.dictionary[code]);
  }
  const classCounts = new Array<number>(classes.length).fill(0);
  let missing = 0;
  for (const cls of y) {
    if (cls < 0) missing++;
    else classCounts[cls]++;
  }
  return { column: index, name: column.name, source, reason, classes, y, classCounts, missing };
}
