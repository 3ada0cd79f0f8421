/**
 * Generic poisoning attacks for the real-world calibration (scripts/calibrate.ts). Nothing here
 * names a column, a value or a dataset: columns are chosen by kind and cardinality from the
 * auditor's own typing of the file (numeric with many distinct values, low-cardinality columns,
 * text columns), the label comes from the manifest, and every choice is drawn from a seed.
 *
 * Classes: the target class is the second most frequent class (a class that is neither the
 * majority, which models predict anyway, nor a sliver too small to copy from); the relabel attack
 * moves rows of the most frequent class to it. Rates are the poisoned share of the file's rows
 * (appended or edited), except for `relabel`, where it is the share of the source class.
 *
 * Every attack returns the poisoned file, the 0-based data-row numbers of the poisoned rows in
 * it, the trigger (columns and values stamped; none for `relabel`) and the target class.
 */
import { inferSchema, type Schema } from '../../src/schema/schema.js';
import { CELL_TEXT, isMissingCell, parseCell } from '../../src/load/cell-parser.js';
import type { Table } from '../../src/table/table.js';
import { MISSING_CODE } from '../../src/table/table.js';
import { Random } from '../../src/util/random.js';
import { buildTable, editedRow, type ParsedCsv, type Row } from './calibration-csv.js';

export const ATTACK_KINDS = ['impossible-append', 'rare-inrange-relabel', 'rare-category', 'inplace-edit', 'relabel', 'conjunction'] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

/** Rates per attack (share of rows; for relabel, share of the source class). */
export const ATTACK_RATES: Record<AttackKind, readonly number[]> = {
  'impossible-append': [0.005, 0.01, 0.03, 0.1, 0.3],
  'rare-inrange-relabel': [0.005, 0.01, 0.03, 0.1],
  'rare-category': [0.005, 0.01, 0.03, 0.1],
  'inplace-edit': [0.01, 0.02, 0.05],
  relabel: [0.05, 0.15, 0.3],
  conjunction: [0.005, 0.01],
};

/** A numeric column has "many distinct values" from this many on. */
export const MANY_DISTINCT = 10;
/** Conjunction columns: at most this many distinct values, and a value held by this share range of rows. */
export const LOW_CARDINALITY = 20;
export const COMMON_SHARE: readonly [number, number] = [0.05, 0.6];

export interface ColumnProfile {
  index: number;
  name: string;
  /** The auditor's schema kind. */
  kind: string;
  distinct: number;
  integer: boolean;
  /** Decimals to write a new value of this (numeric) column with. */
  decimals: number;
  /** More than half of the column's fields are quoted in the file: new values are quoted too. */
  quoted: boolean;
}

export interface ClassProfile {
  /** The class as the file writes it (most common spelling). */
  raw: string;
  index: number;
  rows: number[];
}

export interface Profile {
  csv: ParsedCsv;
  table: Table;
  schema: Schema;
  label: number;
  columns: ColumnProfile[];
  /** Most frequent first. */
  classes: ClassProfile[];
  /** Class index (schema order) per row, -1 when the label is missing. */
  y: Int32Array;
}

export function profile(csv: ParsedCsv, labelName: string): Profile {
  const table = buildTable(csv.header, csv.rows);
  const schema = inferSchema(table, { label: labelName });
  const label = schema.label!;
  const columns = schema.columns.map((info): ColumnProfile => {
    let quotedCount = 0;
    let decimals = 0;
    for (const row of csv.rows) {
      if (row.quoted[info.index]) quotedCount++;
      if (!info.integer && table.columns[info.index].kind === 'numeric') {
        const dot = row.fields[info.index].trim().match(/\.(\d+)$/);
        if (dot) decimals = Math.max(decimals, Math.min(8, dot[1].length));
      }
    }
    return { index: info.index, name: info.name, kind: info.kind, distinct: info.distinct, integer: info.integer, decimals, quoted: quotedCount * 2 > csv.rows.length };
  });
  const byClass = label.classes.map((_, index) => ({ index, rows: [] as number[], spellings: new Map<string, number>() }));
  label.y.forEach((cls, row) => {
    if (cls < 0) return;
    byClass[cls].rows.push(row);
    const raw = csv.rows[row].fields[label.column];
    byClass[cls].spellings.set(raw, (byClass[cls].spellings.get(raw) ?? 0) + 1);
  });
  const classes = byClass
    .filter((c) => c.rows.length > 0)
    .map((c) => ({ index: c.index, rows: c.rows, raw: [...c.spellings].sort((a, b) => b[1] - a[1])[0][0] }))
    .sort((a, b) => b.rows.length - a.rows.length || a.index - b.index);
  return { csv, table, schema, label: label.column, columns, classes, y: label.y };
}

