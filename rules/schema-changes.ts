/**
 * schema-changes: the candidate's columns against the baseline's.
 *
 * Why it matters: a training pipeline built on the baseline silently mis-reads a candidate whose
 * columns were dropped, renamed, reordered or retyped; and a new category, a column that is
 * suddenly missing, or whole numbers that became fractions are how edits and unit changes show.
 *
 * What triggers it (one finding per change, naming the exact columns and values):
 * - removed column: high for the baseline's label (label checks then run on whatever the
 *   candidate's label became, or are skipped); medium for a feature a model trained on the
 *   baseline uses; low otherwise.
 * - renamed column: a removed and an added column holding the same data, found row by row
 *   (at least `identicalShare`, 99%, of aligned cells equal) or by distribution (the
 *   drift test does not reject at `renameAlpha`, 1e-3, and the effect size is at most
 *   `renameMaxEffect`, 0.1); each column is paired once, closest first. Medium for the label or a
 *   baseline feature, low otherwise.
 * - added column: medium when it is the candidate's label (so the baseline has no label to
 *   compare), low for a new feature, info for identifiers and constants.
 * - reordered columns: low, listing the columns that moved (a positional pipeline feeds them to
 *   the wrong inputs).
 * - numbers became text (the cells that are not numbers, with counts): medium for a baseline
 *   feature, low otherwise; text became numbers: low.
 * - new values (not for identifiers, free text or dates, which are new in every sample): values
 *   of a text column, or of a numeric code column (at most `maxDiscreteValues`, 20, distinct
 *   baseline values), that the baseline never had, with counts; whole numbers that became
 *   fractions; a column never missing in the baseline that now is (or
 *   whose missing share rose by `mediumShare` or more). These are tested against chance: the
 *   rows of such cells should fall in the candidate no more often than the files' sizes suggest,
 *   and new values no more often than the baseline's own singletons predict (Good-Turing);
 *   Bonferroni over the columns at `alpha` (1e-3). Info when chance explains it; low when not;
 *   medium when not and the cells are at least `mediumShare` (5%) of a feature's or the label's
 *   rows.
 * A new value with `hintMinRows` rows in one class (`hintPurity` of its rows) is also handed to
 * the model checks as a trigger candidate (a value the baseline never had, written into one class).
 * Fix: restore the baseline's column names, order and types in the export, or update the
 * pipeline and the baseline together; trace new values and new missing cells to their source.
 */
import { defineRule } from '../src/engine/rule.js';
import type { TriggerHint } from '../src/engine/trigger-hint.js';
import type { ValueIndex } from '../src/engine/indexes.js';
import type { Dataset } from '../src/engine/dataset.js';
import type { FindingDraft, Severity } from '../src/engine/finding.js';
import type { ColumnInfo } from '../src/schema/schema.js';
import { comparesValues, inferSchema } from '../src/schema/schema.js';
import { MISSING_CODE, missingCellCount, type Column } from '../src/table/table.js';
import { logBinomialUpper, logBonferroni, log10P } from '../src/stats/tails.js';
import { compareSamples, DEFAULT_COMPARISON_OPTIONS } from '../src/detect/drift.js';
import { formatP, formatValue, percentOneDecimal as share, round } from '../src/format.js';

const DEFAULTS = {
  ...DEFAULT_COMPARISON_OPTIONS,
  alpha: 1e-3,
  mediumShare: 0.05,
  renameAlpha: 1e-3,
  renameMaxEffect: 0.1,
  identicalShare: 0.99,
  /** Removed x added pairs beyond this many columns each are not compared for renames. */
  maxRenameColumns: 50,
  /** A new value becomes a trigger candidate for the model checks with this many rows in one class, this share of its rows. */
  hintMinRows: 10,
  hintPurity: 0.9,
};
type Options = typeof DEFAULTS;

