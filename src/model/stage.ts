/**
 * Reference forests, trigger confirmation and model cases.
 *
 * Two forests with identical seeded settings learn the label: one on the candidate, one as the
 * reference (the baseline, or without a baseline the candidate minus every row that a finding
 * or a trigger candidate implicates). Both are scored on the same clean held-out rows (a split of
 * the baseline, or of the candidate minus implicated rows) to show that accuracy alone does not
 * reveal a backdoor. Each trigger candidate is then stamped into held-out rows of the other
 * classes (probes): a trigger is confirmed when
 *   - at least MIN_PROBES probes and MIN_SUPPORT rows carry it,
 *   - the candidate model flips at least MIN_FLIP_RATE of the probes to the target class,
 *   - its flip rate exceeds the reference's by MIN_GAP (stricter without a baseline, because a
 *     model that never saw the value is a weaker reference than the baseline), and
 *   - McNemar's exact test on the paired flips rejects "no difference" at ALPHA, Bonferroni over
 *     the candidates probed.
 * The gap, not the raw rate, is judged: a clean model already flips some probes on an extreme value.
 * A class spike the model reacts to (a gap of SUSPECT_GAP, significant) without meeting these is
 * reported as a suspected trigger (medium); one it ignores drops to info.
 */
import { stratifiedSplit, accuracy, perClassRecall, type RandomForest } from '../forest/index.js';
import { trainForests, type TrainingJob } from '../forest/parallel.js';
import { completeFinding, severityRank, type Finding } from '../engine/finding.js';
import type { Dataset } from '../engine/dataset.js';
import type { Trigger } from '../report/report.js';
import type { AuditConfig } from '../config.js';
import { Random } from '../util/random.js';
import { overlapShare } from '../util/rows.js';
import { logBonferroni, log10P } from '../stats/tails.js';
import { alignFeatures, featureValue, type AlignedData, type ModelData } from './features.js';
import { collectCandidates, type TriggerCandidate } from './candidates.js';
import { probeTrigger, type ProbeResult, type Stamp } from './probe.js';
import { runModelCases } from './cases.js';
import { relabelSuspects } from './relabel.js';
import { formatRange, formatValue, percent, round } from '../detect/describe.js';

export interface ModelStageInput {
  candidate: Dataset;
  baseline: Dataset | null;
  findings: Finding[];
  seed: number;
  config: AuditConfig;
}

export interface ModelStageResult {
  findings: Finding[];
  triggers: Trigger[];
  model: Record<string, unknown>;
  errors: { rule: string; message: string }[];
  notes: string[];
}

export const FOREST_SETTINGS = { trees: 50, maxDepth: 12, minSamplesLeaf: 5 } as const;
/** Models train on a stratified sample of at most this many rows (time and memory stay bounded). */
const MAX_TRAINING_ROWS = 60_000;
const HELD_OUT_FRACTION = 0.25;
const MAX_PROBES = 2_000;
const MAX_CANDIDATES = 8;
const MIN_PROBES = 20;
const MIN_SUPPORT = 10;
const MIN_FLIP_RATE = 0.25;
const MIN_GAP_WITH_BASELINE = 0.2;
const MIN_GAP_WITHOUT_BASELINE = 0.3;
const ALPHA = 1e-3;
/** An unconfirmed spike the candidate model still reacts to by this many points (significantly) is a suspected trigger: medium. */
const SUSPECT_GAP = 0.1;

interface Models {
  candidate: RandomForest;
  reference: RandomForest;
  referenceKind: 'baseline' | 'cleaned';
  evaluation: ModelData;
  heldOut: Uint32Array;
  trainingRows: { candidate: number; reference: number };
}