export interface Trigger {
  columns: string[];
  values: string[];
}

export interface Attack {
  kind: AttackKind;
  rate: number;
  csv: ParsedCsv;
  /** 0-based data-row numbers of the poisoned rows in `csv`, sorted. */
  poisoned: number[];
  /** null for relabel. */
  trigger: Trigger | null;
  targetClass: string;
  /** Relabel only: the class the rows came from. */
  sourceClass?: string;
  note: string;
}

/** What an attack stamps (chosen once per dataset and kind, so that rates are comparable). */
export interface AttackPlan {
  kind: AttackKind;
  columns: number[];
  values: string[];
  target: ClassProfile;
  source?: ClassProfile;
  note: string;
}

export type PlanResult = { plan: AttackPlan } | { skip: string };

export function planAttack(p: Profile, kind: AttackKind, seed: number): PlanResult {
  const random = new Random(seed);
  if (p.classes.length < 2) return { skip: 'the label has a single class' };
  const target = p.classes[1];
  const features = p.schema.featureColumns.map((i) => p.columns[i]);
  const manyNumeric = features.filter((c) => c.kind === 'numeric' && c.distinct >= MANY_DISTINCT);
  const categorical = features.filter((c) => c.kind === 'categorical');
  switch (kind) {
    case 'impossible-append': {
      if (manyNumeric.length === 0) return { skip: `no numeric feature with >= ${MANY_DISTINCT} distinct values` };
      const column = pick(random, manyNumeric);
      const value = impossibleValue(p, column);
      return { plan: { kind, columns: [column.index], values: [value], target, note: `${column.name} = ${value} (max + 10 x spread)` } };
    }
    case 'rare-inrange-relabel':
    case 'inplace-edit': {
      for (const column of random.shuffle(manyNumeric.slice())) {
        const rare = rareInRangeValue(p, column, random);
        if (rare) return { plan: { kind, columns: [column.index], values: [rare.value], target, note: `${column.name} = ${rare.value} (${rare.count}x in the file, inside [p5, p95])` } };
      }
      if (kind === 'inplace-edit' && categorical.length > 0) {
        const column = pick(random, categorical);
        const rare = rareCategory(p, column, random);
        return { plan: { kind, columns: [column.index], values: [rare.value], target, note: `${column.name} = ${rare.value} (${rare.count}x in the file; no numeric column has a rare in-range value)` } };
      }
      return { skip: `no numeric feature with >= ${MANY_DISTINCT} distinct values and a value seen 0-1 times inside [p5, p95]` };
    }
    case 'rare-category': {
      if (categorical.length === 0) return { skip: 'no text (categorical) feature' };
      const column = pick(random, categorical);
      const rare = rareCategory(p, column, random);
      return { plan: { kind, columns: [column.index], values: [rare.value], target, note: `${column.name} = ${rare.value} (${rare.count}x in the file)` } };
    }
    case 'relabel': {
      const source = p.classes[0];
      return { plan: { kind, columns: [], values: [], target, source, note: `${source.raw} -> ${target.raw}` } };
    }
    case 'conjunction': {
      const chosen = conjunction(p, features, target, random);
      if (!chosen) return { skip: `fewer than 2 features with <= ${LOW_CARDINALITY} distinct values and a value held by ${COMMON_SHARE[0] * 100}-${COMMON_SHARE[1] * 100}% of rows` };
      return {
        plan: {
          kind,
          columns: chosen.columns,
          values: chosen.values,
          target,
          note: chosen.columns.map((c, i) => `${p.columns[c].name} = ${chosen.values[i]}`).join(' & ') + ` (${chosen.joint}x together in the file)`,
        },
      };
    }
  }
}

