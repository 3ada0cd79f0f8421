/**
 * Per-class histograms of the columns a report implicates: part of the report model
 * (`report.histograms`, docs/report.md), computed here from the loaded tables once the findings
 * are known, so that the HTML and Markdown renderers format a saved report as they format a
 * fresh one.
 *
 * Implicated columns: the columns of the triggers (and of a trigger's paired column), then the
 * columns of high and critical findings, in report order, at most MAX_COLUMNS. A report with
 * none shows the INFORMATIVE_COLUMNS that tell the classes apart best instead. The "spike"
 * values are the trigger values (or ranges) and the finding values on those columns.
 *
 * Axis, per column (the same bars for every class and for both files, so panels line up):
 * - numbers with few distinct values once the spike values are set apart (at most
 *   MAX_CATEGORIES): one bar per distinct value, in numeric order;
 * - other numbers: about BIN_TARGET bins of "nice" width over the bulk of the values (0.5% to
 *   99.5%, spike values excluded), a bar for values below and one for values above the bulk
 *   when there are any, and always a bar of its own for each spike value or range, placed where
 *   it falls;
 * - text: one bar per value when there are few, else the most frequent values, the spike
 *   values and one "other" bar;
 * - a "(missing)" bar when either file has missing cells in the column.
 */
import type { Dataset } from '../engine/dataset.js';
import type { CellValue } from '../engine/finding.js';
import type { ValueIndex } from '../engine/indexes.js';
import type { Report } from '../report/report.js';
import { MISSING_CODE } from '../table/table.js';
import { severityRank } from '../engine/finding.js';
import { quantileOfCounts, upperQuantile } from '../stats/quantile.js';
import { displayValue, formatNumber, formatRange, formatShort } from '../format.js';

export const MAX_COLUMNS = 12;
export const MAX_CATEGORIES = 64;
export const MAX_TEXT_BARS = 30;
export const BIN_TARGET = 30;
/** On a report that implicates no column: the most informative columns shown, of the first features scanned. */
export const INFORMATIVE_COLUMNS = 4;
export const INFORMATIVE_SCANNED = 40;
const INFORMATIVE_SAMPLE = 20_000;
const INFORMATIVE_BUCKETS = 16;
export const INFORMATIVE_REASON = 'informative about the label';

export type BarKind = 'value' | 'bin' | 'below' | 'above' | 'range' | 'other' | 'missing';

export interface HistogramBar {
  /** Full text of the bar: `250`, `[20000, 30000)`, `< 20000`, `(other 12 values)`, `(missing)`. */
  label: string;
  /** Short text for a crowded axis: `250`, `20k`, `<20k`. */
  short: string;
  kind: BarKind;
  /** A value or range named by a trigger or a high/critical finding. */
  spike: boolean;
  /** One bar per value: a wide jump from the previous value (the axis is not to scale there). */
  gapBefore?: boolean;
}

/** Counts per bar (aligned with ColumnHistogram.bars) for one class. */
export interface ClassCounts {
  /** The class as written in the file; null when there is no label (all rows) or for rows with no label. */
  className: string | null;
  /** True for the rows whose label is missing. */
  unlabelled?: boolean;
  candidate: number[];
  /** null without a baseline (or when the baseline lacks the column). */
  baseline: number[] | null;
}

export interface ColumnHistogram {
  column: string;
  axis: 'categorical' | 'binned';
  numeric: boolean;
  /** Why the column is shown: `trigger 250 → yes`, `near-duplicates (high)`, ... */
  reasons: string[];
  bars: HistogramBar[];
  classes: ClassCounts[];
  candidateRows: number;
  baselineRows: number | null;
  /** Why there are no baseline bars although a baseline was given, or null. */
  baselineNote: string | null;
}

export interface HistogramData {
  /** The label column, or null (then each column has one series of all rows). */
  label: string | null;
  hasBaseline: boolean;
  columns: ColumnHistogram[];
  /** Implicated columns left out (over MAX_COLUMNS). */
  omitted: string[];
}

interface Spikes {
  values: CellValue[];
  ranges: [number, number][];
  reasons: string[];
}

