/**
 * Reference forests, trigger confirmation and model cases.
 *
 * Two forests with identical seeded settings learn the label: one on the candidate, one as the
 * reference (the baseline, or without a baseline the candidate minus every row that a finding
 * or a trigger candidate implicates). Both are scored on the same clean held-out rows (a split of
 * the baseline, or of the candidate minus implicated rows) to show that accuracy alone does not
 * reveal a backdoor. Splits and samples are chosen by row content (src/model/sampling.ts), so the
 * order of the rows never decides anything.
 *
 * Each trigger candidate is stamped into held-out rows of the other classes (probes). The model
 * reacts when (thresholds: the backdoor-trigger options, src/model/checks.ts)
 *   - at least minProbes probes and minSupport rows carry it,
 *   - the candidate model flips at least minFlipRate of the probes to the target class,
 *   - its flip rate exceeds the reference's by minGap (stricter without a baseline), and
 *   - McNemar's exact test on the paired flips rejects "no difference" at alpha, Bonferroni over
 *     the candidates probed.
 * With a baseline that is a confirmed trigger: the baseline model learned the data's natural
 * structure, so a reaction it does not share was planted. Without one, the reference never saw
 * the candidate's rows and so reacts less to anything strong, natural or not; a trigger then also
 * needs a label-free implausibility signal: a rule's strong signal (outside the domain, far
 * outside the bulk, copy structure) or labels that the rest of each row contradicts
 * (restOfRowTest). A reaction without one is a strong natural predictor: an info note about
 * possible leakage, never a trigger.
 * A baseline never makes the search weaker: a candidate with a strong signal that the baseline's
 * probes do not confirm is probed again against the cleaned candidate, as without a baseline.
 * A candidate the model reacts to by suspectGap (significantly) without meeting the thresholds is
 * a suspected trigger (its findings become medium); a weak candidate the model ignores is natural
 * structure and its findings drop to info (the model's veto). These adjustments are returned, not
 * applied here: the pipeline applies them unless the user fixed the rule's severity.
 */
import { accuracy, perClassRecall, type RandomForest } from '../forest/index.js';
import { trainForests, type TrainingJob } from '../forest/parallel.js';
import { completeFinding, severityRank, type Finding, type Severity } from '../engine/finding.js';
import type { Dataset } from '../engine/dataset.js';
import type { RuleHint } from '../engine/run-rules.js';
import type { Trigger } from '../report/report.js';
import type { AuditConfig } from '../config/schema.js';
import { overlapShare } from '../util/rows.js';
import { MISSING_CODE } from '../table/table.js';
import { logBonferroni, log10P } from '../stats/tails.js';
import { alignFeatures, featureValue, type AlignedData, type ModelData } from './features.js';
import { collectCandidates, hasStrongSignal, type TriggerCandidate } from './candidates.js';
import { probeTrigger, type ProbeResult, type Stamp } from './probe.js';
import { runModelCases } from './cases.js';
import { restOfRowTests, type RestOfRow } from './rest-of-row.js';
import { relabelSuspects } from './relabel.js';
import { progressed } from '../progress-events.js';
import type { BackdoorOptions, CasesOptions, RelabelOptions } from './checks.js';
import { contentOrder, contentSample, contentSplit, rowKeys } from './sampling.js';
import { displayValue, formatRange, formatValue, percent, round, triggerSentence } from '../format.js';

export interface ModelStageInput {
  candidate: Dataset;
  baseline: Dataset | null;
  findings: readonly Finding[];
  hints: readonly RuleHint[];
  seed: number;
  config: AuditConfig;
  /** The options of the model-stage checks (defaults in src/model/checks.ts, merged with the config's). */
  options: { trigger: BackdoorOptions; relabel: RelabelOptions; cases: CasesOptions };
}

/** A change the model stage asks for in a rule's finding (applied by the pipeline, see src/audit.ts). */
export interface FindingAdjustment {
  finding: Finding;
  severity: Severity;
  /** A sentence appended to the finding's message, or null. */
  note: string | null;
  modelCheck: Record<string, unknown>;
}

export interface ModelStageResult {
  findings: Finding[];
  triggers: Trigger[];
  adjustments: FindingAdjustment[];
  model: Record<string, unknown>;
  errors: { rule: string; message: string }[];
  notes: string[];
}