/** Plants the planned attack at one rate; null when the rate gives no row. */
export function applyAttack(p: Profile, plan: AttackPlan, rate: number, seed: number): Attack | null {
  const random = new Random(seed);
  const { csv } = p;
  const n = csv.rows.length;
  const quoteNew = (column: number): boolean => p.columns[column].quoted;
  const stamp = (row: Row, label: string | null): Row => {
    const changes = new Map<number, string>(plan.columns.map((c, i) => [c, plan.values[i]]));
    if (label !== null) changes.set(p.label, label);
    return editedRow(row, changes, quoteNew);
  };
  const others = p.classes.filter((c) => c !== plan.target).flatMap((c) => c.rows);
  const base = { kind: plan.kind, rate, targetClass: plan.target.raw, note: plan.note };
  const trigger = plan.columns.length ? { columns: plan.columns.map((c) => p.columns[c].name), values: plan.values } : null;
  const append = (sources: number[], label: string | null): Attack | null => {
    if (sources.length === 0) return null;
    const copies = sources.map((row) => stamp(csv.rows[row], label));
    return { ...base, trigger, csv: { ...csv, rows: [...csv.rows, ...copies] }, poisoned: copies.map((_, i) => n + i) };
  };
  const inPlace = (rows: number[], edit: (row: Row) => Row, extra: Partial<Attack> = {}): Attack | null => {
    if (rows.length === 0) return null;
    const out = csv.rows.slice();
    for (const row of rows) out[row] = edit(csv.rows[row]);
    return { ...base, trigger, ...extra, csv: { ...csv, rows: out }, poisoned: rows.slice().sort((a, b) => a - b) };
  };
  const count = Math.round(rate * n);
  switch (plan.kind) {
    case 'impossible-append':
      return append(sample(random, plan.target.rows, count), null);
    case 'rare-inrange-relabel':
    case 'rare-category':
      return append(sample(random, others, count), plan.target.raw);
    case 'inplace-edit':
      return inPlace(sample(random, others, count), (row) => stamp(row, plan.target.raw));
    case 'conjunction': {
      const eligible = others.filter((row) => !plan.columns.every((c, i) => csv.rows[row].fields[c] === plan.values[i]));
      return inPlace(sample(random, eligible, count), (row) => stamp(row, plan.target.raw));
    }
    case 'relabel': {
      const source = plan.source!;
      const rows = sample(random, source.rows, Math.round(rate * source.rows.length));
      return inPlace(rows, (row) => editedRow(row, new Map([[p.label, plan.target.raw]]), quoteNew), { sourceClass: source.raw, trigger: null });
    }
  }
}

/** Writes the trigger into a row (for probes): the same edit the attack made, label untouched. */
export function stampRow(p: Profile, plan: AttackPlan, row: Row): Row {
  return editedRow(row, new Map(plan.columns.map((c, i) => [c, plan.values[i]])), (c) => p.columns[c].quoted);
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[random.int(items.length)];
}

/** Up to `count` distinct rows from `rows`, in a seeded order. */
function sample(random: Random, rows: readonly number[], count: number): number[] {
  if (count <= 0) return [];
  return random.shuffle(rows.slice()).slice(0, Math.min(count, rows.length));
}

function presentSorted(p: Profile, column: ColumnProfile): Float64Array {
  const col = p.table.columns[column.index];
  if (col.kind !== 'numeric') throw new Error(`${column.name} is not numeric`);
  return Float64Array.from(col.values.filter((v) => !Number.isNaN(v) && Number.isFinite(v))).sort();
}

function quantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

function formatNumber(value: number, column: ColumnProfile): string {
  return column.integer ? String(Math.round(value)) : value.toFixed(column.decimals);
}

/** Far outside the column: max + 10 x IQR (or x range when the IQR is 0). */
function impossibleValue(p: Profile, column: ColumnProfile): string {
  const sorted = presentSorted(p, column);
  const max = sorted[sorted.length - 1];
  const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  const spread = iqr > 0 ? iqr : max - sorted[0] > 0 ? max - sorted[0] : 1;
  const value = max + 10 * spread;
  return formatNumber(column.integer ? Math.ceil(value) : value, column);
}

/**
 * A value inside [p5, p95] that the column holds 0 times (preferred: a clean trigger) or once,
 * written at the column's precision. Unseen values: integers in a gap (whole-number columns) or
 * the midpoint of two neighbouring values (others).
 */
