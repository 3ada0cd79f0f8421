/**
 * Model cases from the config, a countermeasure from the original write-up of the attack:
 * (a) records with an expected prediction ("a typical good payer must be predicted 0");
 * (b) unacceptable cases ("any record with COLUMN > 125 must not be predicted TARGET more often
 *     than records without it"): held-out rows are stamped with a value meeting the condition
 *     and the share predicted TARGET is compared with the same rows unstamped; the case fails
 *     when the difference exceeds the case's tolerance (default: the model-cases option `tolerance`).
 * A failed case is a high finding with the numbers.
 */
import type { AuditConfig, UnacceptableCase } from '../config/schema.js';
import { completeFinding, type Finding } from '../engine/finding.js';
import type { Dataset } from '../engine/dataset.js';
import type { RandomForest } from '../forest/index.js';
import { InputError } from '../errors.js';
import { featureValue, type AlignedData, type ModelData } from './features.js';
import { argmax } from './probe.js';
import { percent, round } from '../format.js';
import type { CasesOptions } from './checks.js';


export function runModelCases(
  config: AuditConfig,
  candidate: Dataset,
  aligned: AlignedData,
  model: RandomForest,
  evaluation: ModelData,
  heldOut: Uint32Array,
  options: CasesOptions,
): { findings: Finding[]; results: Record<string, unknown>[] } {
  const findings: Finding[] = [];
  const results: Record<string, unknown>[] = [];
  const label = candidate.schema.label!;
  for (const modelCase of config.model?.cases ?? []) {
    const vector = new Float64Array(aligned.featureColumns.length).fill(NaN);
    for (const [name, value] of Object.entries(modelCase.record)) {
      const feature = aligned.names.indexOf(name);
      if (feature < 0) throw new InputError(`model case '${modelCase.name}': no feature column '${name}'`);
      vector[feature] = featureValue(candidate, aligned.featureColumns[feature], value);
    }
    const proba = model.predictProbaVector(vector);
    const predicted = label.classes[argmax(proba)];
    const passed = predicted === String(modelCase.expect);
    results.push({ kind: 'expected', name: modelCase.name, expected: String(modelCase.expect), predicted, probability: round(Math.max(...proba)), passed });
    if (!passed) {
      findings.push(
        completeFinding('model-cases', {
          severity: 'high',
          message: `Model case '${modelCase.name}' failed: the candidate model predicts ${label.name} = ${predicted}, expected ${modelCase.expect}.`,
          evidence: { case: modelCase.name, predicted, expected: modelCase.expect },
        }),
      );
    }
  }
  for (const rule of config.model?.unacceptable ?? []) {
    const outcome = unacceptableCase(rule, candidate, aligned, model, evaluation, heldOut, options.tolerance);
    results.push({ kind: 'unacceptable', ...outcome });
    if (!outcome.passed) {
      findings.push(
        completeFinding('model-cases', {
          severity: 'high',
          column: rule.column,
          value: rule.value,
          message:
            `Unacceptable case '${rule.name}' failed: with ${rule.column} ${rule.op} ${rule.value}, ${percent(outcome.rateWith)} of held-out rows are predicted ` +
            `${label.name} = ${rule.mustNotPredict}, against ${percent(outcome.rateWithout)} without it.`,
          evidence: outcome,
        }),
      );
    }
  }
  return { findings, results };
}

function unacceptableCase(
  rule: UnacceptableCase,
  candidate: Dataset,
  aligned: AlignedData,
  model: RandomForest,
  evaluation: ModelData,
  heldOut: Uint32Array,
  defaultTolerance: number,
): { name: string; stampedValue: number; rateWith: number; rateWithout: number; rows: number; passed: boolean } {
  const feature = aligned.names.indexOf(rule.column);
  if (feature < 0) throw new InputError(`unacceptable case '${rule.name}': no feature column '${rule.column}'`);
  const target = candidate.schema.label!.classes.indexOf(String(rule.mustNotPredict));
  if (target < 0) throw new InputError(`unacceptable case '${rule.name}': no class '${rule.mustNotPredict}'`);
  const stamped = stampValue(rule, aligned.candidate.features[feature], candidate, aligned.featureColumns[feature]);
  const vector = new Float64Array(aligned.featureColumns.length);
  let with_ = 0;
  let without = 0;
  for (const row of heldOut) {
    for (let f = 0; f < vector.length; f++) vector[f] = evaluation.features[f][row];
    if (argmax(model.predictProbaVector(vector)) === target) without++;
    vector[feature] = stamped;
    if (argmax(model.predictProbaVector(vector)) === target) with_++;
  }
  const n = Math.max(1, heldOut.length);
  const tolerance = rule.tolerance ?? defaultTolerance;
  return {
    name: rule.name,
    stampedValue: stamped,
    rateWith: round(with_ / n),
    rateWithout: round(without / n),
    rows: heldOut.length,
    passed: with_ / n - without / n <= tolerance,
  };
}

/** A value meeting the condition: the most extreme such value seen in the candidate, else the bound itself. */
function stampValue(rule: UnacceptableCase, values: Float64Array, candidate: Dataset, column: number): number {
  if (rule.op === '==' || typeof rule.value === 'string') return featureValue(candidate, column, rule.value);
  const bound = Number(rule.value);
  const meets = (v: number): boolean =>
    rule.op === '>' ? v > bound : rule.op === '>=' ? v >= bound : rule.op === '<' ? v < bound : v <= bound;
  let chosen = NaN;
  for (const v of values) {
    if (!Number.isFinite(v) || !meets(v)) continue;
    if (Number.isNaN(chosen) || (rule.op.startsWith('>') ? v > chosen : v < chosen)) chosen = v;
  }
  if (!Number.isNaN(chosen)) return chosen;
  return rule.op === '>' ? bound + 1 : rule.op === '<' ? bound - 1 : bound;
}
