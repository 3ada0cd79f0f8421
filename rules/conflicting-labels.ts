/**
 * conflicting-labels: records identical in every feature but carrying different labels.
 *
 * A model cannot learn both; one label is wrong. Copies with a flipped label ("dirty-label
 * twins") are a poisoning technique, while a few conflicts are natural (records with no
 * information, such as all-zero accounts). Severity is low below `mediumShare` of the rows,
 * medium above. The rows reported are the members of each group whose label is not the group's
 * most common one.
 * Fix: decide the true label of each group, or drop the groups.
 */
import { defineRule } from '../src/engine/rule.js';
import { groupEqualKeys } from '../src/engine/indexes.js';
import { percent, round } from '../src/detect/describe.js';

export default defineRule({
  id: 'conflicting-labels',
  title: 'Identical features, different labels',
  docs: 'Groups of records equal in every feature whose labels disagree.',
  defaults: { mediumShare: 0.005 },
  needsLabel: true,
  check({ candidate, options }) {
    const { indexes, schema, table } = candidate;
    const label = schema.label!;
    if (schema.featureColumns.length === 0) return [];
    const [hi, lo] = indexes.rowHash(schema.featureColumns);
    let conflictingGroups = 0;
    let rowsInConflict = 0;
    const minorityRows: number[] = [];
    for (const group of groupEqualKeys(hi, lo)) {
      const counts = new Map<number, number>();
      for (const row of group) if (label.y[row] >= 0) counts.set(label.y[row], (counts.get(label.y[row]) ?? 0) + 1);
      if (counts.size < 2) continue;
      conflictingGroups++;
      rowsInConflict += group.length;
      const majority = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
      for (const row of group) if (label.y[row] >= 0 && label.y[row] !== majority) minorityRows.push(row);
    }
    if (conflictingGroups === 0) return [];
    const share = rowsInConflict / table.rowCount;
    return [
      {
        severity: share >= options.mediumShare ? 'medium' : 'low',
        message: `${conflictingGroups} groups of identical records (${rowsInConflict} rows, ${percent(share)}) disagree on ${label.name}.`,
        rows: minorityRows,
        count: rowsInConflict,
        evidence: { groups: conflictingGroups, rowsInConflict, share: round(share) },
      },
    ];
  },
});