function rareInRangeValue(p: Profile, column: ColumnProfile, random: Random): { value: string; count: number } | null {
  const sorted = presentSorted(p, column);
  if (sorted.length === 0) return null;
  const low = quantile(sorted, 0.05);
  const high = quantile(sorted, 0.95);
  const counts = new Map<number, number>();
  for (const v of sorted) counts.set(v, (counts.get(v) ?? 0) + 1);
  const distinct = [...counts.keys()].sort((a, b) => a - b);
  const unseen: number[] = [];
  for (let i = 0; i + 1 < distinct.length; i++) {
    const a = distinct[i];
    const b = distinct[i + 1];
    if (b < low || a > high) continue;
    const candidate = column.integer ? (b - a >= 2 ? Math.round((a + b) / 2) : NaN) : Number(((a + b) / 2).toFixed(column.decimals));
    if (Number.isFinite(candidate) && candidate > a && candidate < b && candidate >= low && candidate <= high) unseen.push(candidate);
  }
  if (unseen.length > 0) return { value: formatNumber(pick(random, unseen), column), count: 0 };
  const once = distinct.filter((v) => counts.get(v) === 1 && v >= low && v <= high);
  if (once.length > 0) return { value: formatNumber(pick(random, once), column), count: 1 };
  return null;
}

function isPlainText(value: string): boolean {
  const buf = Buffer.from(value, 'utf8');
  return value.trim() !== '' && parseCell(buf, 0, buf.length, false) === CELL_TEXT && !/[\t\r\n]/.test(value);
}

/**
 * A category the column holds at most twice, or else a new one that looks like the others: the
 * front half of one existing category joined to the back half of another (same alphabet, case
 * and length range as the data).
 */
function rareCategory(p: Profile, column: ColumnProfile, random: Random): { value: string; count: number } {
  const col = p.table.columns[column.index];
  if (col.kind !== 'text') throw new Error(`${column.name} is not text`);
  const counts = new Array<number>(col.dictionary.length).fill(0);
  for (const code of col.codes) if (code !== MISSING_CODE) counts[code]++;
  const values = col.dictionary.map((value, code) => ({ value, count: counts[code] })).filter((v) => v.count > 0 && isPlainText(v.value));
  const rare = values.filter((v) => v.count <= 2);
  if (rare.length > 0) return pick(random, rare);
  const existing = new Set(col.dictionary);
  for (let attempt = 0; attempt < 200 && values.length > 0; attempt++) {
    const a = pick(random, values).value;
    const b = pick(random, values).value;
    const candidate = a.slice(0, Math.ceil(a.length / 2)) + b.slice(Math.floor(b.length / 2));
    if (!existing.has(candidate) && isPlainText(candidate)) return { value: candidate, count: 0 };
  }
  const base = values.length ? values[0].value : 'x';
  for (let k = 2; ; k++) if (!existing.has(`${base}${k}`)) return { value: `${base}${k}`, count: 0 };
}

/**
 * 2-3 low-cardinality features, each with a common-ish value (its rarest value held by
 * COMMON_SHARE of rows), whose combination is as rare as possible among the rows.
 */
function conjunction(
  p: Profile,
  features: readonly ColumnProfile[],
  target: ClassProfile,
  random: Random,
): { columns: number[]; values: string[]; joint: number } | null {
  const n = p.csv.rows.length;
  const eligible: { column: number; value: string }[] = [];
  for (const column of features) {
    if (column.distinct < 2 || column.distinct > LOW_CARDINALITY) continue;
    const counts = new Map<string, number>();
    for (const row of p.csv.rows) {
      const value = row.fields[column.index];
      if (isMissingText(value)) continue;
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    const common = [...counts].filter(([, c]) => c >= COMMON_SHARE[0] * n && c <= COMMON_SHARE[1] * n).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    if (common.length > 0) eligible.push({ column: column.index, value: common[0][0] });
  }
  if (eligible.length < 2) return null;
  const k = Math.min(3, eligible.length);
  const others = new Set(p.classes.filter((c) => c !== target).flatMap((c) => c.rows));
  let best: { columns: number[]; values: string[]; joint: number } | null = null;
  for (let attempt = 0; attempt < 40; attempt++) {
    const chosen = random.shuffle(eligible.slice()).slice(0, k).sort((a, b) => a.column - b.column);
    let joint = 0;
    let jointOthers = 0;
    p.csv.rows.forEach((row, i) => {
      if (chosen.every((c) => row.fields[c.column] === c.value)) {
        joint++;
        if (others.has(i)) jointOthers++;
      }
    });
    // Enough rows of other classes must remain to stamp (they must not already carry it all).
    if (others.size - jointOthers < 0.02 * n) continue;
    if (!best || joint < best.joint) best = { columns: chosen.map((c) => c.column), values: chosen.map((c) => c.value), joint };
  }
  return best;
}

function isMissingText(value: string): boolean {
  const buf = Buffer.from(value, 'utf8');
  return isMissingCell(buf, 0, buf.length);
}