export const FOREST_SETTINGS = { trees: 50, maxDepth: 12, minSamplesLeaf: 5 } as const;
/** Models train on a stratified sample of at most this many rows (time and memory stay bounded). */
const MAX_TRAINING_ROWS = 60_000;
const HELD_OUT_FRACTION = 0.25;
const MAX_PROBES = 1_000;
/** Model checks need held-out rows in at least two classes, and this many in all. */
const MIN_HELD_OUT_PER_CLASS = 1;
const MIN_HELD_OUT_ROWS = 10;

interface Models {
  candidate: RandomForest;
  reference: RandomForest;
  referenceKind: 'baseline' | 'cleaned';
  evaluation: ModelData;
  heldOut: Uint32Array;
  /** Without a baseline: every candidate row the candidate model did not train on, implicated or not. */
  untrained: Uint32Array;
  /** Rows the candidate model trained on, in content order. */
  candidateRows: Uint32Array;
  trainingRows: { candidate: number; reference: number };
}

interface Probed {
  candidate: TriggerCandidate;
  probe: ProbeResult;
  /** The reference the probe compared with (a baseline audit falls back to the cleaned candidate for strong candidates). */
  reference: Models['referenceKind'];
  /** The model reacts as a trigger would (thresholds met). */
  reacts: boolean;
  /** Not confirmed, but a significant reaction of suspectGap. */
  reactsWeakly: boolean;
  implausible: { yes: boolean; why: string[]; restOfRow: RestOfRow | null };
  confirmed: boolean;
  suspected: boolean;
}

