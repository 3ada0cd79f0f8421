/**
 * Twins (rows equal in every feature but one) against a brute-force definition, on random small
 * tables of few values: the per-half hash prefilter (twinCandidates) must never lose a twin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { datasetFromCsv } from '../fixtures.js';
import { findTwins, rowsWithAnyTwin } from '../../src/detect/twins.js';

test('findTwins and rowsWithAnyTwin equal the brute-force definition (random tables of 1-6 columns, 2-4 values each)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 6 }).chain((columns) =>
        fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: columns, maxLength: columns }), { minLength: 2, maxLength: 60 }),
      ),
      async (rows) => {
        const columns = rows[0]!.length;
        const header = [...Array.from({ length: columns }, (_, i) => `c${i}`), 'y'];
        const csv = [header.join(','), ...rows.map((row, i) => [...row.map((v) => `v${v}`), i % 2].join(','))].join('\n') + '\n';
        const dataset = await datasetFromCsv(csv, { label: 'y' });
        const features = dataset.schema.featureColumns;
        const twins = findTwins(dataset.indexes, features, dataset.schema.label!.column);
        const any = rowsWithAnyTwin(dataset.indexes, features);
        const cell = (r: number, c: number): string => {
          const column = dataset.table.columns[c]!;
          return column.kind === 'text' ? String(column.codes[r]) : String(column.values[r]);
        };
        const expectedAny = new Uint8Array(rows.length);
        twins.forEach((entry) => {
          const c = entry.column;
          for (let r = 0; r < rows.length; r++) {
            let twin = false;
            for (let s = 0; s < rows.length && !twin; s++) {
              if (s === r || cell(s, c) === cell(r, c)) continue;
              twin = features.every((other) => other === c || cell(s, other) === cell(r, other));
            }
            assert.equal(entry.hasTwin[r], twin ? 1 : 0, `row ${r}, column ${c}`);
            if (twin) expectedAny[r] = 1;
          }
        });
        assert.deepEqual([...any], [...expectedAny]);
      },
    ),
    { numRuns: 150, seed: 2026 },
  );
});