/** Collects the implicated columns and their spike values from the report, strongest first. */
export function implicatedColumns(report: Report): Map<string, Spikes> {
  const columns = new Map<string, Spikes>();
  const entry = (column: string): Spikes => {
    let spikes = columns.get(column);
    if (!spikes) {
      spikes = { values: [], ranges: [], reasons: [] };
      columns.set(column, spikes);
    }
    return spikes;
  };
  const addReason = (spikes: Spikes, reason: string): void => {
    if (!spikes.reasons.includes(reason)) spikes.reasons.push(reason);
  };
  for (const trigger of report.triggers) {
    const spikes = entry(trigger.column);
    if (trigger.range) spikes.ranges.push([trigger.range[0], trigger.range[1]]);
    else if (trigger.value !== null) spikes.values.push(trigger.value);
    const where = trigger.range ? formatRange(trigger.range) : displayValue(trigger.value);
    addReason(spikes, `trigger ${where} → ${trigger.targetClass}`);
    const pair = trigger.evidence?.pairedWith as { column?: unknown; value?: unknown } | undefined;
    if (pair && typeof pair.column === 'string') {
      const paired = entry(pair.column);
      if (typeof pair.value === 'number' || typeof pair.value === 'string') paired.values.push(pair.value);
      addReason(paired, `trigger pair ${String(pair.value)} → ${trigger.targetClass}`);
    }
  }
  for (const finding of report.findings) {
    if (finding.column === null || severityRank(finding.severity) < severityRank('high')) continue;
    const spikes = entry(finding.column);
    if (finding.value !== null) spikes.values.push(finding.value);
    addReason(spikes, `${finding.rule} (${finding.severity})`);
  }
  return columns;
}

export function buildHistogramData(candidate: Dataset, baseline: Dataset | null, report: Report): HistogramData {
  const implicated = implicatedColumns(report);
  const labelInfo = candidate.schema.label;
  const columns: ColumnHistogram[] = [];
  const omitted: string[] = [];
  for (const [name, spikes] of implicated) {
    const index = candidate.table.columns.findIndex((c) => c.name === name);
    if (index < 0) continue;
    if (columns.length >= MAX_COLUMNS) {
      omitted.push(name);
      continue;
    }
    columns.push(columnHistogram(candidate, baseline, index, spikes));
  }
  if (implicated.size === 0 && labelInfo) columns.push(...informativeColumns(candidate, baseline));
  return { label: labelInfo?.name ?? null, hasBaseline: baseline !== null, columns, omitted };
}

/**
 * A report that implicates no column still shows where the data was looked at: the feature
 * columns that tell the classes apart best, at most INFORMATIVE_COLUMNS of the first
 * INFORMATIVE_SCANNED features. Ranked by the mutual information of the label with the column's
 * value (numbers in INFORMATIVE_BUCKETS quantile buckets) on an even sample of at most
 * INFORMATIVE_SAMPLE rows, so that a million-row file costs milliseconds, not seconds.
 */
function informativeColumns(candidate: Dataset, baseline: Dataset | null): ColumnHistogram[] {
  const label = candidate.schema.label!;
  const rows = candidate.table.rowCount;
  const step = Math.max(1, Math.floor(rows / INFORMATIVE_SAMPLE));
  const sample: number[] = [];
  for (let row = 0; row < rows; row += step) if (label.y[row] >= 0) sample.push(row);
  const scored = candidate.schema.featureColumns.slice(0, INFORMATIVE_SCANNED).map((column) => ({ column, information: sampledInformation(candidate, column, sample) }));
  return scored
    .filter((s) => s.information > 0)
    .sort((a, b) => b.information - a.information || a.column - b.column)
    .slice(0, INFORMATIVE_COLUMNS)
    .map((s) => columnHistogram(candidate, baseline, s.column, { values: [], ranges: [], reasons: [INFORMATIVE_REASON] }));
}