export async function runModelStage(input: ModelStageInput): Promise<ModelStageResult> {
  const { candidate, baseline, findings, seed } = input;
  const o = input.options.trigger;
  const result: ModelStageResult = { findings: [], triggers: [], adjustments: [], model: { enabled: false }, errors: [], notes: [] };
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
  const evaluationLabels = aligned.baseline?.labels ?? aligned.candidate.labels;
  const tooSmall = tooSmallForModels(evaluationLabels, aligned.classCount);
  if (tooSmall) {
    result.findings.push(
      completeFinding('model-checks', {
        severity: 'medium',
        message: `Too small for model checks: ${tooSmall} Backdoor triggers could not be tested, so the data cannot be called trusted on these checks alone.`,
        evidence: { classCounts: Array.from(label.classCounts) },
      }),
    );
    result.notes.push(`Model checks skipped: ${tooSmall}`);
    return result;
  }
  const keys = rowKeys(aligned.candidate);
  const baseKeys = aligned.baseline ? rowKeys(aligned.baseline) : null;
  const selection = collectCandidates(candidate, input.hints, o.maxCandidates);
  const implicated = implicatedRows(candidate.table.rowCount, findings, [...selection.probed, ...selection.leftOut]);
  const models = await trainModels(aligned, implicated, keys, baseKeys, seed);
  const probeRows = probeRowsOf(models, baseKeys ?? keys, seed);
  const threshold = logBonferroni(o.alpha, Math.max(1, selection.probed.length));
  const labelGuessed = label.guessed;
  if (labelGuessed) {
    result.notes.push(
      `The label '${label.name}' was guessed from the data's shape, so the model checks name no trigger; pass --label (or set label in the config) to test for triggers.`,
    );
  }
  const probeWith = (m: Models, rows: Uint32Array, trigger: TriggerCandidate): Probed => {
    const probe = probeTrigger(m.candidate, m.reference, m.evaluation.features, rows.filter((row) => m.evaluation.labels[row] !== trigger.targetClass), trigger.targetClass, stamps(candidate, aligned, trigger));
    const enough = probe.probes >= o.minProbes && trigger.rows.length >= o.minSupport;
    const gap = probe.flipRate - probe.referenceFlipRate;
    const reacts = enough && probe.flipRate >= o.minFlipRate && gap >= minGapFor(o, m.referenceKind) && probe.logP <= threshold;
    const reactsWeakly = !reacts && enough && gap >= o.suspectGap && probe.logP <= threshold;
    return { candidate: trigger, probe, reference: m.referenceKind, reacts, reactsWeakly, implausible: { yes: false, why: [], restOfRow: null }, confirmed: false, suspected: false };
  };
  const probed: Probed[] = [];
  for (const [i, trigger] of selection.probed.entries()) {
    progressed('probes', i, selection.probed.length);
    probed.push(probeWith(models, probeRows, trigger));
  }
  progressed('probes', selection.probed.length, selection.probed.length);
  // A baseline never makes the audit weaker: a candidate with a strong label-free signal that the
  // baseline's probes do not confirm (a small baseline leaves few probes; the candidate model
  // reacts to the baseline's rows less than to its own) is probed as it would be without one.
  const unconfirmed = models.referenceKind === 'baseline' ? probed.filter((p) => !p.reacts && hasStrongSignal(p.candidate)) : [];
  if (unconfirmed.length > 0) {
    const alone = await trainModels({ ...aligned, baseline: null }, implicated, keys, null, seed);
    const aloneRows = probeRowsOf(alone, keys, seed);
    for (const item of unconfirmed) {
      const retry = probeWith(alone, aloneRows, item.candidate);
      if (retry.reacts || (retry.reactsWeakly && !item.reactsWeakly)) probed[probed.indexOf(item)] = retry;
    }
  }
  const reacting = probed.filter((p) => p.reacts || p.reactsWeakly);
  const restOfRow =
    models.referenceKind === 'cleaned'
      ? await restOfRowTests(
          reacting.filter((p) => !hasStrongSignal(p.candidate)).map((p) => p.candidate),
          { dataset: candidate, aligned, trainingRows: models.candidateRows, heldOut: models.heldOut, untrained: models.untrained, keys, seed, forest: FOREST_SETTINGS, options: o },
        )
      : new Map<TriggerCandidate, RestOfRow>();
  for (const item of reacting) {
    const rest = restOfRow.get(item.candidate) ?? null;
    item.implausible = implausibility(item.reference, item.candidate, rest);
    item.confirmed = item.reacts && item.implausible.yes && !labelGuessed;
    // A weak reaction resting on the rest of the row alone also needs rows that look less like
    // their class than the file does: the rows of a natural strong predictor whose other columns
    // agree look like its class, and a weak reaction to them is model noise.
    const restOnly = item.implausible.why.length === 1 && item.implausible.why[0] === 'rest-of-row';
    item.suspected = item.reactsWeakly && item.implausible.yes && !labelGuessed && !(restOnly && rest !== null && !rest.unlikeTheClass);
  }
  const confirmed = probed.filter((p) => p.confirmed).sort((a, b) => strength(b) - strength(a));
  for (const item of dropShadowed(confirmed)) {
    const entry = toTrigger(candidate, item, item.reference);
    result.triggers.push(entry);
    result.findings.push(triggerFinding(candidate, entry));
  }
  for (const item of probed) {
    if ((item.reacts || item.reactsWeakly) && !item.implausible.yes && !labelGuessed) result.findings.push(strongPredictorFinding(candidate, item));
  }
  result.adjustments = [...adjustments(probed, models.referenceKind === 'baseline'), ...unprobed(selection.leftOut, models.referenceKind === 'baseline')];
  if (models.referenceKind === 'baseline') {
    result.findings.push(
      ...(await relabelSuspects({
        candidate,
        candidateData: aligned.candidate,
        baselineData: models.evaluation,
        reference: models.reference,
        heldOut: models.heldOut,
        keys: { candidate: keys, baseline: baseKeys! },
        classCount: aligned.classCount,
        forest: FOREST_SETTINGS,
        seed,
        options: input.options.relabel,
      })),
    );
  }
  const cases = runModelCases(input.config, candidate, aligned, models.candidate, models.evaluation, probeRows, input.options.cases);
  for (const finding of cases.findings) result.findings.push(finding);
  const describeParts = (c: TriggerCandidate) => c.parts.map((p) => ({ column: candidate.table.columns[p.column].name, value: p.value, range: p.range }));
  result.model = {
    enabled: true,
    settings: { ...FOREST_SETTINGS, seed, maxTrainingRows: MAX_TRAINING_ROWS, heldOutFraction: HELD_OUT_FRACTION },
    features: aligned.names,
    reference: models.referenceKind,
    heldOut: { source: models.referenceKind === 'baseline' ? 'baseline' : 'candidate without implicated rows', rows: models.heldOut.length },
    trainingRows: models.trainingRows,
    comparison: compare(models, aligned, baseKeys ?? keys, seed),
    candidates: { probed: probed.length, leftOut: selection.leftOut.length, budget: o.maxCandidates },
    probes: probed.map((p) => ({
      column: candidate.table.columns[p.candidate.parts[0].column].name,
      value: p.candidate.parts[0].value,
      range: p.candidate.parts[0].range,
      pairedWith: p.candidate.parts.length > 1 ? describeParts(p.candidate).slice(1) : null,
      targetClass: label.classes[p.candidate.targetClass],
      sources: p.candidate.sources,
      signals: p.candidate.signals,
      probes: p.probe.probes,
      flipRate: round(p.probe.flipRate),
      referenceFlipRate: round(p.probe.referenceFlipRate),
      reference: p.reference,
      log10P: log10P(p.probe.logP),
      implausible: p.implausible.why,
      restOfRow: p.implausible.restOfRow && {
        tested: p.implausible.restOfRow.tested,
        observedShare: round(p.implausible.restOfRow.observedShare),
        predictedShare: round(p.implausible.restOfRow.predictedShare),
        populationShare: round(p.implausible.restOfRow.populationShare),
        classShare: round(p.implausible.restOfRow.classShare),
        log10P: log10P(p.implausible.restOfRow.logP),
        siblings: siblingEvidence(candidate, p.candidate, p.implausible.restOfRow.siblings),
      },
      confirmed: p.confirmed,
      suspected: p.suspected,
    })),
    leftOut: selection.leftOut.map((c) => ({ parts: describeParts(c), targetClass: label.classes[c.targetClass], sources: c.sources })),
    thresholds: { minProbes: o.minProbes, minSupport: o.minSupport, minFlipRate: o.minFlipRate, minGap: minGapFor(o, models.referenceKind), alpha: o.alpha, suspectGap: o.suspectGap },
    cases: cases.results,
  };
  if (selection.leftOut.length > 0) {
    result.notes.push(
      `${probed.length} trigger candidates were probed; ${selection.leftOut.length} weaker ones (no strong label-free signal) were left out (model.leftOut).`,
    );
  }
  return result;
}