export default defineRule({
  id: 'schema-changes',
  title: 'Columns added, removed, renamed, reordered or retyped since the baseline',
  severities: 'high (label gone), medium, low or info',
  docs: 'Compares the candidate columns with the baseline: missing label or baseline features (high / medium), renames found from the data, new columns, order, numbers that became text, new values, new missing cells, whole numbers that became fractions.',
  defaults: DEFAULTS,
  needsBaseline: true,
  check(context) {
    const { candidate, options } = context;
    const baseline = context.baseline!;
    const roles = new Roles(candidate, baseline);
    const common = commonColumns(candidate, baseline);
    return [
      ...columnSetFindings(candidate, baseline, roles, options),
      ...reorderFindings(candidate, baseline, common),
      ...cellFindings(candidate, baseline, roles, common, options),
    ];
  },
});

/** Which columns matter to a model: the baseline's label and features, the candidate's label. */
class Roles {
  readonly baselineLabel: string | null;
  readonly candidateLabel: string | null;

  constructor(
    readonly candidate: Dataset,
    readonly baseline: Dataset,
  ) {
    this.candidateLabel = candidate.schema.label?.name ?? null;
    this.baselineLabel = this.findBaselineLabel();
  }

  /**
   * The baseline's schema was built with the candidate's label name; when the candidate lost its
   * label, that name points at another column, so ask the baseline on its own.
   */
  private findBaselineLabel(): string | null {
    const { candidate, baseline } = this;
    const names = new Set(candidate.table.columns.map((column) => column.name));
    const lostColumns = baseline.table.columns.some((column) => !names.has(column.name));
    const chosenByUser = candidate.schema.label !== null && candidate.schema.label.source !== 'inferred';
    if (baseline.schema.label && (chosenByUser || !lostColumns)) return baseline.schema.label.name;
    const identifiers = baseline.schema.columns.filter((info) => info.kind === 'identifier').map((info) => info.name);
    return inferSchema(baseline.table, { identifiers }).label?.name ?? null;
  }

  isBaselineFeature(info: ColumnInfo): boolean {
    return info.feature && info.name !== this.baselineLabel;
  }

  /** The label or a feature, in either file: changes to it change what a model learns. */
  matters(baselineInfo: ColumnInfo): boolean {
    return this.isBaselineFeature(baselineInfo) || baselineInfo.name === this.baselineLabel || baselineInfo.name === this.candidateLabel;
  }
}

interface Pair {
  column: number;
  baselineColumn: number;
}

function commonColumns(candidate: Dataset, baseline: Dataset): Pair[] {
  const baselineIndex = new Map<string, number>();
  baseline.table.columns.forEach((column, index) => {
    if (!baselineIndex.has(column.name)) baselineIndex.set(column.name, index);
  });
  const pairs: Pair[] = [];
  candidate.table.columns.forEach((column, index) => {
    const baselineColumn = baselineIndex.get(column.name);
    if (baselineColumn !== undefined) pairs.push({ column: index, baselineColumn });
  });
  return pairs;
}

// ---------------------------------------------------------------------------------------------
// Removed, added, renamed

function columnSetFindings(candidate: Dataset, baseline: Dataset, roles: Roles, options: Options): FindingDraft[] {
  const candidateNames = new Set(candidate.table.columns.map((column) => column.name));
  const baselineNames = new Set(baseline.table.columns.map((column) => column.name));
  const removed = baseline.schema.columns.filter((info) => !candidateNames.has(info.name)).map((info) => info.index);
  const added = candidate.schema.columns.filter((info) => !baselineNames.has(info.name)).map((info) => info.index);
  const renames = findRenames(candidate, baseline, removed, added, options);
  const renamedFrom = new Set(renames.map((rename) => rename.baselineColumn));
  const renamedTo = new Set(renames.map((rename) => rename.column));
  return [
    ...renames.map((rename) => renameFinding(candidate, baseline, roles, rename)),
    ...removed.filter((index) => !renamedFrom.has(index)).map((index) => removedFinding(baseline, roles, index)),
    ...added.filter((index) => !renamedTo.has(index)).map((index) => addedFinding(candidate, roles, index)),
  ];
}

