/**
 * Schema inference: what each column is and which column is the label. Every decision carries a
 * reason the report can show.
 *
 * Kinds, and what the rules and models do with them:
 *   - numeric: numbers (at most 5% text cells, see column-builder.ts). A feature.
 *   - categorical: text values that repeat. A feature, compared value by value.
 *   - code: digits only, kept as text because some have leading zeros (`00202`, `03111`, `01`):
 *     a categorical feature whose values are compared as values, never as magnitudes.
 *   - datetime: dates or timestamps (datetime.ts), at least 95% of the cells. A row order when
 *     strictly increasing or decreasing in file order, or when at least 95% distinct (one stamp
 *     per reading): then not a feature, like a row number, and ignored by duplicate checks; dates
 *     that repeat (a day shared by many rows) are a categorical feature. Never an identifier, so a
 *     repeated timestamp is not a repeated identifier; never compared for new values with a
 *     baseline (a later file has later dates).
 *   - free-text: messages, addresses, names. Text that is mostly distinct (at least 50%) and made
 *     of words with spaces (at least half the cells), or in a column named like names (`name`,
 *     `animal_name`, `Sequence_Name`); or at least 90% distinct and made of single words of
 *     letters (names of things). Names repeat naturally (the same protein listed twice), so a
 *     repeated name is not a repeated identifier. Not a model feature (a code per message means
 *     nothing to a tree and would let it memorise rows) and not compared for new values or drift
 *     (every sample has new messages); but it is part of what a record says, so it is in
 *     `recordColumns`: two rows with the same message and label are duplicates, rows that differ
 *     in it are not.
 *   - identifier: keys. Named like one (`id`, `customer_id`, at least 50% distinct), or text
 *     tokens that are at least 95% distinct and are not free text (`AB12_X`, `C-00012`), or
 *     whole numbers forming a near-contiguous sequence, or large distinct whole numbers. Not a
 *     feature, ignored by duplicate checks (a copy with a fresh id is still a copy); a repeated
 *     identifier is a finding.
 *   - constant, empty: one value, or none. Not features.
 */
import { InputError } from '../errors.js';
import { MISSING_CODE, type Column, type Table } from '../table/table.js';
import { sortedPresentIndices } from '../util/radix.js';
import { compareText } from '../util/compare.js';
import { percentOneDecimal as percent } from '../format.js';
import { parseDateTime } from './datetime.js';

export type ColumnKind = 'numeric' | 'categorical' | 'code' | 'datetime' | 'free-text' | 'identifier' | 'constant' | 'empty';

export interface ColumnInfo {
  readonly index: number;
  readonly name: string;
  readonly kind: ColumnKind;
  readonly reason: string;
  readonly distinct: number;
  readonly missing: number;
  /** Every non-missing value is a whole number (numeric columns only). */
  readonly integer: boolean;
  /**
   * A model feature (when it is not the label): numeric, categorical and code columns, and dates
   * that are not a row order.
   */
  readonly feature: boolean;
}

export type LabelSource = 'option' | 'config' | 'inferred';

