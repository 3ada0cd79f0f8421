/** Tiny local loader for the credit data (the real CSV loader lives in src/load/). */
import { readFileSync } from 'node:fs';

export const CREDIT_CSV = '/work/shared/data/default_credit_card.csv';

export interface CreditData {
  readonly names: string[];
  /** One column per feature (ID and DEFAULT excluded). */
  readonly features: Float64Array[];
  readonly labels: Int32Array;
}

let cached: CreditData | undefined;

export function loadCredit(): CreditData {
  if (cached !== undefined) return cached;
  const lines = readFileSync(CREDIT_CSV, 'utf8').split(/\r?\n/).filter((line) => line.length > 0);
  const header = lines[0].split(',');
  const labelIndex = header.indexOf('DEFAULT');
  const featureIndices = header.map((_, i) => i).filter((i) => header[i] !== 'ID' && i !== labelIndex);
  const rowCount = lines.length - 1;
  const features = featureIndices.map(() => new Float64Array(rowCount));
  const labels = new Int32Array(rowCount);
  for (let r = 0; r < rowCount; r++) {
    const cells = lines[r + 1].split(',');
    featureIndices.forEach((column, f) => {
      features[f][r] = cells[column] === '' ? NaN : Number(cells[column]);
    });
    labels[r] = Number(cells[labelIndex]);
  }
  cached = { names: featureIndices.map((i) => header[i]), features, labels };
  return cached;
}

export function selectFeatures(data: CreditData, names: readonly string[]): Float64Array[] {
  return names.map((name) => {
    const index = data.names.indexOf(name);
    if (index < 0) throw new Error(`no column ${name}`);
    return data.features[index];
  });
}