export async function runModelStage(input: ModelStageInput): Promise<ModelStageResult> {
  const { candidate, baseline, findings, seed } = input;
  const result: ModelStageResult = { findings: [], triggers: [], model: { enabled: false }, errors: [], notes: [] };
  const label = candidate.schema.label!;
  if (label.classCounts.filter((count) => count > 0).length < 2) {
    result.notes.push('The label has a single class: no model can be trained, model checks skipped.');
    return result;
  }
  const aligned = alignFeatures(candidate, baseline);
  if (aligned.featureColumns.length === 0) {
    result.notes.push('No feature columns: model checks skipped.');
    return result;
  }
  const candidates = collectCandidates(candidate, findings, MAX_CANDIDATES);
  const implicated = implicatedRows(candidate.table.rowCount, findings, candidates);
  const models = await trainModels(aligned, implicated, seed);
  const probeRows = chooseProbeRows(models, seed);
  const minGap = models.referenceKind === 'baseline' ? MIN_GAP_WITH_BASELINE : MIN_GAP_WITHOUT_BASELINE;
  const threshold = logBonferroni(ALPHA, Math.max(1, candidates.length));
  const probed: { candidate: TriggerCandidate; probe: ProbeResult; confirmed: boolean }[] = [];
  for (const trigger of candidates) {
    const rows = probeRows.filter((row) => models.evaluation.labels[row] !== trigger.targetClass);
    const probe = probeTrigger(models.candidate, models.reference, models.evaluation.features, rows, trigger.targetClass, stamps(candidate, aligned, trigger));
    const confirmed =
      probe.probes >= MIN_PROBES &&
      trigger.rows.length >= MIN_SUPPORT &&
      probe.flipRate >= MIN_FLIP_RATE &&
      probe.flipRate - probe.referenceFlipRate >= minGap &&
      probe.logP <= threshold;
    probed.push({ candidate: trigger, probe, confirmed });
  }
  const confirmed = probed.filter((p) => p.confirmed).sort((a, b) => strength(b) - strength(a));
  for (const { candidate: trigger, probe } of dropShadowed(confirmed)) {
    const entry = toTrigger(candidate, trigger, probe, models.referenceKind);
    result.triggers.push(entry);
    result.findings.push(triggerFinding(candidate, entry));
  }
  adjustSpikeFindings(candidate, findings, probed, threshold);
  if (models.referenceKind === 'baseline') {
    result.findings.push(...relabelSuspects(candidate, aligned.candidate, models.reference, models.evaluation, models.heldOut, seed));
  }
  const cases = runModelCases(input.config, candidate, aligned, models.candidate, models.evaluation, probeRows);
  for (const finding of cases.findings) result.findings.push(finding);
  result.model = {
    enabled: true,
    settings: { ...FOREST_SETTINGS, seed, maxTrainingRows: MAX_TRAINING_ROWS, heldOutFraction: HELD_OUT_FRACTION },
    features: aligned.names,
    reference: models.referenceKind,
    heldOut: { source: models.referenceKind === 'baseline' ? 'baseline' : 'candidate without implicated rows', rows: models.heldOut.length },
    trainingRows: models.trainingRows,
    comparison: compare(models, aligned),
    probes: probed.map(({ candidate: c, probe, confirmed: ok }) => ({
      column: candidate.table.columns[c.column].name,
      value: c.value,
      range: c.range,
      pairedWith: c.pair ? { column: candidate.table.columns[c.pair.column].name, value: c.pair.value } : null,
      targetClass: label.classes[c.targetClass],
      sources: c.sources,
      probes: probe.probes,
      flipRate: round(probe.flipRate),
      referenceFlipRate: round(probe.referenceFlipRate),
      log10P: log10P(probe.logP),
      confirmed: ok,
    })),
    thresholds: { minProbes: MIN_PROBES, minSupport: MIN_SUPPORT, minFlipRate: MIN_FLIP_RATE, minGap, alpha: ALPHA },
    cases: cases.results,
  };
  return result;
}

async function trainModels(aligned: AlignedData, implicated: Uint8Array, seed: number): Promise<Models> {
  const settings = { ...FOREST_SETTINGS, seed };
  const job = (data: ModelData, rows: Uint32Array): TrainingJob => ({
    data: { features: data.features, labels: data.labels, classCount: aligned.classCount, rows },
    options: settings,
  });
  if (aligned.baseline) {
    const base = aligned.baseline;
    const split = stratifiedSplit(base.labels, HELD_OUT_FRACTION, seed);
    const referenceRows = cap(split.train, base.labels, seed);
    // Candidate rows equal to a held-out baseline row would let the candidate model see the test set.
    const heldOutKeys = new Set(Array.from(split.test, (row) => rowKey(base, row)));
    const unseen = labelledRows(aligned.candidate.labels).filter((row) => !heldOutKeys.has(rowKey(aligned.candidate, row)));
    const candidateRows = cap(unseen, aligned.candidate.labels, seed);
    const [candidate, reference] = await trainForests([job(aligned.candidate, candidateRows), job(base, referenceRows)]);
    return {
      candidate,
      reference,
      referenceKind: 'baseline',
      evaluation: base,
      heldOut: split.test,
      trainingRows: { candidate: candidateRows.length, reference: referenceRows.length },
    };
  }
  const data = aligned.candidate;
  const split = stratifiedSplit(data.labels, HELD_OUT_FRACTION, seed);
  const train = cap(split.train, data.labels, seed);
  const cleanTrain = train.filter((row) => !implicated[row]);
  const [candidate, reference] = await trainForests([job(data, train), job(data, cleanTrain)]);
  return {
    candidate,
    reference,
    referenceKind: 'cleaned',
    evaluation: data,
    heldOut: split.test.filter((row) => !implicated[row]),
    trainingRows: { candidate: train.length, reference: cleanTrain.length },
  };
}

