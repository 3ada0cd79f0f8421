/**
 * duplicate-rows: records repeated exactly (identifier columns ignored), and identifiers that
 * repeat.
 *
 * Exact copies over-weight some records and are how a dataset is padded. Some are natural (empty
 * accounts look alike; coarse measurements repeat), so the severity is low unless the copies are
 * at least `mediumShare` of the rows AND either lean to one class (the class of the copies closes
 * half the gap from its prior share to 1) or are twice the baseline's duplicate share. A repeated
 * identifier means two records claim to be the same entity: medium, since one of them is a copy
 * or an edit. The rows reported are the later occurrences (the first of each group is kept).
 * Fix: deduplicate; for repeated identifiers, find which record is the real one.
 */
import { defineRule, type RuleContext } from '../src/engine/rule.js';
import type { Dataset } from '../src/engine/dataset.js';
import type { FindingDraft } from '../src/engine/finding.js';
import { groupEqualKeys } from '../src/engine/indexes.js';
import { percent, round } from '../src/detect/describe.js';
import { MISSING_CODE } from '../src/table/table.js';

export default defineRule({
  id: 'duplicate-rows',
  title: 'Exact duplicate records and repeated identifiers',
  docs: 'Records that repeat exactly in every feature and the label, and identifier values that occur more than once.',
  defaults: { mediumShare: 0.01 },
  check(context) {
    const { candidate, options } = context;
    const { indexes, schema, table } = candidate;
    const findings: FindingDraft[] = [];
    const columns = schema.label ? [...schema.featureColumns, schema.label.column] : [...schema.featureColumns];
    if (columns.length > 0) {
      const [hi, lo] = indexes.rowHash(columns);
      const groups = groupEqualKeys(hi, lo);
      const later = laterOccurrences(groups);
      if (later.length > 0) {
        const share = later.length / table.rowCount;
        const suspicious = share >= options.mediumShare && (skewedToOneClass(candidate, later) || aboveBaseline(context, share));
        findings.push({
          severity: suspicious ? 'medium' : 'low',
          message: `${later.length} records (${percent(share)}) repeat an earlier record exactly in ${groups.length} groups (identifier columns ignored).`,
          rows: later,
          evidence: { groups: groups.length, share: round(share), largestGroup: groups.reduce((largest, g) => Math.max(largest, g.length), 0) },
        });
      }
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

function skewedToOneClass(candidate: Dataset, rows: number[]): boolean {
  const label = candidate.schema.label;
  if (!label) return false;
  const counts = new Array<number>(label.classes.length).fill(0);
  for (const row of rows) if (label.y[row] >= 0) counts[label.y[row]]++;
  const labelled = label.classCounts.reduce((a, b) => a + b, 0);
  return counts.some((count, t) => {
    const prior = label.classCounts[t] / Math.max(1, labelled);
    return count / Math.max(1, rows.length) >= prior + 0.5 * (1 - prior);
  });
}

function aboveBaseline(context: RuleContext<{ mediumShare: number }>, share: number): boolean {
  const baseline = context.baseline;
  if (!baseline) return false;
  const columns = baseline.schema.label ? [...baseline.schema.featureColumns, baseline.schema.label.column] : [...baseline.schema.featureColumns];
  if (columns.length === 0) return false;
  const [hi, lo] = baseline.indexes.rowHash(columns);
  const baseShare = laterOccurrences(groupEqualKeys(hi, lo)).length / baseline.table.rowCount;
  return share > 2 * baseShare;
}

function laterOccurrences(groups: number[][]): number[] {
  const rows: number[] = [];
  for (const group of groups) {
    const sorted = group.slice().sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) rows.push(sorted[i]);
  }
  return rows;
}