/** Held-out rows the probes draw from, by content, at most twice the probe budget (each candidate keeps the other classes' rows). */
function probeRowsOf(models: Models, keys: Float64Array, seed: number): Uint32Array {
  return contentOrder(models.heldOut, keys, seed ^ 0x5eed).slice(0, MAX_PROBES * 2).sort();
}

function minGapFor(o: BackdoorOptions, reference: Models['referenceKind']): number {
  return reference === 'baseline' ? o.minGapWithBaseline : o.minGapWithoutBaseline;
}

/** Why the data cannot support model checks, or null when it can. */
function tooSmallForModels(labels: Int32Array, classCount: number): string | null {
  const counts = new Array<number>(classCount).fill(0);
  for (const y of labels) if (y >= 0) counts[y]++;
  const heldOut = counts.map((n) => Math.min(Math.round(n * HELD_OUT_FRACTION), Math.max(0, n - 1)));
  const usable = heldOut.filter((n) => n >= MIN_HELD_OUT_PER_CLASS).length;
  const total = heldOut.reduce((a, b) => a + b, 0);
  if (usable >= 2 && total >= MIN_HELD_OUT_ROWS) return null;
  return `${labels.length} rows leave ${total} held-out rows in ${usable} classes; at least ${MIN_HELD_OUT_ROWS} held-out rows in two classes are needed.`;
}

/**
 * Without a baseline, is anything about the candidate implausible, beyond its class mix? With a
 * baseline the baseline model already stands for the natural structure, so yes.
 */
function implausibility(referenceKind: Models['referenceKind'], trigger: TriggerCandidate, restOfRow: RestOfRow | null): Probed['implausible'] {
  if (referenceKind === 'baseline') return { yes: true, why: ['baseline'], restOfRow: null };
  const why: string[] = trigger.signals.filter((s) => s !== 'count-spike');
  if (restOfRow?.contradicts) why.push('rest-of-row');
  return { yes: hasStrongSignal(trigger) || Boolean(restOfRow?.contradicts), why, restOfRow };
}