interface Rename extends Pair {
  /** Found row by row (the cells are equal), rather than by distribution. */
  byRows: boolean;
  /** Share of row-aligned cells that are equal. */
  identicalShare: number;
  effect: number;
  logP: number;
}

function findRenames(candidate: Dataset, baseline: Dataset, removed: number[], added: number[], options: Options): Rename[] {
  const matches: Rename[] = [];
  for (const baselineColumn of removed.slice(0, options.maxRenameColumns)) {
    for (const column of added.slice(0, options.maxRenameColumns)) {
      const match = sameData(candidate, column, baseline, baselineColumn, options);
      if (match) matches.push(match);
    }
  }
  matches.sort((a, b) => Number(b.byRows) - Number(a.byRows) || a.effect - b.effect || a.column - b.column);
  const taken = new Set<number>();
  const takenBaseline = new Set<number>();
  const renames: Rename[] = [];
  for (const match of matches) {
    if (taken.has(match.column) || takenBaseline.has(match.baselineColumn)) continue;
    taken.add(match.column);
    takenBaseline.add(match.baselineColumn);
    renames.push(match);
  }
  return renames;
}

function sameData(candidate: Dataset, column: number, baseline: Dataset, baselineColumn: number, options: Options): Rename | null {
  const identicalShare = alignedEqualShare(candidate.table.columns[column], baseline.table.columns[baselineColumn], options.identicalShare);
  if (identicalShare >= options.identicalShare) return { column, baselineColumn, byRows: true, identicalShare, effect: 0, logP: 0 };
  const comparison = compareSamples({ dataset: baseline, column: baselineColumn, rows: null }, { dataset: candidate, column, rows: null }, options);
  if (!comparison) return null;
  if (comparison.logP < Math.log(options.renameAlpha) || comparison.effect > options.renameMaxEffect) return null;
  return { column, baselineColumn, byRows: false, identicalShare, effect: comparison.effect, logP: comparison.logP };
}

/**
 * Share of the first min(n, m) rows where both columns hold the same cell (or both are missing).
 * A first stretch of rows decides most pairs cheaply: unrelated columns differ at once.
 */
function alignedEqualShare(a: Column, b: Column, enough: number): number {
  if (a.kind !== b.kind) return 0;
  const rows = Math.min(lengthOf(a), lengthOf(b));
  if (rows === 0) return 0;
  const stretch = Math.min(rows, 1000);
  let equal = 0;
  for (let row = 0; row < rows; row++) {
    if (cellKey(a, row) === cellKey(b, row)) equal++;
    if (row + 1 === stretch && equal / stretch < enough) return equal / stretch;
  }
  return equal / rows;
}

function lengthOf(column: Column): number {
  return column.kind === 'numeric' ? column.values.length : column.codes.length;
}

function cellKey(column: Column, row: number): number | string | null {
  if (column.kind === 'numeric') return Number.isNaN(column.values[row]) ? null : column.values[row];
  const code = column.codes[row];
  return code === MISSING_CODE ? null : column.dictionary[code];
}

