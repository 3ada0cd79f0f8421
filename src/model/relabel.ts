/**
 * Relabelling signal (with a baseline): candidate rows whose label the baseline model contradicts
 * with high confidence (it gives the row's own label a probability of at most CONTRADICTED), as
 * against how often that happens on the baseline's own held-out rows. A significant excess
 * (binomial, ALPHA) that is also large (at least MIN_RATIO times the held-out rate and MIN_EXCESS
 * of the rows) is a medium finding; it becomes high, and its rows join the suspicious rows, only
 * when the excess is large and confident (STRONG_RATIO times the held-out rate).
 * Per class, so that the report names the class the relabelled rows were given.
 */
import { completeFinding, type Finding } from '../engine/finding.js';
import type { Dataset } from '../engine/rule.js';
import type { RandomForest } from '../forest/index.js';
import { logBinomialUpper, logBonferroni, log10P } from '../stats/tails.js';
import { percent, round } from '../detect/describe.js';
import type { ModelData } from './features.js';

const CONTRADICTED = 0.1;
const ALPHA = 1e-3;
const MIN_RATIO = 1.5;
const MIN_EXCESS = 0.01;
const STRONG_RATIO = 3;

export function relabelSuspects(
  candidate: Dataset,
  candidateData: ModelData,
  baselineModel: RandomForest,
  baselineData: ModelData,
  heldOut: Uint32Array,
): Finding[] {
  const label = candidate.schema.label!;
  const k = label.classes.length;
  const heldOutRate = contradictionRates(baselineModel, baselineData, heldOut, k);
  const allRows = Uint32Array.from({ length: candidateData.rowCount }, (_, i) => i);
  const proba = baselineModel.predictProbaRows(candidateData.features, allRows);
  const findings: Finding[] = [];
  const threshold = logBonferroni(ALPHA, k);
  for (let t = 0; t < k; t++) {
    const rows: number[] = [];
    let labelled = 0;
    for (let row = 0; row < candidateData.rowCount; row++) {
      if (candidateData.labels[row] !== t) continue;
      labelled++;
      if (proba[row * k + t] <= CONTRADICTED) rows.push(row);
    }
    if (labelled === 0) continue;
    const expectedRate = Math.max(heldOutRate.rate[t], 1 / Math.max(1, heldOutRate.count[t]));
    const rate = rows.length / labelled;
    const logP = logBinomialUpper(rows.length, labelled, expectedRate);
    const excess = (rows.length - expectedRate * labelled) / candidateData.rowCount;
    if (logP > threshold || rate < MIN_RATIO * expectedRate || excess < MIN_EXCESS) continue;
    const strong = rate >= STRONG_RATIO * expectedRate;
    findings.push(
      completeFinding('relabel-suspects', {
        severity: strong ? 'high' : 'medium',
        column: label.name,
        value: label.classes[t],
        message:
          `${rows.length} rows labelled ${label.name} = ${label.classes[t]} (${percent(rate)} of them) are ones the baseline model ` +
          `confidently assigns to another class, against ${percent(expectedRate)} on the baseline's own held-out rows: likely relabelled.`,
        rows,
        evidence: {
          targetClass: label.classes[t],
          contradicted: rows.length,
          rate: round(rate),
          heldOutRate: round(expectedRate),
          threshold: CONTRADICTED,
          excessShare: round(excess),
          log10P: log10P(logP),
        },
      }),
    );
  }
  return findings;
}

function contradictionRates(model: RandomForest, data: ModelData, rows: Uint32Array, k: number): { rate: number[]; count: number[] } {
  const proba = model.predictProbaRows(data.features, rows);
  const hits = new Array<number>(k).fill(0);
  const count = new Array<number>(k).fill(0);
  rows.forEach((row, i) => {
    const t = data.labels[row];
    if (t < 0) return;
    count[t]++;
    if (proba[i * k + t] <= CONTRADICTED) hits[t]++;
  });
  return { rate: hits.map((h, t) => (count[t] ? h / count[t] : 0)), count };
}