async function trainModels(aligned: AlignedData, implicated: Uint8Array, keys: Float64Array, baseKeys: Float64Array | null, seed: number): Promise<Models> {
  const settings = { ...FOREST_SETTINGS, seed };
  const job = (data: ModelData, rows: Uint32Array): TrainingJob => ({
    data: { features: data.features, labels: data.labels, classCount: aligned.classCount, rows },
    options: settings,
  });
  if (aligned.baseline && baseKeys) {
    const base = aligned.baseline;
    const split = contentSplit(base.labels, HELD_OUT_FRACTION, baseKeys, seed);
    const referenceRows = cap(split.train, base.labels, baseKeys, seed);
    // Candidate rows equal to a held-out baseline row would let the candidate model see the test set.
    const heldOutKeys = new Set(Array.from(split.test, (row) => baseKeys[row]));
    const unseen = labelledRows(aligned.candidate.labels).filter((row) => !heldOutKeys.has(keys[row]));
    const candidateRows = cap(unseen, aligned.candidate.labels, keys, seed);
    const [candidate, reference] = await trainForests([job(aligned.candidate, candidateRows), job(base, referenceRows)]);
    return {
      candidate,
      reference,
      referenceKind: 'baseline',
      evaluation: base,
      heldOut: split.test.slice().sort(),
      untrained: new Uint32Array(0),
      candidateRows,
      trainingRows: { candidate: candidateRows.length, reference: referenceRows.length },
    };
  }
  const data = aligned.candidate;
  const split = contentSplit(data.labels, HELD_OUT_FRACTION, keys, seed);
  const train = cap(split.train, data.labels, keys, seed);
  const cleanTrain = train.filter((row) => !implicated[row]);
  const [candidate, reference] = await trainForests([job(data, train), job(data, cleanTrain)]);
  return {
    candidate,
    reference,
    referenceKind: 'cleaned',
    evaluation: data,
    heldOut: split.test.filter((row) => !implicated[row]).sort(),
    untrained: split.test.slice().sort(),
    candidateRows: train,
    trainingRows: { candidate: train.length, reference: cleanTrain.length },
  };
}

function stamps(candidate: Dataset, aligned: AlignedData, trigger: TriggerCandidate): Stamp[] {
  return trigger.parts.map((part) => {
    const feature = aligned.featureColumns.indexOf(part.column);
    const values = part.range
      ? Float64Array.from(trigger.rows, (row) => aligned.candidate.features[feature][row])
      : Float64Array.of(featureValue(candidate, part.column, part.value));
    return { feature, values };
  });
}

function toTrigger(candidate: Dataset, item: Probed, referenceKind: Models['referenceKind']): Trigger {
  const label = candidate.schema.label!;
  const { candidate: trigger, probe } = item;
  const [first, ...rest] = trigger.parts;
  const others = rest.map((p) => ({ column: candidate.table.columns[p.column].name, value: p.value }));
  return {
    column: candidate.table.columns[first.column].name,
    value: first.value,
    range: first.range,
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
      signals: item.implausible.why,
      pairedWith: others[0] ?? null,
      conjunction: others,
    },
  };
}

function triggerFinding(candidate: Dataset, trigger: Trigger): Finding {
  const label = candidate.schema.label!;
  return completeFinding('backdoor-trigger', {
    severity: 'critical',
    column: trigger.column,
    value: trigger.value,
    message: `Backdoor trigger: ${triggerSentence(trigger, label.name)}`,
    rows: trigger.rows,
    evidence: { ...trigger.evidence, targetClass: trigger.targetClass, range: trigger.range, support: trigger.support, purity: trigger.purity, flipRate: trigger.flipRate, referenceFlipRate: trigger.referenceFlipRate },
  });
}

/** A value the model follows that nothing marks as planted: worth a look for leakage, not a trigger. */
/** The sibling test as the report states it: the strongest sibling by its values, not its row. */
function siblingEvidence(candidate: Dataset, c: TriggerCandidate, siblings: RestOfRow['siblings']): Record<string, unknown> {
  const label = candidate.schema.label!;
  const s = siblings.strongest;
  return {
    tested: siblings.tested,
    contradicting: siblings.contradicting,
    strongest: s && {
      values: c.parts.map((p) => ({ column: candidate.table.columns[p.column].name, value: cellValue(candidate, p.column, s.row) })),
      rows: s.rows,
      targetClass: label.classes[s.targetClass],
      observedShare: round(s.observedShare),
      predictedShare: round(s.predictedShare),
      log10P: round(s.log10P, 1),
    },
  };
}