function renameFinding(candidate: Dataset, baseline: Dataset, roles: Roles, rename: Rename): FindingDraft {
  const oldInfo = baseline.schema.columns[rename.baselineColumn];
  const newName = candidate.table.columns[rename.column].name;
  const how =
    rename.byRows
      ? `${share(rename.identicalShare)} of rows hold the same values`
      : `same distribution: effect ${round(rename.effect, 3)}, ${formatP(rename.logP)}`;
  const isLabel = oldInfo.name === roles.baselineLabel;
  const why = isLabel
    ? `It is the baseline's label: a pipeline that looks for ${oldInfo.name} finds no label.`
    : roles.isBaselineFeature(oldInfo)
      ? `A model trained on the baseline uses ${oldInfo.name} and will not find it.`
      : '';
  return {
    severity: isLabel || roles.isBaselineFeature(oldInfo) ? 'medium' : 'low',
    column: newName,
    message: `Column ${oldInfo.name} of the baseline appears to be renamed ${newName} (${how}). ${why}`.trim(),
    count: candidate.table.rowCount,
    evidence: {
      change: 'renamed',
      previousName: oldInfo.name,
      newName,
      identicalShare: round(rename.identicalShare),
      effect: round(rename.effect),
      log10P: log10P(rename.logP),
      role: isLabel ? 'label' : oldInfo.kind,
    },
  };
}

function removedFinding(baseline: Dataset, roles: Roles, index: number): FindingDraft {
  const info = baseline.schema.columns[index];
  const evidence = { change: 'removed', baselineKind: info.kind, baselinePosition: index };
  if (info.name === roles.baselineLabel) {
    const instead = roles.candidateLabel
      ? `the audit took ${roles.candidateLabel} as the candidate's label instead, so label checks compare a different column`
      : 'label checks and models were skipped';
    return {
      severity: 'high',
      column: info.name,
      message: `The baseline's label column ${info.name} is missing from the candidate: ${instead}. Pass --label if the label was renamed.`,
      evidence: { ...evidence, role: 'label' },
    };
  }
  if (roles.isBaselineFeature(info)) {
    return {
      severity: 'medium',
      column: info.name,
      message: `Feature ${info.name} (${info.kind} in the baseline) is missing from the candidate: a model trained on the baseline uses it.`,
      evidence: { ...evidence, role: 'feature' },
    };
  }
  return {
    severity: 'low',
    column: info.name,
    message: `Column ${info.name} (${info.kind} in the baseline) is missing from the candidate.`,
    evidence: { ...evidence, role: info.kind },
  };
}

function addedFinding(candidate: Dataset, roles: Roles, index: number): FindingDraft {
  const info = candidate.schema.columns[index];
  const evidence = { change: 'added', kind: info.kind, position: index, distinct: info.distinct, missing: info.missing };
  if (info.name === roles.candidateLabel) {
    return {
      severity: 'medium',
      column: info.name,
      message: `The candidate's label ${info.name} is not a column of the baseline: label comparisons with the baseline were skipped.`,
      evidence: { ...evidence, role: 'label' },
    };
  }
  const isFeature = info.feature;
  return {
    severity: isFeature ? 'low' : 'info',
    column: info.name,
    message: isFeature
      ? `New column ${info.name} (${info.kind}, ${info.distinct} distinct values) is not in the baseline: a model trained on the baseline ignores it; find out where it comes from.`
      : `New column ${info.name} (${info.kind}) is not in the baseline.`,
    evidence: { ...evidence, role: isFeature ? 'feature' : info.kind },
  };
}

// ---------------------------------------------------------------------------------------------
// Order

function reorderFindings(candidate: Dataset, baseline: Dataset, common: Pair[]): FindingDraft[] {
  const positions = common.map((pair) => pair.baselineColumn);
  const kept = longestIncreasing(positions);
  const moved = common.filter((_, i) => !kept.has(i));
  if (moved.length === 0) return [];
  const names = moved.map((pair) => candidate.table.columns[pair.column].name);
  const details = moved
    .slice(0, 10)
    .map((pair) => `${candidate.table.columns[pair.column].name} (position ${pair.baselineColumn + 1} -> ${pair.column + 1})`);
  return [
    {
      severity: 'low',
      column: names[0],
      message: `${moved.length} columns are in a different order than in the baseline: ${details.join(', ')}${moved.length > 10 ? ', ...' : ''}. A pipeline that reads columns by position mixes them up.`,
      evidence: {
        change: 'reordered',
        moved: names,
        baselineOrder: common.map((pair) => pair.baselineColumn).sort((a, b) => a - b).map((i) => baseline.table.columns[i].name),
        candidateOrder: common.map((pair) => candidate.table.columns[pair.column].name),
      },
    },
  ];
}