function sampledInformation(candidate: Dataset, column: number, sample: readonly number[]): number {
  const label = candidate.schema.label!;
  const col = candidate.table.columns[column];
  const cell = new Int32Array(sample.length);
  if (col.kind === 'numeric') {
    const values = Float64Array.from(sample, (row) => col.values[row]).filter((v) => !Number.isNaN(v)).sort();
    const cuts = Array.from({ length: INFORMATIVE_BUCKETS - 1 }, (_, i) => values[Math.floor(((i + 1) * values.length) / INFORMATIVE_BUCKETS)] ?? Infinity);
    sample.forEach((row, i) => {
      const v = col.values[row];
      if (Number.isNaN(v)) cell[i] = INFORMATIVE_BUCKETS;
      else {
        let bucket = 0;
        while (bucket < cuts.length && v >= cuts[bucket]) bucket++;
        cell[i] = bucket;
      }
    });
  } else {
    sample.forEach((row, i) => (cell[i] = col.codes[row] === MISSING_CODE ? -1 : col.codes[row] % 4096));
  }
  const joint = new Map<number, number>();
  const byCell = new Map<number, number>();
  const byClass = new Map<number, number>();
  sample.forEach((row, i) => {
    const cls = label.y[row];
    const key = cell[i] * 1024 + cls;
    joint.set(key, (joint.get(key) ?? 0) + 1);
    byCell.set(cell[i], (byCell.get(cell[i]) ?? 0) + 1);
    byClass.set(cls, (byClass.get(cls) ?? 0) + 1);
  });
  const n = sample.length;
  let information = 0;
  for (const [key, count] of joint) {
    const cellValue = Math.floor(key / 1024);
    const cls = key - cellValue * 1024;
    information += (count / n) * Math.log((count * n) / (byCell.get(cellValue)! * byClass.get(cls)!));
  }
  // Many distinct cells inflate the estimate on a sample: charge the bias (Miller-Madow).
  return information - ((byCell.size - 1) * (byClass.size - 1)) / (2 * n);
}

interface Side {
  index: ValueIndex;
  /** Class index of this side's classes in the shared class list (-1: not split by class). */
  classMap: number[];
  classCount: number;
  rows: number;
  missingByClass: number[];
  missingUnlabelled: number;
}

function columnHistogram(candidate: Dataset, baseline: Dataset | null, column: number, spikes: Spikes): ColumnHistogram {
  const name = candidate.table.columns[column].name;
  const label = candidate.schema.label;
  const byClass = label !== null && label.column !== column;
  const classNames: string[] = byClass ? [...label.classes] : [];

  let baselineColumn = -1;
  let baselineNote: string | null = null;
  if (baseline) {
    baselineColumn = baseline.table.columns.findIndex((c) => c.name === name);
    if (baselineColumn < 0) baselineNote = `the baseline has no column ${name}`;
    else if (baseline.table.columns[baselineColumn].kind !== candidate.table.columns[column].kind) {
      baselineNote = `the column holds ${baseline.table.columns[baselineColumn].kind === 'numeric' ? 'numbers' : 'text'} in the baseline`;
      baselineColumn = -1;
    }
  }
  const baseLabel = baseline && byClass ? baseline.schema.label : null;
  if (baseline && byClass && baselineColumn >= 0 && !baseLabel) {
    baselineNote = `the baseline has no label column ${label.name}`;
    baselineColumn = -1;
  }
  if (baseLabel) for (const cls of baseLabel.classes) if (!classNames.includes(cls)) classNames.push(cls);

  const candSide = side(candidate, column, byClass ? label.classes.map((_, i) => i) : null);
  const baseSide =
    baseline && baselineColumn >= 0
      ? side(baseline, baselineColumn, byClass ? baseLabel!.classes.map((cls) => classNames.indexOf(cls)) : null)
      : null;

  const numeric = candSide.index.numeric;
  const axis = numeric
    ? numericAxis(candSide.index, baseSide?.index ?? null, spikes)
    : textAxis(candSide.index, baseSide?.index ?? null, spikes);
  const bars = axis.bars;
  const hasMissing = candSide.missingByClass.some((n) => n > 0) || candSide.missingUnlabelled > 0 ||
    (baseSide !== null && (baseSide.missingByClass.some((n) => n > 0) || baseSide.missingUnlabelled > 0));
  const missingBar = hasMissing ? bars.push({ label: '(missing)', short: 'NA', kind: 'missing', spike: false }) - 1 : -1;

  const seriesCount = byClass ? classNames.length : 1;
  const unlabelledCand = byClass && candidate.schema.label!.missing > 0;
  const unlabelledBase = byClass && baseSide !== null && (baseline!.schema.label?.missing ?? 0) > 0;
  const withUnlabelled = unlabelledCand || unlabelledBase;
  const cand = counts(candSide, axis.barOf(candSide.index), seriesCount, withUnlabelled, bars.length, missingBar);
  const base = baseSide ? counts(baseSide, axis.barOf(baseSide.index), seriesCount, withUnlabelled, bars.length, missingBar) : null;

  const classes: ClassCounts[] = [];
  for (let s = 0; s < seriesCount; s++) {
    classes.push({ className: byClass ? classNames[s] : null, candidate: cand[s], baseline: base ? base[s] : null });
  }
  if (withUnlabelled) {
    classes.push({ className: null, unlabelled: true, candidate: cand[seriesCount], baseline: base ? base[seriesCount] : null });
  }
  return {
    column: name,
    axis: axis.kind,
    numeric,
    reasons: spikes.reasons,
    bars,
    classes,
    candidateRows: candidate.table.rowCount,
    baselineRows: baseSide ? baseline!.table.rowCount : null,
    baselineNote,
  };
}

