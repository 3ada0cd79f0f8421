/**
 * Relabelling signal (with a baseline): candidate rows whose label the baseline model contradicts
 * with high confidence (it gives the row's own label a probability of at most `contradicted`), as
 * against how often that happens on the baseline's own held-out rows. A significant excess
 * (binomial, alpha) that is also large (at least minRatio times the held-out rate and minExcess
 * of the rows) is a medium finding; it becomes high, and its rows join the suspicious rows, only
 * when the excess is large and confident (strongRatio times the held-out rate). Thresholds: the
 * relabel-suspects options (src/model/checks.ts).
 * Per class, so that the report names the class the relabelled rows were given. Rates are
 * estimated on samples of SAMPLE_ROWS rows; the rows are listed only when the finding fires.
 */
import { completeFinding, type Finding } from '../engine/finding.js';
import type { Dataset } from '../engine/dataset.js';
import type { RandomForest } from '../forest/index.js';
import { logBinomialUpper, logBonferroni, log10P } from '../stats/tails.js';
import { percent, round } from '../format.js';
import type { ModelData } from './features.js';
import { contentSample } from './sampling.js';
import type { RelabelOptions } from './checks.js';

/** Rates are estimated on at most this many rows per class. */
const SAMPLE_ROWS = 40_000;

export function relabelSuspects(
  candidate: Dataset,
  candidateData: ModelData,
  baselineModel: RandomForest,
  baselineData: ModelData,
  heldOut: Uint32Array,
  keys: { candidate: Float64Array; baseline: Float64Array },
  seed: number,
  options: RelabelOptions,
): Finding[] {
  const label = candidate.schema.label!;
  const k = label.classes.length;
  const heldOutRate = contradictionRates(baselineModel, baselineData, contentSample(heldOut, SAMPLE_ROWS, keys.baseline, seed), k, options.contradicted);
  const findings: Finding[] = [];
  const threshold = logBonferroni(options.alpha, k);
  for (let t = 0; t < k; t++) {
    const classRows = rowsOfClass(candidateData.labels, t);
    if (classRows.length === 0) continue;
    // The rate is estimated on a sample; every row of the class is predicted only when it fires.
    const tested = contentSample(classRows, SAMPLE_ROWS, keys.candidate, seed + t);
    const contradictedInSample = contradicted(baselineModel, candidateData, tested, t, k, options.contradicted).length;
    const expectedRate = Math.max(heldOutRate.rate[t], 1 / Math.max(1, heldOutRate.count[t]));
    const rate = contradictedInSample / tested.length;
    const logP = logBinomialUpper(contradictedInSample, tested.length, expectedRate);
    const excess = ((rate - expectedRate) * classRows.length) / candidateData.rowCount;
    if (logP > threshold || rate < options.minRatio * expectedRate || excess < options.minExcess) continue;
    const rows = contradicted(baselineModel, candidateData, classRows, t, k, options.contradicted);
    const strong = rate >= options.strongRatio * expectedRate;
    findings.push(
      completeFinding('relabel-suspects', {
        severity: strong ? 'high' : 'medium',
        column: label.name,
        value: label.classes[t],
        message:
          `${rows.length} rows labelled ${label.name} = ${label.classes[t]} (${percent(rows.length / classRows.length)} of them) are ones the baseline model ` +
          `confidently assigns to another class, against ${percent(expectedRate)} on the baseline's own held-out rows: likely relabelled.`,
        rows,
        evidence: {
          targetClass: label.classes[t],
          contradicted: rows.length,
          rate: round(rows.length / classRows.length),
          heldOutRate: round(expectedRate),
          threshold: options.contradicted,
          excessShare: round(excess),
          testedRows: tested.length,
          log10P: log10P(logP),
        },
      }),
    );
  }
  return findings;
}

function contradicted(model: RandomForest, data: ModelData, rows: Uint32Array, t: number, k: number, threshold: number): number[] {
  const proba = model.predictProbaRows(data.features, rows);
  const result: number[] = [];
  for (let i = 0; i < rows.length; i++) if (proba[i * k + t] <= threshold) result.push(rows[i]);
  return result;
}

function rowsOfClass(labels: Int32Array, t: number): Uint32Array {
  const rows: number[] = [];
  for (let row = 0; row < labels.length; row++) if (labels[row] === t) rows.push(row);
  return Uint32Array.from(rows);
}

function contradictionRates(model: RandomForest, data: ModelData, rows: Uint32Array, k: number, threshold: number): { rate: number[]; count: number[] } {
  const proba = model.predictProbaRows(data.features, rows);
  const hits = new Array<number>(k).fill(0);
  const count = new Array<number>(k).fill(0);
  rows.forEach((row, i) => {
    const t = data.labels[row];
    if (t < 0) return;
    count[t]++;
    if (proba[i * k + t] <= threshold) hits[t]++;
  });
  return { rate: hits.map((h, t) => (count[t] ? h / count[t] : 0)), count };
}