/** Indexes of one longest strictly increasing subsequence (O(n log n)). */
function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = [];
  const previous = new Int32Array(values.length).fill(-1);
  for (let i = 0; i < values.length; i++) {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (values[tails[mid]] < values[i]) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[i] = tails[low - 1];
    tails[low] = i;
  }
  const kept = new Set<number>();
  for (let i = tails.length > 0 ? tails[tails.length - 1] : -1; i >= 0; i = previous[i]) kept.add(i);
  return kept;
}

// ---------------------------------------------------------------------------------------------
// Types, new values, fractions, missing cells

function cellFindings(candidate: Dataset, baseline: Dataset, roles: Roles, common: Pair[], options: Options): FindingDraft[] {
  const threshold = logBonferroni(options.alpha, common.length * 3);
  const sizes = { baselineRows: baseline.table.rowCount, candidateRows: candidate.table.rowCount };
  const findings: FindingDraft[] = [];
  for (const pair of common) {
    const column = candidate.table.columns[pair.column];
    const baseColumn = baseline.table.columns[pair.baselineColumn];
    const baseInfo = baseline.schema.columns[pair.baselineColumn];
    const judge = (logP: number, shareOfRows: number): Severity => newCellSeverity(logP, shareOfRows, threshold, roles.matters(baseInfo), options);
    if (baseColumn.kind !== column.kind) {
      findings.push(kindFinding(candidate, pair, roles.matters(baseInfo)));
    } else if (comparesValues(baseInfo) && comparesValues(candidate.schema.columns[pair.column])) {
      const newValues = newValueFinding(candidate, baseline, pair, options, sizes, judge);
      if (newValues) findings.push(newValues);
      else {
        const fractions = fractionFinding(candidate, baseInfo, pair, sizes, judge);
        if (fractions) findings.push(fractions);
      }
    }
    const missing = missingFinding(candidate, baseline, pair, sizes, judge, options);
    if (missing) findings.push(missing);
  }
  return findings;
}

interface Sizes {
  baselineRows: number;
  candidateRows: number;
}

function newCellSeverity(logP: number, shareOfRows: number, threshold: number, matters: boolean, options: Options): Severity {
  if (logP > threshold) return 'info';
  return matters && shareOfRows >= options.mediumShare ? 'medium' : 'low';
}

/** log p that `candidateCount` of `baselineCount + candidateCount` cells fall in the candidate, given the files' sizes. */
function logSplitP(candidateCount: number, baselineCount: number, sizes: Sizes): number {
  const candidateShare = sizes.candidateRows / (sizes.candidateRows + sizes.baselineRows);
  return logBinomialUpper(candidateCount, candidateCount + baselineCount, candidateShare);
}

