/**
 * The checks that run after the rules: on the models (trigger search, relabel suspects, model
 * cases) and on the rules' combined hints (planted rows). They are registered, listed, documented
 * and configured like the rules in rules/ (`rules: { 'backdoor-trigger': { options: { alpha } } }`,
 * a severity, or 'off'); their thresholds are these options. Their code lives in src/model/ and
 * src/engine/planted-rows.ts; this file is their one description.
 */
import type { RuleDefinition } from '../engine/rule.js';

/** A check outside rules/: described like a rule, run by its own stage. */
export type StageCheck<Options extends object = Record<string, unknown>> = Omit<RuleDefinition<Options>, 'check' | 'needsBaseline'> & {
  readonly stage: 'models' | 'combined';
};

function stageCheck<Options extends object>(check: StageCheck<Options>): StageCheck<Options> {
  return Object.freeze({ ...check });
}

export const BACKDOOR_TRIGGER = stageCheck({
  id: 'backdoor-trigger',
  title: 'Backdoor triggers the models react to',
  stage: 'models',
  severities: 'critical (suspected: medium)',
  needsLabel: true,
  docs: `Trains a forest on the candidate and a reference forest (the baseline, or the candidate minus every implicated row) with the same seeded settings, and stamps each trigger candidate the rules handed over (a value, an interval, or up to three columns together) into held-out rows of the other classes. The candidate model reacts when at least minProbes probes and minSupport rows carry the candidate, it flips at least minFlipRate of the probes to the target class, minGapWithBaseline (minGapWithoutBaseline without a baseline) more than the reference, and McNemar's exact test on the paired flips rejects chance at alpha (Bonferroni over the candidates probed). With a baseline that is a confirmed trigger (critical); a candidate with a strong label-free signal that the baseline's probes do not confirm is probed again as without a baseline, so a baseline never loses a trigger. Without one it also needs an implausibility signal: a rule's strong label-free signal, or labels the rest of each row contradicts (cross-fitted forests predict the rows with the candidate's columns taken from donor rows, in the same bin of the column most tied to them; a gap of restOfRowMinGap at restOfRowAlpha) where the column's other values do not (a sibling value, a value combination or an interval of the same width, whose gap is as large and which the forests use, makes it natural structure: a column that decides the label at every value). A reaction of suspectGap that misses the thresholds is a suspected trigger (medium). Up to maxCandidates candidates without a strong signal are probed. Fix: remove the rows listed, find where they entered the data, retrain.`,
  defaults: {
    maxCandidates: 16,
    minProbes: 20,
    minSupport: 10,
    minFlipRate: 0.25,
    minGapWithBaseline: 0.2,
    minGapWithoutBaseline: 0.3,
    alpha: 1e-3,
    suspectGap: 0.1,
    restOfRowMinGap: 0.3,
    restOfRowAlpha: 1e-4,
  },
});
export type BackdoorOptions = typeof BACKDOOR_TRIGGER.defaults;

export const STRONG_PREDICTOR = stageCheck({
  id: 'strong-predictor',
  title: 'Strong natural predictors (possible leakage)',
  stage: 'models',
  severities: 'info',
  needsLabel: true,
  docs: 'A trigger candidate the candidate model reacts to, with no label-free sign that it was planted: natural structure, not a backdoor. Reported as a note, because a value that decides the label this strongly can also be leakage (a column filled in after the outcome was known). Options: none; its thresholds are those of backdoor-trigger.',
  defaults: {},
});

export const RELABEL_SUSPECTS = stageCheck({
  id: 'relabel-suspects',
  title: 'Rows whose label the baseline model contradicts',
  stage: 'models',
  severities: 'medium (strong: high)',
  needsLabel: true,
  docs: 'With a baseline: candidate rows to whose own label a model of the baseline gives a probability of at most `contradicted` (or `looselyContradicted`, for classes that overlap), against how often that happens to the baseline\'s own rows of the class. Four cross-fitted forests (each trained on three quarters of the baseline) predict both sides alike, so the reference is every baseline row, not a small held-out part; a baseline whose held-out quarter has 1,000 rows of every class uses those and the reference forest. With three classes or more the counts are also taken per class the model gives instead (rows relabelled from one class are given that class; natural confusions spread). A significant excess (exact conditional test for two rates, alpha, Bonferroni over the classes, the pairs and both cuts) of at least minRatio times the baseline rate and minExcessRows rows is medium; at strongRatio times the rate it is high and its rows become suspicious. Per class, so the report names the class the rows were given. Fix: check the listed rows\' labels at their source.',
  defaults: { contradicted: 0.1, looselyContradicted: 0.3, alpha: 1e-2, minRatio: 1.5, minExcessRows: 10, strongRatio: 3 },
});
export type RelabelOptions = typeof RELABEL_SUSPECTS.defaults;

export const MODEL_CASES = stageCheck({
  id: 'model-cases',
  title: 'Model cases from the config',
  stage: 'models',
  severities: 'high',
  needsLabel: true,
  docs: "The config's model.cases (a record with an expected prediction) and model.unacceptable (\"records with COLUMN op VALUE must not be predicted TARGET more often than records without it\", by more than the case's tolerance, default `tolerance`), run on the candidate model. A failed case is a high finding with the numbers.",
  defaults: { tolerance: 0.1 },
});
export type CasesOptions = typeof MODEL_CASES.defaults;

export const MODEL_CHECKS = stageCheck({
  id: 'model-checks',
  title: 'Model checks could not run',
  stage: 'models',
  severities: 'medium',
  needsLabel: true,
  docs: 'The file is too small to hold out rows of two classes for the model checks, so backdoor triggers could not be tested; the data cannot be called trusted on the other checks alone. Fix: audit a larger delivery, or against a baseline.',
  defaults: {},
});

export const PLANTED_ROWS_CHECK = stageCheck({
  id: 'planted-rows',
  title: 'Impossible values on copied rows',
  stage: 'combined',
  severities: 'critical',
  docs: "One rule finds a value outside the column's domain or far outside its bulk; another finds that the rows holding it are copies of other rows but for that value. An impossible value on copies of real rows is planted, whatever the label says and whether or not a model learns from it. Needs no confirmed label and no models. Left out when a confirmed trigger on the same column and value already stands for those rows. Fix: remove the rows listed.",
  defaults: { minRows: 10 },
});

export const STAGE_CHECKS: readonly StageCheck[] = [BACKDOOR_TRIGGER, STRONG_PREDICTOR, RELABEL_SUSPECTS, MODEL_CASES, MODEL_CHECKS, PLANTED_ROWS_CHECK];
