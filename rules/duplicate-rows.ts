/**
 * duplicate-rows: records repeated exactly (identifier columns ignored), and identifiers that
 * repeat.
 *
 * Exact copies over-weight some records and are how a dataset is padded or one class is
 * up-weighted. Real data repeat records naturally (coarse measurements, steady sensor readings,
 * records listed twice), so the duplicates are low (hygiene) unless they exceed what the data or
 * the baseline explain:
 * - Without a baseline, the excess per class. Natural duplicates follow the classes roughly:
 *   by their sizes, or, where one class's records are coarser, by how many of its rows have a
 *   near-duplicate (a row differing in one feature; exact copies do not create those). The
 *   expected share of the D duplicates in class k is the larger of its share of the rows and its
 *   share of the rows with a near-duplicate (shrunk toward the class shares with the weight of
 *   `twinPriorRows` rows). Medium when, for one class, its duplicates close at least `skewGap` of
 *   the gap from that share to all of them, their excess over the expected count is at least
 *   `minExcessShare` of the rows, and the binomial tail of its count is below `alpha` (Bonferroni
 *   over the classes; on the effective count, since the records of one group share a label):
 *   a copying attack duplicates one class.
 * - With a baseline, the baseline's duplicate share, scaled up by the size ratio when the
 *   candidate is larger (chance collisions grow with the rows). Medium when the candidate's share
 *   is at least `mediumShare`, at least `baselineRatio` times that, and significantly above it
 *   (conditional binomial test of the two counts at `alpha`).
 * A repeated identifier means two records claim to be the same entity: medium, since one of them
 * is a copy or an edit. The rows reported are the later occurrences (the first of each group is
 * kept).
 * Fix: deduplicate; if the copies are of one class, find out who added them; for repeated
 * identifiers, find which record is the real one.
 */
import { defineRule, type RuleContext } from '../src/engine/rule.js';
import type { Dataset } from '../src/engine/dataset.js';
import type { FindingDraft } from '../src/engine/finding.js';
import { groupEqualKeys } from '../src/engine/indexes.js';
import { rowsWithAnyTwin } from '../src/detect/twins.js';
import { percent, round } from '../src/format.js';
import { log10P, logBinomialUpper, logBonferroni } from '../src/stats/tails.js';
import { MISSING_CODE } from '../src/table/table.js';

const DEFAULTS = { mediumShare: 0.01, skewGap: 0.5, minExcessShare: 0.01, twinPriorRows: 20, baselineRatio: 2, alpha: 0.01 };
type Options = typeof DEFAULTS;

export default defineRule({
  id: 'duplicate-rows',
  title: 'Exact duplicate records and repeated identifiers',
  severities: 'medium or low',
  docs:
    'Records that repeat exactly in every feature and the label, and identifier values that occur more than once. ' +
    'Duplicates are low (hygiene: coarse or steady measurements repeat) unless they exceed what the data explain: without a baseline, medium when one class holds far more of them ' +
    "than its size and its rows' near-duplicates predict (closing skewGap of the gap to all of them, an excess of at least minExcessShare of the rows, significant at alpha on the effective count, the records of one group sharing a label); " +
    'with a baseline, medium when their share is at least mediumShare, baselineRatio times the baseline share (scaled to the candidate size) and significantly above it. ' +
    'A repeated identifier is medium. Fix: deduplicate; if the copies are of one class, find out who added them; for identifiers, find which record is the real one.',
  defaults: DEFAULTS,
  check(context) {
    const { candidate } = context;
    const { indexes, schema, table } = candidate;
    const findings: FindingDraft[] = [];
    const later = duplicateRows(candidate);
    if (later && later.length > 0) {
      const groups = later.groups;
      const share = later.length / table.rowCount;
      const verdict = context.baseline ? againstBaseline(context, later.length) : classExcess(context, later.groups);
      findings.push({
        severity: verdict.suspicious ? 'medium' : 'low',
        message: `${later.length} records (${percent(share)}) repeat an earlier record exactly in ${groups.length} groups (identifier columns ignored); ${verdict.text}.`,
        rows: later.rows,
        evidence: {
          groups: groups.length,
          share: round(share),
          largestGroup: groups.reduce((largest, g) => Math.max(largest, g.length), 0),
          ...verdict.evidence,
        },
      });
    }
    for (const info of schema.columns) {
      if (info.kind !== 'identifier') continue;
      const index = indexes.valueIndex(info.index);
      const seen = new Uint8Array(index.values.length);
      const repeated: number[] = [];
      for (let row = 0; row < table.rowCount; row++) {
        const id = index.ids[row];
        if (id === MISSING_CODE) continue;
        if (seen[id]) repeated.push(row);
        seen[id] = 1;
      }
      if (repeated.length === 0) continue;
      const values = new Set(repeated.map((row) => index.ids[row])).size;
      findings.push({
        severity: 'medium',
        column: info.name,
        message: `${values} values of the identifier ${info.name} occur more than once (${repeated.length} later occurrences).`,
        rows: repeated,
        evidence: { repeatedValues: values, sample: repeated.slice(0, 5).map((row) => index.values[index.ids[row]]) },
      });
    }
    return findings;
  },
});