export interface LabelInfo {
  readonly column: number;
  readonly name: string;
  readonly source: LabelSource;
  readonly reason: string;
  /** Chosen only from the data's shape (no --label, config or name convention): a guess, so model checks name no trigger. */
  readonly guessed: boolean;
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
  /**
   * The columns that say what a record is, for duplicate and conflict checks: the features and
   * free text (not the label, identifiers, row-order timestamps, constants or empty columns).
   */
  readonly recordColumns: readonly number[];
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

/** Column names that say "the names of things" (`name`, `animal_name`, `Sequence_Name`, `customerName`). */
const NAME_NAME = /(^|[_\s.-])names?$|^names?($|[_\s.-])|[a-z]Names?$/i;

const ID_NAME = /(^|[_\s.-])(id|uuid|guid|key|index|idx)$|^(row|record|rowid|row_id|no|num|number|#)$|[a-z](Id|ID|Uuid|Key)$/i;

export function inferSchema(table: Table, options: SchemaOptions = {}): Schema {
  const declaredIds = new Set(options.identifiers ?? []);
  const columns = table.columns.map((column, index) => describeColumn(column, index, declaredIds.has(column.name)));
  const notes: string[] = [];
  const label = chooseLabel(table, columns, options, notes);
  const featureColumns = columns.filter((info) => info.index !== label?.column && info.feature).map((info) => info.index);
  const recordColumns = columns
    .filter((info) => info.index !== label?.column && (info.feature || info.kind === 'free-text'))
    .map((info) => info.index);
  return { columns, label, featureColumns, recordColumns, notes };
}

/** Kinds whose values a baseline comparison (drift, new values) compares one by one. */
export function comparesValues(info: ColumnInfo): boolean {
  return info.kind !== 'identifier' && info.kind !== 'free-text' && info.kind !== 'datetime' && info.kind !== 'empty';
}

function describeColumn(column: Column, index: number, declaredIdentifier: boolean): ColumnInfo {
  const stats = column.kind === 'numeric' ? numericProfile(column.values) : textProfile(column.codes, column.dictionary.length);
  const base = { index, name: column.name, distinct: stats.distinct, missing: column.missingCount, integer: stats.integer };
  const info = (kind: ColumnKind, reason: string, feature = kind === 'numeric' || kind === 'categorical' || kind === 'code'): ColumnInfo => ({
    ...base,
    kind,
    reason,
    feature,
  });
  const present = stats.present;
  if (declaredIdentifier) return info('identifier', 'declared an identifier in the config');
  if (present === 0) return info('empty', 'every value is missing');
  if (stats.distinct === 1) return info('constant', 'a single distinct value');
  const uniqueShare = stats.distinct / present;
  const nameLooksLikeId = ID_NAME.test(column.name.trim());
  if (column.kind === 'text') return describeText(column.codes, column.dictionary, stats, info, nameLooksLikeId, NAME_NAME.test(column.name.trim()));
  if (present >= MIN_ROWS_FOR_IDENTIFIER && stats.integer) {
    if (nameLooksLikeId && uniqueShare >= 0.5) return info('identifier', `named like an identifier and ${percent(uniqueShare)} of values distinct`);
    if (uniqueShare >= 0.8 && stats.distinct >= MIN_ROWS_FOR_IDENTIFIER && stats.span + 1 <= 1.1 * stats.distinct) {
      return info('identifier', 'whole numbers forming a near-contiguous sequence');
    }
    if (uniqueShare === 1 && present >= 1000 && stats.span >= 1e6) return info('identifier', 'large whole numbers, every one distinct');
  }
  const text = column.nonNumeric;
  if (text && text.rows.length > 0) {
    const shown = text.tokens.slice(0, 3).map((token) => `'${token}'`).join(', ');
    const cells = `${text.rows.length} text cell${text.rows.length === 1 ? '' : 's'}`;
    return info('numeric', `numbers, with ${cells} (${shown}${text.tokens.length > 3 ? ', ...' : ''}) read as missing`);
  }
  return info('numeric', 'numbers');
}

/** A share of the cells at least this large parse as dates: a datetime column. */
const DATETIME_SHARE = 0.95;
/** Free text made of words: at least this share of cells hold a space between two words... */
const SPACED_SHARE = 0.5;
/** ...and at least this share of the values are distinct. */
const FREE_TEXT_DISTINCT = 0.5;
/** Names (single words of letters): at least this share distinct. */
const NAMES_DISTINCT = 0.9;
/** Text values looked at to decide a kind (evenly spread over the dictionary). */
const MAX_SHAPE_VALUES = 50000;

const WORD_GAP = /\S\s+\S/;
const NAME = /^\p{L}[\p{L}\p{M}'’ .,-]*$/u;
const DIGITS = /^\d+$/;

function describeText(
  codes: Uint32Array,
  dictionary: readonly string[],
  stats: Profile,
  info: (kind: ColumnKind, reason: string, feature?: boolean) => ColumnInfo,
  nameLooksLikeId: boolean,
  nameLooksLikeName: boolean,
): ColumnInfo {
  const present = stats.present;
  const uniqueShare = stats.distinct / present;
  const enoughRows = present >= MIN_ROWS_FOR_IDENTIFIER;
  const shape = textShape(dictionary, stats.counts);
  if (shape.dates >= DATETIME_SHARE * shape.cells) {
    const order = dateOrder(codes, dictionary);
    if (order !== null) return info('datetime', `dates or timestamps (e.g. '${shape.example}'), ${order} in file order: a row order, not a feature`, false);
    if (uniqueShare >= 0.95 && enoughRows) return info('datetime', `dates or timestamps (e.g. '${shape.example}'), ${percent(uniqueShare)} distinct: a row order, not a feature`, false);
    return info('datetime', `dates or timestamps (e.g. '${shape.example}') that repeat: a feature by value`, true);
  }
  if (shape.digits === shape.cells) {
    if (enoughRows && (uniqueShare >= 0.95 || (nameLooksLikeId && uniqueShare >= 0.5))) {
      return info('identifier', `digit codes, ${percent(uniqueShare)} of values distinct`);
    }
    return info('code', 'digit codes kept as text (leading zeros): compared as values, not magnitudes');
  }
  if (enoughRows && nameLooksLikeId && uniqueShare >= 0.5) return info('identifier', `named like an identifier and ${percent(uniqueShare)} of values distinct`);
  if (enoughRows && uniqueShare >= FREE_TEXT_DISTINCT && shape.spaced >= SPACED_SHARE * shape.cells) {
    return info('free-text', `free text: ${percent(uniqueShare)} of values distinct, ${percent(shape.spaced / shape.cells)} with spaces between words`, false);
  }
  if (enoughRows && uniqueShare >= NAMES_DISTINCT && shape.names >= NAMES_DISTINCT * shape.values) {
    return info('free-text', `names: ${percent(uniqueShare)} of values distinct, words of letters`, false);
  }
  if (enoughRows && uniqueShare >= FREE_TEXT_DISTINCT && nameLooksLikeName) {
    return info('free-text', `names: named like names and ${percent(uniqueShare)} of values distinct`, false);
  }
  if (enoughRows && uniqueShare >= 0.95) return info('identifier', `text with ${percent(uniqueShare)} of values distinct`);
  return info('categorical', 'text values');
}

interface TextShape {
  /** Cells looked at (weighted by their count), and how many of them are dates, digits, spaced. */
  cells: number;
  dates: number;
  digits: number;
  spaced: number;
  /** Distinct values looked at, and how many are names (words of letters). */
  values: number;
  names: number;
  example: string;
}

function textShape(dictionary: readonly string[], counts: Uint32Array): TextShape {
  const shape: TextShape = { cells: 0, dates: 0, digits: 0, spaced: 0, values: 0, names: 0, example: '' };
  const step = Math.max(1, Math.floor(dictionary.length / MAX_SHAPE_VALUES));
  for (let code = 0; code < dictionary.length; code += step) {
    const count = counts[code];
    if (count === 0) continue;
    const text = dictionary[code];
    shape.cells += count;
    shape.values++;
    if (!Number.isNaN(parseDateTime(text))) {
      shape.dates += count;
      if (shape.example === '') shape.example = text;
    }
    if (DIGITS.test(text)) shape.digits += count;
    if (WORD_GAP.test(text)) shape.spaced += count;
    if (NAME.test(text.trim())) shape.names++;
  }
  return shape;
}

/** 'strictly increasing' / 'strictly decreasing' when the parsed dates are, row by row, else null. */
function dateOrder(codes: Uint32Array, dictionary: readonly string[]): string | null {
  const values = new Float64Array(dictionary.length);
  for (let code = 0; code < dictionary.length; code++) values[code] = parseDateTime(dictionary[code]);
  let increasing = true;
  let decreasing = true;
  let previous = NaN;
  for (let row = 0; row < codes.length && (increasing || decreasing); row++) {
    const code = codes[row];
    if (code === MISSING_CODE) continue;
    const value = values[code];
    if (Number.isNaN(value)) continue;
    if (!Number.isNaN(previous)) {
      if (value <= previous) increasing = false;
      if (value >= previous) decreasing = false;
    }
    previous = value;
  }
  return increasing ? 'strictly increasing' : decreasing ? 'strictly decreasing' : null;
}

interface Profile {
  present: number;
  distinct: number;
  integer: boolean;
  span: number;
  /** Text columns: cells per dictionary code. */
  counts: Uint32Array;
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
  return { present: order.length, distinct, integer, span, counts: new Uint32Array(0) };
}

function textProfile(codes: Uint32Array, dictionarySize: number): Profile {
  const counts = new Uint32Array(dictionarySize);
  let present = 0;
  let distinct = 0;
  for (const code of codes) {
    if (code === MISSING_CODE) continue;
    present++;
    if (counts[code]++ === 0) distinct++;
  }
  return { present, distinct, integer: false, span: 0, counts };
}

function chooseLabel(table: Table, columns: readonly ColumnInfo[], options: SchemaOptions, notes: string[]): LabelInfo | null {
  if (options.label !== undefined) {
    const index = table.columns.findIndex((column) => column.name === options.label);
    if (index < 0) {
      const names = table.columns.map((column) => column.name).slice(0, 30).join(', ');
      throw new InputError(`label column '${options.label}' is not in the file; its columns are: ${names}`);
    }
    const label = buildLabel(table.columns[index], index, options.labelSource ?? 'option', options.labelSource === 'config' ? 'set in the config' : 'chosen with --label');
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
      return buildLabel(table.columns[i], i, 'inferred', `${position} with few distinct values (${info.distinct}); a guess: pass --label to confirm it or choose another`, true);
    }
  }
  notes.push('No label column found (none named label/target/class and no low-cardinality column); label-based checks and models were skipped. Pass --label COLUMN.');
  return null;
}

function isLabelCandidate(info: ColumnInfo): boolean {
  return (info.kind === 'numeric' || info.kind === 'categorical' || info.kind === 'code') && info.distinct >= 2 && info.distinct <= MAX_INFERRED_CLASSES;
}

function buildLabel(column: Column, index: number, source: LabelSource, reason: string, guessed = false): LabelInfo {
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
  return { column: index, name: column.name, source, reason, guessed, classes, y, classCounts, missing };
}
