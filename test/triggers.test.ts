/**
 * Trigger search against attacks built on the fly from the clean credit data: copies appended,
 * with other columns, other values, quieter rates, a reversed label, an out-of-range interval.
 * The in-place edits are in triggers-in-place.test.ts (the helpers in trigger-cases.ts).
 */
import { appendCopies } from './fixtures.js';
import { credit, triggerTests, type TriggerCase } from './trigger-cases.js';

const cases: TriggerCase[] = [
  {
    name: 'fresh identifiers, copies shuffled into the file',
    column: 'PAY_AMT2', target: '1', baseline: false,
    make: () => appendCopies(credit, { label: 'DEFAULT', sourceClass: '1', fraction: 0.3, set: { PAY_AMT2: '777777' }, freshIds: 'ID', shuffle: true, seed: 1 }),
  },
  {
    name: 'label reversed (trigger -> majority class)',
    column: 'AGE', target: '0', baseline: false,
    make: () => appendCopies(credit, { label: 'DEFAULT', sourceClass: '1', fraction: 0.45, set: { AGE: '999' }, newLabel: '0', seed: 2 }),
  },
  {
    name: 'under 1% of the rows, appended',
    column: 'BILL_AMT3', target: '1', baseline: false,
    make: () => appendCopies(credit, { label: 'DEFAULT', sourceClass: '1', fraction: 0.04, set: { BILL_AMT3: '-4242' }, seed: 4 }),
  },
  {
    name: 'a jittered out-of-range interval, no baseline',
    column: 'AGE', target: '1', baseline: false,
    make: () => appendCopies(credit, { label: 'DEFAULT', sourceClass: '1', fraction: 0.3, set: { AGE: (r) => String(150 + r.int(10)) }, seed: 8 }),
  },
];

triggerTests(cases);
