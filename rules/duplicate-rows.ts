/**
 * duplicate-rows: records repeated exactly (identifier columns ignored), and identifiers that
 * repeat.
 *
 * Exact copies over-weight some records and are how a dataset is padded. A few are natural
 * (empty accounts look alike), so the severity is low below `mediumShare` of the rows. A repeated
 * identifier means two records claim to be the same entity: medium, since one of them is a copy
 * or an edit. The rows reported are the later occurrences (the first of each group is kept).
 * Fix: deduplicate; for repeated identifiers, find which record is the real one.
 */
import { defineRule } from '../src/engine/rule.js';
import type { FindingDraft } from '../src/engine/finding.js';
import { groupEqualKeys } from '../src/engine/stats.js';
import { percent, round } from '../src/detect/describe.js';
import { MISSING_CODE } from '../src/table/table.js';

export default defineRule({
  id: 'duplicate-rows',
  title: 'Exact duplicate records and repeated identifiers',
  docs: 'Records that repeat exactly in every feature and the label, and identifier values that occur more than once.',
  defaults: { mediumShare: 0.01 },
  check({ candidate, options }) {
    const { stats, schema, table } = candidate;
    const findings: FindingDraft[] = [];
    const columns = schema.label ? [...schema.featureColumns, schema.label.column] : [...schema.featureColumns];
    if (columns.length > 0) {
      const [hi, lo] = stats.rowHash(columns);
      const groups = groupEqualKeys(hi, lo);
      const later = laterOccurrences(groups);
      if (later.length > 0) {
        const share = later.length / table.rowCount;
        findings.push({
          severity: share >= options.mediumShare ? 'medium' : 'low',
          message: `${later.length} records (${percent(share)}) repeat an earlier record exactly in ${groups.length} groups (identifier columns ignored).`,
          rows: later,
          evidence: { groups: groups.length, share: round(share), largestGroup: Math.max(...groups.map((g) => g.length)) },
        });
      }
    }
    for (const info of schema.columns) {
      if (info.kind !== 'identifier') continue;
      const index = stats.valueIndex(info.index);
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

function laterOccurrences(groups: number[][]): number[] {
  const rows: number[] = [];
  for (const group of groups) {
    const sorted = group.slice().sort((a, b) => a - b);
    rows.push(...sorted.slice(1));
  }
  return rows;
}