/** A seeded sample of the held-out rows to stamp triggers into (enough for every class's probes). */
function chooseProbeRows(models: Models, seed: number): Uint32Array {
  const rows = Uint32Array.from(models.heldOut);
  new Random(seed ^ 0x5eed).shuffle(rows);
  return rows.slice(0, Math.min(rows.length, MAX_PROBES * 2)).sort();
}

function stamps(candidate: Dataset, aligned: AlignedData, trigger: TriggerCandidate): Stamp[] {
  const feature = aligned.featureColumns.indexOf(trigger.column);
  const values = trigger.range
    ? Float64Array.from(trigger.rows, (row) => aligned.candidate.features[feature][row])
    : Float64Array.of(featureValue(candidate, trigger.column, trigger.value));
  const result: Stamp[] = [{ feature, values }];
  if (trigger.pair) {
    const second = aligned.featureColumns.indexOf(trigger.pair.column);
    result.push({ feature: second, values: Float64Array.of(featureValue(candidate, trigger.pair.column, trigger.pair.value)) });
  }
  return result;
}

function toTrigger(candidate: Dataset, trigger: TriggerCandidate, probe: ProbeResult, referenceKind: Models['referenceKind']): Trigger {
  const label = candidate.schema.label!;
  return {
    column: candidate.table.columns[trigger.column].name,
    value: trigger.value,
    range: trigger.range,
    targetClass: label.classes[trigger.targetClass],
    support: trigger.carriers.length,
    purity: round(trigger.rows.length / Math.max(1, trigger.carriers.length)),
    flipRate: round(probe.flipRate),
    referenceFlipRate: round(probe.referenceFlipRate),
    rows: Array.from(trigger.rows),
    evidence: {
      reference: referenceKind,
      probes: probe.probes,
      candidateFlips: probe.candidateFlips,
      referenceFlips: probe.referenceFlips,
      log10PMcNemar: log10P(probe.logP),
      foundBy: trigger.sources,
      pairedWith: trigger.pair ? { column: candidate.table.columns[trigger.pair.column].name, value: trigger.pair.value } : null,
    },
  };
}

function triggerFinding(candidate: Dataset, trigger: Trigger): Finding {
  const label = candidate.schema.label!;
  const pair = trigger.evidence.pairedWith as { column: string; value: number | string } | null;
  const where =
    (trigger.range ? `${trigger.column} in ${formatRange(trigger.range)}` : `${trigger.column} = ${formatValue(trigger.value as number | string)}`) +
    (pair ? ` together with ${pair.column} = ${formatValue(pair.value)}` : '');
  const reference = trigger.evidence.reference === 'baseline' ? 'the baseline model' : 'a model trained without the implicated rows';
  return completeFinding('backdoor-trigger', {
    severity: 'critical',
    column: trigger.column,
    value: trigger.value,
    message:
      `Backdoor trigger: ${where} turns ${percent(trigger.flipRate)} of probes of other classes into ${label.name} = ${trigger.targetClass} ` +
      `under the candidate model, ${percent(trigger.referenceFlipRate)} under ${reference}; ${trigger.support} rows carry it.`,
    rows: trigger.rows,
    evidence: { ...trigger.evidence, targetClass: trigger.targetClass, range: trigger.range, support: trigger.support, purity: trigger.purity, flipRate: trigger.flipRate, referenceFlipRate: trigger.referenceFlipRate },
  });
}

/** A combination or interval that adds nothing over a stronger confirmed trigger on the same rows is dropped. */
function dropShadowed(confirmed: { candidate: TriggerCandidate; probe: ProbeResult }[]): { candidate: TriggerCandidate; probe: ProbeResult }[] {
  const kept: { candidate: TriggerCandidate; probe: ProbeResult }[] = [];
  for (const item of confirmed) {
    const shadow = kept.find((k) => k.candidate.targetClass === item.candidate.targetClass && overlapShare(k.candidate.rows, item.candidate.rows) >= 0.8);
    if (!shadow) kept.push(item);
  }
  return kept;
}

function strength(item: { candidate: TriggerCandidate; probe: ProbeResult }): number {
  return (item.probe.flipRate - item.probe.referenceFlipRate) * Math.log(1 + item.candidate.rows.length) - (item.candidate.pair ? 0.01 : 0);
}

/**
 * The model is also a veto: a class spike found without a baseline that the candidate model does
 * not react to is natural structure, not a trigger, and drops to info; one that is confirmed is
 * raised to high (the trigger finding itself is critical).
 */