function kindFinding(candidate: Dataset, pair: Pair, matters: boolean): FindingDraft {
  const column = candidate.table.columns[pair.column];
  if (column.kind === 'numeric') {
    return {
      severity: matters ? 'low' : 'info',
      column: column.name,
      message: `${column.name} held text in the baseline and holds only numbers in the candidate.`,
      evidence: { change: 'kind', baselineKind: 'text', kind: 'numeric' },
    };
  }
  const counts = new Map<number, number>();
  const rows: number[] = [];
  for (let row = 0; row < column.codes.length; row++) {
    const code = column.codes[row];
    if (code === MISSING_CODE || NUMBER.test(column.dictionary[code].trim())) continue;
    counts.set(code, (counts.get(code) ?? 0) + 1);
    rows.push(row);
  }
  const top = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5);
  const listed = top.map(([code, count]) => `${formatValue(column.dictionary[code])} (${count})`).join(', ');
  return {
    severity: matters ? 'medium' : 'low',
    column: column.name,
    value: top.length > 0 ? column.dictionary[top[0][0]] : null,
    message: `${column.name} held numbers in the baseline and holds text in the candidate: ${rows.length} cells are not numbers, e.g. ${listed}.`,
    rows,
    evidence: {
      change: 'kind',
      baselineKind: 'numeric',
      kind: 'text',
      values: top.map(([code, count]) => ({ value: column.dictionary[code], count })),
    },
  };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function newValueFinding(
  candidate: Dataset,
  baseline: Dataset,
  pair: Pair,
  options: Options,
  sizes: Sizes,
  judge: (logP: number, shareOfRows: number) => Severity,
): FindingDraft | null {
  const baseIndex = baseline.indexes.valueIndex(pair.baselineColumn);
  if (baseIndex.numeric && baseIndex.values.length > options.maxDiscreteValues) return null;
  const index = candidate.indexes.valueIndex(pair.column);
  const known = new Set<number | string>();
  let singletons = 0;
  for (let id = 0; id < baseIndex.values.length; id++) {
    if (baseIndex.counts[id] === 0) continue;
    known.add(baseIndex.values[id]);
    if (baseIndex.counts[id] === 1) singletons++;
  }
  const newIds: number[] = [];
  for (let id = 0; id < index.values.length; id++) if (index.counts[id] > 0 && !known.has(index.values[id])) newIds.push(id);
  if (newIds.length === 0) return null;
  newIds.sort((a, b) => index.counts[b] - index.counts[a] || a - b);
  let count = 0;
  for (const id of newIds) count += index.counts[id];
  // Chance alone: rows split by file size, and unseen values as often as baseline singletons (Good-Turing).
  const unseenRate = (singletons + 1) / (baseIndex.present + 1);
  const logP = Math.max(logSplitP(count, 0, sizes), logBinomialUpper(count, index.present, unseenRate));
  const isNew = new Uint8Array(index.values.length);
  for (const id of newIds) isNew[id] = 1;
  const rows: number[] = [];
  for (let row = 0; row < index.ids.length; row++) if (index.ids[row] !== MISSING_CODE && isNew[index.ids[row]]) rows.push(row);
  const name = candidate.table.columns[pair.column].name;
  const listed = newIds.slice(0, 10).map((id) => `${formatValue(index.values[id])} (${index.counts[id]})`);
  const shareOfRows = count / Math.max(1, index.present);
  return {
    severity: judge(logP, shareOfRows),
    column: name,
    value: index.values[newIds[0]],
    message:
      `${name} has ${newIds.length} value${newIds.length === 1 ? '' : 's'} the baseline never had, in ${count} rows (${share(shareOfRows)}): ` +
      `${listed.join(', ')}${newIds.length > 10 ? ', ...' : ''} (chance: ${formatP(logP)}).`,
    rows,
    trigger: newValueHint(candidate, pair.column, index, newIds[0], options) ?? undefined,
    evidence: {
      change: 'new-values',
      newValues: newIds.length,
      rowsWithNewValues: count,
      share: round(shareOfRows),
      values: newIds.slice(0, 20).map((id) => ({ value: index.values[id], count: index.counts[id] })),
      log10P: log10P(logP),
    },
  };
}

/**
 * The most frequent new value as a trigger candidate, when its rows lean to one class: a value
 * the baseline never had, written into rows of one class, is how a trigger arrives in a
 * categorical column. The model stage probes it against the baseline model.
 */
