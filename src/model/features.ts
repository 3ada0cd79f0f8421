/**
 * Feature matrices for the reference forests, aligned between candidate and baseline: the same
 * columns in the same order, text values as their rank in the candidate's values by count
 * (src/forest/features.ts), dates and timestamps as the time they name, labels in the candidate's
 * class order. Nothing depends on the order of either file's rows.
 *
 * A baseline text value the candidate never had is missing to the models: a rank after the
 * candidate's own would put it beside the candidate's rarest value (where a planted one sits), and
 * a baseline of dates the candidate lacks would lie past the candidate's last date, outside
 * everything the candidate model learned.
 */
import { buildFeatures, dictionaryRanks } from '../forest/index.js';
import type { Dataset } from '../engine/dataset.js';
import { MISSING_CODE, type TextColumn } from '../table/table.js';
import { parseDateTime } from '../schema/datetime.js';

export interface ModelData {
  features: Float64Array[];
  labels: Int32Array;
  rowCount: number;
}

export interface AlignedData {
  featureColumns: number[];
  names: string[];
  classCount: number;
  candidate: ModelData;
  baseline: ModelData | null;
}

export function alignFeatures(candidate: Dataset, baseline: Dataset | null): AlignedData {
  const featureColumns = [...candidate.schema.featureColumns];
  const { features, names } = buildFeatures(candidate.table, featureColumns);
  featureColumns.forEach((column, f) => {
    const source = candidate.table.columns[column];
    if (isDateTime(candidate, column) && source.kind === 'text') features[f] = dateTimeFeature(source);
  });
  const label = candidate.schema.label!;
  const data: AlignedData = {
    featureColumns,
    names,
    classCount: label.classes.length,
    candidate: { features, labels: label.y, rowCount: candidate.table.rowCount },
    baseline: null,
  };
  if (baseline?.schema.label) data.baseline = baselineData(candidate, baseline, featureColumns);
  return data;
}

function baselineData(candidate: Dataset, baseline: Dataset, featureColumns: number[]): ModelData {
  const rowCount = baseline.table.rowCount;
  const features = featureColumns.map((column) => {
    const source = candidate.table.columns[column];
    const target = baseline.table.columns.find((c) => c.name === source.name);
    if (target?.kind === 'numeric' && source.kind === 'numeric') return buildFeatures(baseline.table, [baseline.table.columns.indexOf(target)]).features[0];
    const out = new Float64Array(rowCount).fill(NaN);
    if (!target) return out;
    if (source.kind === 'text' && target.kind === 'text') {
      if (isDateTime(candidate, column)) return dateTimeFeature(target);
      const ranks = dictionaryRanks(source.dictionary, source.codes);
      const rankOf = new Map<string, number>(source.dictionary.map((value, code) => [value, ranks[code]]));
      const mapped = target.dictionary.map((value) => rankOf.get(value) ?? NaN);
      for (let row = 0; row < rowCount; row++) out[row] = target.codes[row] === MISSING_CODE ? NaN : mapped[target.codes[row]];
    }
    return out;
  });
  const candidateClasses = candidate.schema.label!.classes;
  const baseLabel = baseline.schema.label!;
  const classMap = baseLabel.classes.map((name) => candidateClasses.indexOf(name));
  const labels = Int32Array.from(baseLabel.y, (cls) => (cls >= 0 ? classMap[cls] : -1));
  return { features, labels, rowCount };
}

/** A feature value for a cell value as the report states it (number, or text mapped to its code). */
export function featureValue(candidate: Dataset, column: number, value: number | string): number {
  const col = candidate.table.columns[column];
  if (col.kind === 'numeric') return typeof value === 'number' ? value : Number(value);
  if (isDateTime(candidate, column)) return parseDateTime(String(value));
  const code = col.dictionary.indexOf(String(value));
  return code >= 0 ? dictionaryRanks(col.dictionary, col.codes)[code] : NaN;
}

function isDateTime(candidate: Dataset, column: number): boolean {
  return candidate.schema.columns[column]?.kind === 'datetime';
}

/** Each cell's time (NaN when missing or not a date). */
function dateTimeFeature(column: TextColumn): Float64Array {
  const times = column.dictionary.map(parseDateTime);
  return Float64Array.from(column.codes, (code) => (code === MISSING_CODE ? NaN : times[code]));
}