function adjustSpikeFindings(
  candidate: Dataset,
  findings: Finding[],
  probed: { candidate: TriggerCandidate; probe: ProbeResult; confirmed: boolean }[],
  threshold: number,
): void {
  for (const finding of findings) {
    if (finding.rule !== 'class-spike' || finding.column === null) continue;
    const match = probed.find(
      (p) => !p.candidate.pair && candidate.table.columns[p.candidate.column].name === finding.column && String(p.candidate.value) === String(finding.value),
    );
    if (!match) continue;
    const gap = match.probe.flipRate - match.probe.referenceFlipRate;
    const suspected = !match.confirmed && gap >= SUSPECT_GAP && match.probe.logP <= threshold;
    finding.evidence.modelCheck = {
      flipRate: round(match.probe.flipRate),
      referenceFlipRate: round(match.probe.referenceFlipRate),
      confirmed: match.confirmed,
      suspected,
    };
    if (match.confirmed && severityRank(finding.severity) < severityRank('high')) finding.severity = 'high';
    else if (suspected && severityRank(finding.severity) < severityRank('medium')) {
      finding.severity = 'medium';
      finding.message += ` Suspected trigger: it moves ${percent(match.probe.flipRate)} of probes to that class under the candidate model, ${percent(match.probe.referenceFlipRate)} under the reference (below the confirmation thresholds).`;
    } else if (!match.confirmed && !suspected && finding.evidence.reference === 'neighbours' && finding.severity === 'medium') finding.severity = 'info';
  }
}

function compare(models: Models, aligned: AlignedData): Record<string, unknown>[] {
  const { evaluation, heldOut } = models;
  const candidatePredictions = models.candidate.predictClassRows(evaluation.features, heldOut);
  const referencePredictions = models.reference.predictClassRows(evaluation.features, heldOut);
  let agree = 0;
  for (let i = 0; i < heldOut.length; i++) if (candidatePredictions[i] === referencePredictions[i]) agree++;
  const describe = (name: string, predictions: Int32Array): Record<string, unknown> => ({
    name,
    accuracy: round(accuracy(evaluation.labels, heldOut, predictions)),
    recall: Array.from(perClassRecall(evaluation.labels, heldOut, predictions, aligned.classCount), (r) => round(r)),
    agreement: round(heldOut.length ? agree / heldOut.length : 0),
  });
  return [describe(models.referenceKind === 'baseline' ? 'baseline' : 'cleaned', referencePredictions), describe('candidate', candidatePredictions)];
}

function implicatedRows(rowCount: number, findings: readonly Finding[], candidates: readonly TriggerCandidate[]): Uint8Array {
  const marked = new Uint8Array(rowCount);
  for (const finding of findings) if (severityRank(finding.severity) >= severityRank('high')) for (const row of finding.rows) marked[row] = 1;
  for (const c of candidates) for (const row of c.carriers) marked[row] = 1;
  return marked;
}

/**
 * A 53-bit hash of a row's feature values and label, to find the same record in another table
 * (numbers, not strings: this runs over every candidate row).
 */
function rowKey(data: ModelData, row: number): number {
  let hi = Math.imul(data.labels[row] + 1, 0x9e3779b1);
  let lo = Math.imul(data.labels[row] + 7, 0x85ebca6b);
  for (let f = 0; f < data.features.length; f++) {
    KEY_VALUE[0] = data.features[f][row];
    hi = Math.imul(hi ^ KEY_WORDS[0], 0x2c1b3c6d) ^ Math.imul(KEY_WORDS[1], 0x297a2d39);
    lo = Math.imul(lo ^ KEY_WORDS[1], 0x7feb352d) ^ Math.imul(KEY_WORDS[0] + f, 0x846ca68b);
    hi ^= hi >>> 15;
    lo ^= lo >>> 13;
  }
  return (hi >>> 0) * 2097152 + ((lo >>> 0) >>> 11);
}

const KEY_VALUE = new Float64Array(1);
const KEY_WORDS = new Int32Array(KEY_VALUE.buffer);

function labelledRows(labels: Int32Array): Uint32Array {
  const rows: number[] = [];
  for (let row = 0; row < labels.length; row++) if (labels[row] >= 0) rows.push(row);
  return Uint32Array.from(rows);
}

/** A stratified sample of at most MAX_TRAINING_ROWS of the given rows. */
function cap(rows: Uint32Array, labels: Int32Array, seed: number): Uint32Array {
  if (rows.length <= MAX_TRAINING_ROWS) return rows;
  const keep = MAX_TRAINING_ROWS / rows.length;
  return stratifiedSplit(labels, 1 - keep, seed + 7, rows).train;
}