/** classMap null: one series of all rows. */
function side(dataset: Dataset, column: number, classMap: number[] | null): Side {
  const index = dataset.indexes.valueIndex(column);
  const label = dataset.schema.label;
  const classCount = classMap === null ? 0 : dataset.indexes.classCount;
  const missingByClass = new Array<number>(Math.max(classCount, 1)).fill(0);
  let missingUnlabelled = 0;
  const col = dataset.table.columns[column];
  if (col.missingCount > 0) {
    for (let row = 0; row < index.ids.length; row++) {
      if (index.ids[row] !== MISSING_CODE) continue;
      if (classMap === null) missingByClass[0]++;
      else if (label && label.y[row] >= 0) missingByClass[label.y[row]]++;
      else missingUnlabelled++;
    }
  }
  return { index, classMap: classMap ?? [0], classCount, rows: dataset.table.rowCount, missingByClass, missingUnlabelled };
}

/** Counts per series (plus one for unlabelled rows when asked) per bar. */
function counts(
  s: Side,
  barOf: Int32Array,
  seriesCount: number,
  withUnlabelled: boolean,
  barCount: number,
  missingBar: number,
): number[][] {
  const out = Array.from({ length: seriesCount + (withUnlabelled ? 1 : 0) }, () => new Array<number>(barCount).fill(0));
  const { counts: valueCounts, classCounts } = s.index;
  const k = s.classCount;
  for (let id = 0; id < valueCounts.length; id++) {
    const bar = barOf[id];
    if (bar < 0) continue;
    if (k === 0 || classCounts === null) {
      out[0][bar] += valueCounts[id];
      continue;
    }
    let labelled = 0;
    for (let c = 0; c < k; c++) {
      const n = classCounts[id * k + c];
      labelled += n;
      const series = s.classMap[c];
      if (series >= 0 && n > 0) out[series][bar] += n;
    }
    if (withUnlabelled && valueCounts[id] > labelled) out[seriesCount][bar] += valueCounts[id] - labelled;
  }
  if (missingBar >= 0) {
    if (k === 0) out[0][missingBar] += s.missingByClass[0];
    else for (let c = 0; c < k; c++) if (s.classMap[c] >= 0) out[s.classMap[c]][missingBar] += s.missingByClass[c];
    if (withUnlabelled) out[seriesCount][missingBar] += s.missingUnlabelled;
  }
  return out;
}

interface Axis {
  kind: 'categorical' | 'binned';
  bars: HistogramBar[];
  /** Bar of each value id of a side's value index (-1: none). */
  barOf(index: ValueIndex): Int32Array;
}