function cellValue(candidate: Dataset, column: number, row: number): number | string | null {
  const col = candidate.table.columns[column];
  if (col.kind === 'numeric') return Number.isNaN(col.values[row]) ? null : col.values[row];
  return col.codes[row] === MISSING_CODE ? null : col.dictionary[col.codes[row]];
}

function strongPredictorFinding(candidate: Dataset, item: Probed): Finding {
  const label = candidate.schema.label!;
  const { candidate: c, probe } = item;
  const where = c.parts
    .map((p) => `${candidate.table.columns[p.column].name} ${p.range ? `in ${formatRange(p.range)}` : `= ${formatValue(p.value)}`}`)
    .join(' with ');
  const rest = item.implausible.restOfRow;
  const sibling = rest?.siblings.contradicting ? rest.siblings.strongest : null;
  const siblingText = sibling
    ? `; other values of ${c.parts.length > 1 ? 'these columns' : 'the column'} decide the label as strongly (${rest!.siblings.contradicting} of ${rest!.siblings.tested} tested, e.g. ` +
      `${c.parts.map((p) => `${candidate.table.columns[p.column].name} = ${displayValue(cellValue(candidate, p.column, sibling.row))}`).join(' with ')}: ` +
      `${percent(sibling.observedShare)} ${label.name} = ${label.classes[sibling.targetClass]}, predicted ${percent(sibling.predictedShare)})`
    : '';
  return completeFinding('strong-predictor', {
    severity: 'info',
    column: candidate.table.columns[c.parts[0].column].name,
    value: c.parts[0].value,
    message:
      `Strong single-value predictor, not a trigger: ${where} carries ${c.carriers.length} rows, ${percent(c.rows.length / Math.max(1, c.carriers.length))} of them ` +
      `${label.name} = ${label.classes[c.targetClass]}, and the candidate model follows it (${percent(probe.flipRate)} of probes), but nothing marks it as planted` +
      (rest ? ` (the rest of each row predicts that class ${percent(rest.predictedShare)} of the time${siblingText})` : '') +
      '. Check for leakage: is it recorded after the outcome?',
    rows: c.rows,
    count: c.rows.length,
    evidence: {
      targetClass: label.classes[c.targetClass],
      flipRate: round(probe.flipRate),
      referenceFlipRate: round(probe.referenceFlipRate),
      restOfRowPredictedShare: rest ? round(rest.predictedShare) : null,
      observedShare: rest ? round(rest.observedShare) : null,
      siblingsContradicting: rest ? rest.siblings.contradicting : null,
    },
  });
}

/** A combination or interval that adds nothing over a stronger confirmed trigger on the same rows is dropped. */
function dropShadowed(confirmed: Probed[]): Probed[] {
  const kept: Probed[] = [];
  for (const item of confirmed) {
    const shadow = kept.find((k) => k.candidate.targetClass === item.candidate.targetClass && overlapShare(k.candidate.rows, item.candidate.rows) >= 0.8);
    if (!shadow) kept.push(item);
  }
  return kept;
}

/** Flip gap weighted by support; a conjunction must do better than a part of it to be named first. */
function strength(item: Probed): number {
  return (item.probe.flipRate - item.probe.referenceFlipRate) * Math.log(1 + item.candidate.rows.length) - 0.01 * (item.candidate.parts.length - 1);
}

/**
 * The model's say on the rule findings behind each single-column candidate: confirmed raises
 * them to high, suspected to medium (with a sentence why); without a baseline, a finding with no
 * strong label-free signal whose value the model ignores is natural structure and drops to info.
 */