interface Verdict {
  suspicious: boolean;
  text: string;
  evidence: Record<string, unknown>;
}

/** The later occurrences of exactly repeated records (features and label), or null without columns. */
function duplicateRows(dataset: Dataset): { rows: number[]; groups: number[][]; length: number } | null {
  const { schema, indexes } = dataset;
  const columns = schema.label ? [...schema.recordColumns, schema.label.column] : [...schema.recordColumns];
  if (columns.length === 0) return null;
  const [hi, lo] = indexes.rowHash(columns);
  const groups = groupEqualKeys(hi, lo);
  const rows: number[] = [];
  for (const group of groups) {
    const sorted = group.slice().sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) rows.push(sorted[i]);
  }
  return { rows, groups, length: rows.length };
}

/**
 * Without a baseline: does one class hold far more of the duplicates than the data explain? The
 * class sizes are tried first; only a class that stands out against them is tried against its
 * near-duplicates too (the coarser a class's records, the more of them repeat by nature).
 */
function classExcess(context: RuleContext<Options>, groups: readonly number[][]): Verdict {
  const { candidate, options } = context;
  const label = candidate.schema.label;
  const natural = 'exact repeats are common in coarse or steady measurements';
  if (!label) return { suspicious: false, text: natural, evidence: { baselineShare: null } };
  const classCount = label.classes.length;
  const duplicates = new Array<number>(classCount).fill(0);
  // A group's records share one label, so the later occurrences are not independent draws of a
  // class: a natural heap of 15 identical records is one piece of evidence, not 14. The test runs
  // on the effective count (Kish's design effect over the group sizes); a copying attack, whose
  // copies mostly make groups of two, keeps its full count.
  let sumSquares = 0;
  for (const group of groups) {
    const y = label.y[group[0]];
    if (y < 0) continue;
    const later = group.length - 1;
    duplicates[y] += later;
    sumSquares += later * later;
  }
  const total = duplicates.reduce((a, b) => a + b, 0);
  const effective = sumSquares > 0 ? (total * total) / sumSquares : 0;
  const labelled = label.classCounts.reduce((a, b) => a + b, 0);
  const threshold = logBonferroni(options.alpha, classCount);
  const rowCount = candidate.table.rowCount;
  const test = (k: number, expectedShare: number) => {
    const expected = total * expectedShare;
    const logP = logBinomialUpper(Math.round((duplicates[k] * effective) / total), Math.round(effective), expectedShare);
    const strong =
      duplicates[k] >= expectedShare * total + options.skewGap * (1 - expectedShare) * total &&
      duplicates[k] - expected >= options.minExcessShare * rowCount &&
      logP <= threshold;
    return { strong, expected, logP };
  };
  let twinShares: number[] | null = null;
  let best: { k: number; expected: number; logP: number; strong: boolean } | null = null;
  for (let k = 0; k < classCount; k++) {
    if (duplicates[k] === 0) continue;
    const prior = label.classCounts[k] / Math.max(1, labelled);
    let result = test(k, prior);
    if (result.strong) {
      twinShares ??= classSharesOfTwins(candidate, options.twinPriorRows);
      result = test(k, Math.max(prior, twinShares[k]));
    }
    const excess = duplicates[k] - result.expected;
    if (!best || (result.strong && !best.strong) || (result.strong === best.strong && excess > duplicates[best.k] - best.expected)) best = { k, ...result };
  }
  if (!best) return { suspicious: false, text: natural, evidence: { baselineShare: null } };
  const className = label.classes[best.k];
  const evidence = {
    targetClass: className,
    classDuplicates: duplicates[best.k],
    expectedClassDuplicates: round(best.expected),
    excessRows: round(duplicates[best.k] - best.expected),
    effectiveRecords: round(effective),
    log10P: log10P(best.logP),
    baselineShare: null,
  };
  if (best.strong) {
    return {
      suspicious: true,
      text:
        `${duplicates[best.k]} of them have ${label.name} = ${className}, where the class sizes and the classes' near-duplicates predict about ` +
        `${Math.round(best.expected)}: copies of one class`,
      evidence,
    };
  }
  return {
    suspicious: false,
    text: `${natural}; ${label.name} = ${className} holds ${duplicates[best.k]} of them where about ${Math.round(best.expected)} are expected, not enough to point to copies of one class`,
    evidence,
  };
}