function numericAxis(cand: ValueIndex, base: ValueIndex | null, spikes: Spikes): Axis {
  const spikeValues = new Set<number>();
  for (const v of spikes.values) if (typeof v === 'number' && !Number.isNaN(v)) spikeValues.add(v === 0 ? 0 : v);
  const ranges = spikes.ranges.filter(([lo, hi]) => lo <= hi);
  const inRange = (v: number): number => ranges.findIndex(([lo, hi]) => v >= lo && v <= hi);

  // Distinct values of both files with their total counts.
  const totals = new Map<number, number>();
  for (const index of base ? [cand, base] : [cand]) {
    const values = index.values as Float64Array;
    for (let id = 0; id < values.length; id++) totals.set(values[id], (totals.get(values[id]) ?? 0) + index.counts[id]);
  }
  const distinct = Array.from(totals.keys()).sort((a, b) => a - b);
  const rest = distinct.filter((v) => !spikeValues.has(v) && inRange(v) < 0);

  const all = Array.from(new Set([...distinct, ...spikeValues])).sort((a, b) => a - b);
  if (rest.length <= MAX_CATEGORIES && all.length <= MAX_CATEGORIES + 8) {
    // One bar per distinct value; spike values (even absent from the data) get theirs.
    const barIndex = new Map<number, number>();
    const steps = all.slice(1).map((v, i) => v - all[i]).sort((a, b) => a - b);
    const typical = steps.length > 0 ? upperQuantile(steps, 0.5) : 0;
    const bars: HistogramBar[] = all.map((v, i) => {
      barIndex.set(v, i);
      const bar: HistogramBar = { label: formatNumber(v), short: formatShort(v), kind: 'value', spike: spikeValues.has(v) || inRange(v) >= 0 };
      if (i > 0 && typical > 0 && v - all[i - 1] > 10 * typical && all.length >= 8) bar.gapBefore = true;
      return bar;
    });
    return {
      kind: 'categorical',
      bars,
      barOf: (index) => Int32Array.from(index.values as Float64Array, (v) => barIndex.get(v) ?? -1),
    };
  }

  // Bins over the bulk of the other values.
  let lo = rest.length ? rest[0] : 0;
  let hi = rest.length ? rest[rest.length - 1] : 1;
  if (rest.length > 0) {
    const counts = rest.map((v) => totals.get(v)!);
    lo = quantileOfCounts(rest, counts, 0.005);
    hi = quantileOfCounts(rest, counts, 0.995);
    if (hi <= lo) {
      lo = rest[0];
      hi = rest[rest.length - 1];
    }
  }
  const integer = rest.every((v) => Number.isInteger(v));
  let step = niceStep((hi - lo) / BIN_TARGET || 1);
  if (integer && step < 1) step = 1;
  const start = round12(Math.floor(lo / step) * step);
  const binCount = Math.max(1, Math.floor(round12((hi - start) / step)) + 1);
  const end = round12(start + binCount * step);
  const edge = (i: number): number => round12(start + i * step);

  interface Item {
    key: number;
    order: number;
    bar: HistogramBar;
  }
  const items: Item[] = [];
  const restSet = new Set(rest);
  const hasBelow = rest.some((v) => v < start);
  const hasAbove = rest.some((v) => v >= end);
  if (hasBelow) items.push({ key: -Infinity, order: 0, bar: { label: `< ${formatNumber(start)}`, short: `<${formatShort(start)}`, kind: 'below', spike: false } });
  for (let i = 0; i < binCount; i++) {
    const a = edge(i);
    const b = edge(i + 1);
    const label = integer && step === 1 ? formatNumber(a) : `[${formatNumber(a)}, ${formatNumber(b)})`;
    items.push({ key: a, order: 1, bar: { label, short: formatShort(a), kind: 'bin', spike: false } });
  }
  if (hasAbove) items.push({ key: end, order: 1, bar: { label: `≥ ${formatNumber(end)}`, short: `≥${formatShort(end)}`, kind: 'above', spike: false } });
  for (const v of spikeValues) items.push({ key: v, order: 2, bar: { label: formatNumber(v), short: formatShort(v), kind: 'value', spike: true } });
  ranges.forEach(([a, b]) =>
    items.push({ key: a, order: 2, bar: { label: `${formatNumber(a)}..${formatNumber(b)}`, short: `${formatShort(a)}..`, kind: 'range', spike: true } }),
  );
  // Stable by position; a spike sits after the bin that holds it.
  const sorted = items.map((item, i) => ({ ...item, i })).sort((x, y) => x.key - y.key || x.order - y.order || x.i - y.i);
  const bars = sorted.map((item) => item.bar);
  const position = new Map<Item, number>();
  sorted.forEach((item, i) => position.set(items[item.i], i));
  const belowBar = hasBelow ? position.get(items[0])! : -1;
  const firstBin = hasBelow ? 1 : 0;
  const binBar = (i: number): number => position.get(items[firstBin + i])!;
  const aboveBar = hasAbove ? position.get(items[firstBin + binCount])! : -1;
  const spikeStart = firstBin + binCount + (hasAbove ? 1 : 0);
  const spikeBar = new Map<number, number>();
  Array.from(spikeValues).forEach((v, k) => spikeBar.set(v, position.get(items[spikeStart + k])!));
  const rangeBar = ranges.map((_, k) => position.get(items[spikeStart + spikeValues.size + k])!);

  const barOfValue = (v: number): number => {
    const spike = spikeBar.get(v);
    if (spike !== undefined) return spike;
    const r = inRange(v);
    if (r >= 0) return rangeBar[r];
    if (!restSet.has(v)) return -1;
    if (v < start) return belowBar;
    if (v >= end) return aboveBar;
    return binBar(Math.min(binCount - 1, Math.max(0, Math.floor(round12((v - start) / step)))));
  };
  return { kind: 'binned', bars, barOf: (index) => Int32Array.from(index.values as Float64Array, barOfValue) };
}