function adjustments(probed: readonly Probed[], withBaseline: boolean): FindingAdjustment[] {
  const result: FindingAdjustment[] = [];
  const decided = new Set<Finding>();
  const ordered = [...probed].sort((a, b) => Number(b.confirmed) - Number(a.confirmed) || Number(b.suspected) - Number(a.suspected));
  for (const item of ordered) {
    const check = {
      flipRate: round(item.probe.flipRate),
      referenceFlipRate: round(item.probe.referenceFlipRate),
      confirmed: item.confirmed,
      suspected: item.suspected,
      implausible: item.implausible.why,
    };
    for (const finding of item.candidate.findings) {
      if (decided.has(finding)) continue;
      if (item.confirmed) {
        decided.add(finding);
        result.push({ finding, severity: maxSeverity(finding.severity, 'high'), note: null, modelCheck: check });
      } else if (item.suspected) {
        decided.add(finding);
        result.push({
          finding,
          severity: maxSeverity(finding.severity, 'medium'),
          note:
            `Suspected trigger: it moves ${percent(item.probe.flipRate)} of probes to that class under the candidate model, ` +
            `${percent(item.probe.referenceFlipRate)} under the reference (below the confirmation thresholds).`,
          modelCheck: check,
        });
      } else if (item.candidate.parts.length === 1) {
        const weakOnly = !withBaseline && !hasStrongSignal(item.candidate);
        decided.add(finding);
        result.push({ finding, severity: weakOnly && finding.severity === 'medium' ? 'info' : finding.severity, note: null, modelCheck: check });
      }
    }
  }
  return result;
}

/**
 * Without a baseline, a weak candidate (a spike, no strong signal) that did not fit the probe
 * budget cannot be confirmed or vetoed: its findings are kept, at low.
 */
function unprobed(leftOut: readonly TriggerCandidate[], withBaseline: boolean): FindingAdjustment[] {
  if (withBaseline) return [];
  return leftOut.flatMap((c) =>
    c.findings
      .filter((finding) => severityRank(finding.severity) > severityRank('low'))
      .map((finding) => ({ finding, severity: 'low' as const, note: 'Not probed by the model (beyond the candidate budget; see model.leftOut).', modelCheck: { probed: false } })),
  );
}

function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** Accuracy and agreement are measured on at most this many held-out rows (within about half a point). */
const COMPARISON_ROWS = 20_000;

function compare(models: Models, aligned: AlignedData, keys: Float64Array, seed: number): Record<string, unknown>[] {
  const { evaluation } = models;
  const heldOut = contentSample(models.heldOut, COMPARISON_ROWS, keys, seed ^ 0xc0de);
  const candidatePredictions = models.candidate.predictClassRows(evaluation.features, heldOut);
  const referencePredictions = models.reference.predictClassRows(evaluation.features, heldOut);
  let agree = 0;
  for (let i = 0; i < heldOut.length; i++) if (candidatePredictions[i] === referencePredictions[i]) agree++;
  const describe = (name: string, predictions: Int32Array): Record<string, unknown> => ({
    name,
    accuracy: round(accuracy(evaluation.labels, heldOut, predictions)),
    recall: Array.from(perClassRecall(evaluation.labels, heldOut, predictions, aligned.classCount), (r) => round(r)),
    agreement: round(heldOut.length ? agree / heldOut.length : 0),
    rows: heldOut.length,
  });
  return [describe(models.referenceKind === 'baseline' ? 'baseline' : 'cleaned', referencePredictions), describe('candidate', candidatePredictions)];
}

function implicatedRows(rowCount: number, findings: readonly Finding[], candidates: readonly TriggerCandidate[]): Uint8Array {
  const marked = new Uint8Array(rowCount);
  for (const finding of findings) if (severityRank(finding.severity) >= severityRank('high')) for (const row of finding.rows) marked[row] = 1;
  for (const c of candidates) for (const row of c.carriers) marked[row] = 1;
  return marked;
}

function labelledRows(labels: Int32Array): Uint32Array {
  const rows: number[] = [];
  for (let row = 0; row < labels.length; row++) if (labels[row] >= 0) rows.push(row);
  return Uint32Array.from(rows);
}

/** A stratified sample of at most MAX_TRAINING_ROWS of the given rows, in content order. */
function cap(rows: Uint32Array, labels: Int32Array, keys: Float64Array, seed: number): Uint32Array {
  if (rows.length <= MAX_TRAINING_ROWS) return contentOrder(rows, keys, seed + 7);
  const keep = MAX_TRAINING_ROWS / rows.length;
  return contentOrder(contentSplit(labels, 1 - keep, keys, seed + 7, rows).train, keys, seed + 7);
}