function newValueHint(candidate: Dataset, column: number, index: ValueIndex, id: number, options: Options): TriggerHint | null {
  const label = candidate.schema.label;
  if (!label || !index.classCounts || !candidate.schema.featureColumns.includes(column)) return null;
  const K = label.classes.length;
  const total = index.counts[id];
  const labelled = label.classCounts.reduce((a, b) => a + b, 0);
  let best = -1;
  for (let t = 0; t < K; t++) if (best < 0 || index.classCounts[id * K + t] > index.classCounts[id * K + best]) best = t;
  const inClass = best < 0 ? 0 : index.classCounts[id * K + best];
  if (inClass < options.hintMinRows || inClass < options.hintPurity * total) return null;
  const prior = label.classCounts[best] / Math.max(1, labelled);
  const logP = logBinomialUpper(inClass, total, Math.min(1, prior));
  return { column, value: index.values[id], range: null, targetClass: best, signals: ['new-value'], strength: -logP / Math.LN10 };
}

function fractionFinding(
  candidate: Dataset,
  baseInfo: ColumnInfo,
  pair: Pair,
  sizes: Sizes,
  judge: (logP: number, shareOfRows: number) => Severity,
): FindingDraft | null {
  const column = candidate.table.columns[pair.column];
  if (column.kind !== 'numeric' || !baseInfo.integer || baseInfo.kind === 'empty') return null;
  const rows: number[] = [];
  const examples = new Map<number, number>();
  let present = 0;
  for (let row = 0; row < column.values.length; row++) {
    const value = column.values[row];
    if (Number.isNaN(value)) continue;
    present++;
    if (!Number.isFinite(value) || Number.isInteger(value)) continue;
    rows.push(row);
    if (examples.size < 5 || examples.has(value)) examples.set(value, (examples.get(value) ?? 0) + 1);
  }
  if (rows.length === 0) return null;
  const logP = logSplitP(rows.length, 0, sizes);
  const shareOfRows = rows.length / Math.max(1, present);
  return {
    severity: judge(logP, shareOfRows),
    column: column.name,
    value: examples.keys().next().value ?? null,
    message:
      `${column.name} held only whole numbers in the baseline; ${rows.length} candidate rows (${share(shareOfRows)}) hold fractions, ` +
      `e.g. ${[...examples.keys()].map(formatValue).join(', ')}: a unit or scale change? (chance: ${formatP(logP)}).`,
    rows,
    evidence: { change: 'fractions', rowsWithFractions: rows.length, share: round(shareOfRows), examples: [...examples.keys()], log10P: log10P(logP) },
  };
}

function missingFinding(
  candidate: Dataset,
  baseline: Dataset,
  pair: Pair,
  sizes: Sizes,
  judge: (logP: number, shareOfRows: number) => Severity,
  options: Options,
): FindingDraft | null {
  const column = candidate.table.columns[pair.column];
  // Missing cells only: the text cells of a numeric column are the non-numeric-cells rule's.
  const baseMissing = missingCellCount(baseline.table.columns[pair.baselineColumn]);
  const missing = missingCellCount(column);
  const before = baseMissing / Math.max(1, sizes.baselineRows);
  const after = missing / Math.max(1, sizes.candidateRows);
  const rise = after - before;
  const logP = logSplitP(missing, baseMissing, sizes);
  const neverMissing = baseMissing === 0 && missing > 0;
  if (!neverMissing && !(rise >= options.mediumShare && logP <= Math.log(options.alpha))) return null;
  const textRows = column.kind === 'numeric' && column.nonNumeric ? new Set(column.nonNumeric.rows) : null;
  const rows: number[] = [];
  for (let row = 0; row < sizes.candidateRows; row++) if (cellKey(column, row) === null && !textRows?.has(row)) rows.push(row);
  return {
    severity: judge(logP, rise),
    column: column.name,
    message: neverMissing
      ? `${column.name} was never missing in the baseline; ${missing} candidate cells (${share(after)}) are (chance: ${formatP(logP)}).`
      : `${column.name} is missing in ${share(after)} of candidate rows against ${share(before)} in the baseline (chance: ${formatP(logP)}).`,
    count: missing,
    rows,
    evidence: { change: 'missing', baselineMissing: baseMissing, missing, before: round(before), after: round(after), log10P: log10P(logP) },
  };
}