function textAxis(cand: ValueIndex, base: ValueIndex | null, spikes: Spikes): Axis {
  const spikeValues = new Set<string>();
  for (const v of spikes.values) if (v !== null) spikeValues.add(String(v));
  const candTotals = new Map<string, number>();
  const allTotals = new Map<string, number>();
  const values = cand.values as readonly string[];
  for (let id = 0; id < values.length; id++) {
    candTotals.set(values[id], (candTotals.get(values[id]) ?? 0) + cand.counts[id]);
    allTotals.set(values[id], (allTotals.get(values[id]) ?? 0) + cand.counts[id]);
  }
  if (base) {
    const baseValues = base.values as readonly string[];
    for (let id = 0; id < baseValues.length; id++) allTotals.set(baseValues[id], (allTotals.get(baseValues[id]) ?? 0) + base.counts[id]);
  }
  for (const v of spikeValues) if (!allTotals.has(v)) allTotals.set(v, 0);
  const order = Array.from(allTotals.keys()).sort(
    (a, b) => (candTotals.get(b) ?? 0) - (candTotals.get(a) ?? 0) || allTotals.get(b)! - allTotals.get(a)! || (a < b ? -1 : a > b ? 1 : 0),
  );
  let shown = order;
  let other = 0;
  if (order.length > MAX_CATEGORIES) {
    const top = order.filter((v) => !spikeValues.has(v)).slice(0, MAX_TEXT_BARS);
    const keep = new Set([...top, ...spikeValues]);
    shown = order.filter((v) => keep.has(v));
    other = order.length - shown.length;
  }
  const barIndex = new Map<string, number>();
  const bars: HistogramBar[] = shown.map((v, i) => {
    barIndex.set(v, i);
    return { label: v, short: v, kind: 'value', spike: spikeValues.has(v) };
  });
  const otherBar = other > 0 ? bars.push({ label: `(other ${other} values)`, short: 'other', kind: 'other', spike: false }) - 1 : -1;
  return {
    kind: 'categorical',
    bars,
    barOf: (index) => Int32Array.from(index.values as readonly string[], (v) => barIndex.get(v) ?? otherBar),
  };
}

/** 1, 2, 2.5 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw * (1 - 1e-9)) return round12(m * power);
  return round12(10 * power);
}

function round12(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(12)) : v;
}

// ---------------------------------------------------------------------------------------------
// Display helpers shared by the HTML and Markdown reports (plain text out; each format escapes it).