/**
 * Each class's share of the rows that have a near-duplicate, shrunk toward its share of the rows
 * with the weight of `priorRows` rows (few near-duplicates say little).
 */
function classSharesOfTwins(dataset: Dataset, priorRows: number): number[] {
  const label = dataset.schema.label!;
  const marked = rowsWithAnyTwin(dataset.indexes, dataset.schema.featureColumns);
  const twins = new Array<number>(label.classes.length).fill(0);
  for (let row = 0; row < marked.length; row++) if (marked[row] && label.y[row] >= 0) twins[label.y[row]]++;
  const total = twins.reduce((a, b) => a + b, 0);
  const labelled = label.classCounts.reduce((a, b) => a + b, 0);
  return twins.map((count, k) => (count + (priorRows * label.classCounts[k]) / Math.max(1, labelled)) / (total + priorRows));
}

/**
 * With a baseline: the candidate's duplicates against the baseline's, the baseline's share scaled
 * by the size ratio when the candidate is larger. Significance: given both counts, the
 * candidate's is binomial with p = r n / (r n + m) under equal (scaled) rates (n, m the row
 * counts, r the scale).
 */
function againstBaseline(context: RuleContext<Options>, count: number): Verdict {
  const { candidate, options } = context;
  const baseline = context.baseline!;
  const baseRows = baseline.table.rowCount;
  const baseCount = baseRows > 0 ? (duplicateRows(baseline)?.length ?? 0) : 0;
  const rows = candidate.table.rowCount;
  const baseShare = baseRows > 0 ? baseCount / baseRows : 0;
  const scale = baseRows > 0 ? Math.max(1, rows / baseRows) : 1;
  const expectedShare = baseShare * scale;
  const logP = baseRows > 0 ? logBinomialUpper(count, count + baseCount, (scale * rows) / (scale * rows + baseRows)) : 0;
  const share = count / Math.max(1, rows);
  const suspicious = baseRows > 0 && share >= options.mediumShare && share >= options.baselineRatio * expectedShare && logP <= Math.log(options.alpha);
  const sizeNote = scale > 1 ? ` (${percent(expectedShare)} at this file's size)` : '';
  return {
    suspicious,
    text: `the baseline has ${percent(baseShare)}${sizeNote}` + (suspicious ? ': far more repeats than the baseline explains' : ''),
    evidence: { baselineShare: round(baseShare), expectedShare: round(expectedShare), log10P: log10P(logP) },
  };
}
