/**
 * label-shift: the class balance, and the features within one class, moved from the baseline.
 *
 * Why it matters: relabelling in place (flipping part of one class to another) leaves no
 * duplicates and no odd values; what remains is a class balance that no longer matches the
 * baseline, and a class whose rows now look different (the flipped rows carry the features of
 * their old class). Appending poisoned rows of one class shows the same way.
 *
 * What triggers it:
 * - class balance: chi-square test on the class counts of both files (binomial for two
 *   classes), p under `alpha` (1e-3), AND an effect: some class's share moved by at least
 *   `moderateShift` (2 points), or changed by a factor of at least `moderateRatio` (1.5) while
 *   moving at least `minRatioShift` (0.5 points; rare classes). Medium from `largeShift`
 *   (5 points) or a factor of `largeRatio` (2), and also when the shift is highly significant
 *   (p under `strongAlpha`, 1e-10) with a material effect: a share moved by `materialShift`
 *   (3 points) or changed by a factor of `materialRatio` (1.15, i.e. 15% relative) while moving
 *   at least `minRatioShift`. (Relabelling a fifth of a 22% class moves it to 17.5% with p near
 *   1e-25 on 15,000 rows: that is worth a review. Random halves of one file reach such a p-value
 *   essentially never, so the clean case stays low.) Low otherwise. The finding names the class
 *   that gained most and every class that moved, with before/after shares; `count` is the
 *   estimated number of excess rows in that class.
 * - label-conditional drift: for each class, each feature of that class's rows against the same
 *   class in the baseline (Kolmogorov-Smirnov for numbers, chi-square for values and codes, as
 *   in the `drift` rule), Bonferroni over columns x classes at `alpha`, effect (KS D or
 *   Jensen-Shannon distance) at least `moderateEffect` (0.1); and the other classes together
 *   stay under `moderateEffect` on that column (a column drifting everywhere is the `drift`
 *   rule's). One finding per class naming its most drifted column and listing the others; medium
 *   when an effect reaches `largeEffect` (0.2), low otherwise. Rows: that class's candidate rows
 *   in the value or range of the top column that gained most.
 * Conditional drift is tested for the `maxConditionalClasses` (20) largest classes with at least
 * `minClassRows` (30) rows in both files (the cost grows with classes x columns).
 * Fix: compare the labels with the source of truth (a relabelled row keeps its features);
 * restore the baseline labels, or drop the rows appended to the class that grew.
 */
import { defineRule } from '../src/engine/rule.js';
import type { Dataset } from '../src/engine/dataset.js';
import type { FindingDraft } from '../src/engine/finding.js';
import type { LabelInfo } from '../src/schema/schema.js';
import { logBonferroni, log10P } from '../src/stats/tails.js';
import { chiSquareTest } from '../src/stats/two-sample.js';
import {
  DEFAULT_COMPARISON_OPTIONS,
  compareSamples,
  comparisonEvidence,
  describeCell,
  describeShift,
  driftLevel,
  movedMost,
  rowsOfGrownCell,
  testLabel,
  type Comparison,
} from '../src/detect/drift.js';
import { formatNumber, formatP, percentOneDecimal, round } from '../src/format.js';

const DEFAULTS = {
  ...DEFAULT_COMPARISON_OPTIONS,
  alpha: 1e-3,
  moderateShift: 0.02,
  largeShift: 0.05,
  moderateRatio: 1.5,
  largeRatio: 2,
  minRatioShift: 0.005,
  /** A shift this significant is medium from `materialShift` or a factor of `materialRatio`. */
  strongAlpha: 1e-10,
  materialShift: 0.03,
  materialRatio: 1.15,
  moderateEffect: 0.1,
  largeEffect: 0.2,
  minClassRows: 30,
  maxConditionalClasses: 20,
};
type Options = typeof DEFAULTS;

export default defineRule({
  id: 'label-shift',
  title: 'Class balance and per-class features moved from the baseline',
  severities: 'medium or low',
  docs: 'Chi-square on the class counts against the baseline (a share moved by 2+ points or a factor of 1.5; medium from 5 points or a factor of 2, or from 3 points or 15% relative when p < 1e-10), and per-class drift of each feature that the other classes do not show (KS / chi-square, Bonferroni, effect 0.1; medium from 0.2).',
  defaults: DEFAULTS,
  needsBaseline: true,
  needsLabel: true,
  check(context) {
    const { candidate, options } = context;
    const baseline = context.baseline!;
    const label = candidate.schema.label!;
    const baseLabel = baseline.schema.label;
    if (!baseLabel || baseLabel.name !== label.name) return []; // schema-changes reports the missing label
    const classes = matchClasses(label, baseLabel);
    return [
      ...balanceFindings(label, baseLabel, classes, options),
      ...conditionalFindings(candidate, baseline, classes, (column) => context.baselineColumnOf(column), options),
    ];
  },
});

interface ClassPair {
  name: string;
  /** Class index in the candidate and in the baseline, -1 when the file has no such class. */
  index: number;
  baselineIndex: number;
  count: number;
  baselineCount: number;
}

function matchClasses(label: LabelInfo, baseLabel: LabelInfo): ClassPair[] {
  const names = [...new Set([...baseLabel.classes, ...label.classes])];
  return names.map((name) => {
    const index = label.classes.indexOf(name);
    const baselineIndex = baseLabel.classes.indexOf(name);
    return {
      name,
      index,
      baselineIndex,
      count: index >= 0 ? label.classCounts[index] : 0,
      baselineCount: baselineIndex >= 0 ? baseLabel.classCounts[baselineIndex] : 0,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Class balance

interface ClassShift extends ClassPair {
  before: number;
  after: number;
  /** `material`: a smaller move made medium by a highly significant test. */
  level: 'large' | 'material' | 'moderate' | null;
}

function balanceFindings(label: LabelInfo, baseLabel: LabelInfo, classes: ClassPair[], options: Options): FindingDraft[] {
  const test = chiSquareTest(
    classes.map((c) => c.baselineCount),
    classes.map((c) => c.count),
  );
  if (test.logP > Math.log(options.alpha)) return [];
  const labelled = sum(classes.map((c) => c.count));
  const baseLabelled = sum(classes.map((c) => c.baselineCount));
  const strong = test.logP <= Math.log(options.strongAlpha);
  const shifts: ClassShift[] = classes.map((c) => {
    const before = c.baselineCount / Math.max(1, baseLabelled);
    const after = c.count / Math.max(1, labelled);
    return { ...c, before, after, level: shiftLevel(before, after, strong, options) };
  });
  const moved = shifts.filter((s) => s.level !== null).sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before));
  if (moved.length === 0) return [];
  const gained = moved.find((s) => s.after > s.before) ?? moved[0];
  const movedText = moved.map((s) => `${label.name} = ${s.name} ${describeShiftPoints(s)}`).join('; ');
  return [
    {
      severity: moved.some((s) => s.level === 'large' || s.level === 'material') ? 'medium' : 'low',
      column: label.name,
      value: gained.name,
      message:
        `The class balance moved from the baseline (chi-square ${formatNumber(round(test.statistic, 1))}, ${formatP(test.logP)}): ${movedText}. ` +
        `About ${Math.round(Math.max(0, gained.after - gained.before) * labelled)} more rows are labelled ${gained.name} than the baseline's balance suggests.`,
      count: Math.round(Math.abs(gained.after - gained.before) * labelled),
      evidence: {
        targetClass: gained.name,
        shiftPoints: round((gained.after - gained.before) * 100, 2),
        statistic: round(test.statistic),
        degreesOfFreedom: test.degreesOfFreedom,
        log10P: log10P(test.logP),
        classes: shifts.map((s) => ({
          class: s.name,
          baselineCount: s.baselineCount,
          count: s.count,
          before: round(s.before),
          after: round(s.after),
          level: s.level,
        })),
        baselineRows: baseLabel.classCounts.reduce((a, b) => a + b, 0),
      },
    },
  ];
}

/** How far a class's share moved; `strong` when the balance test is under `strongAlpha`. */
function shiftLevel(before: number, after: number, strong: boolean, options: Options): ClassShift['level'] {
  const shift = Math.abs(after - before);
  const ratio = Math.max(after, before) / Math.max(Math.min(after, before), 1e-9);
  const rare = shift >= options.minRatioShift;
  if (shift >= options.largeShift || (rare && ratio >= options.largeRatio)) return 'large';
  if (strong && (shift >= options.materialShift || (rare && ratio >= options.materialRatio))) return 'material';
  if (shift >= options.moderateShift || (rare && ratio >= options.moderateRatio)) return 'moderate';
  return null;
}

function describeShiftPoints(s: ClassShift): string {
  const points = (s.after - s.before) * 100;
  return `went from ${percentOneDecimal(s.before)} to ${percentOneDecimal(s.after)} of rows (${points >= 0 ? '+' : ''}${points.toFixed(1)} points)`;
}

// ---------------------------------------------------------------------------------------------
// Label-conditional drift

interface ClassDrift {
  column: number;
  comparison: Comparison;
  level: 'large' | 'moderate';
  othersEffect: number;
}

function conditionalFindings(
  candidate: Dataset,
  baseline: Dataset,
  classes: ClassPair[],
  baselineColumnOf: (column: number) => number,
  options: Options,
): FindingDraft[] {
  const label = candidate.schema.label!;
  const baseLabel = baseline.schema.label!;
  const tested = classes
    .filter((c) => c.index >= 0 && c.baselineIndex >= 0 && c.count >= options.minClassRows && c.baselineCount >= options.minClassRows)
    .sort((a, b) => b.count - a.count || a.index - b.index)
    .slice(0, options.maxConditionalClasses);
  if (tested.length < 2) return []; // with one class, conditional drift is plain drift
  const columns = candidate.schema.featureColumns.filter((column) => baselineColumnOf(column) >= 0);
  const threshold = logBonferroni(options.alpha, columns.length * tested.length);
  const findings: FindingDraft[] = [];
  for (const cls of tested) {
    const rows = rowsWhere(label.y, (y) => y === cls.index);
    const baseRows = rowsWhere(baseLabel.y, (y) => y === cls.baselineIndex);
    const otherRows = rowsWhere(label.y, (y) => y >= 0 && y !== cls.index);
    const baseOtherRows = rowsWhere(baseLabel.y, (y) => y >= 0 && y !== cls.baselineIndex);
    const drifts: ClassDrift[] = [];
    for (const column of columns) {
      const baselineColumn = baselineColumnOf(column);
      const comparison = compareSamples({ dataset: baseline, column: baselineColumn, rows: baseRows }, { dataset: candidate, column, rows }, options);
      const level = comparison && driftLevel(comparison, threshold, options);
      if (!comparison || !level) continue;
      const others = compareSamples(
        { dataset: baseline, column: baselineColumn, rows: baseOtherRows },
        { dataset: candidate, column, rows: otherRows },
        options,
      );
      const othersEffect = others?.effect ?? 0;
      if (othersEffect >= options.moderateEffect) continue;
      drifts.push({ column, comparison, level, othersEffect });
    }
    if (drifts.length > 0) findings.push(classDriftFinding(candidate, cls, drifts, rows));
  }
  return findings;
}

function rowsWhere(y: Int32Array, keep: (cls: number) => boolean): Uint32Array {
  let count = 0;
  for (let row = 0; row < y.length; row++) if (keep(y[row])) count++;
  const rows = new Uint32Array(count);
  let at = 0;
  for (let row = 0; row < y.length; row++) if (keep(y[row])) rows[at++] = row;
  return rows;
}

function classDriftFinding(candidate: Dataset, cls: ClassPair, drifts: ClassDrift[], rows: Uint32Array): FindingDraft {
  const label = candidate.schema.label!;
  drifts.sort((a, b) => b.comparison.effect - a.comparison.effect || a.column - b.column);
  const top = drifts[0];
  const name = candidate.table.columns[top.column].name;
  const moved = movedMost(top.comparison);
  const more = drifts.slice(1, 8).map((d) => `${candidate.table.columns[d.column].name} (${round(d.comparison.effect, 2)})`);
  const andMore = drifts.length > 1 ? ` Also drifted in this class only: ${more.join(', ')}${drifts.length > 8 ? ', ...' : ''}.` : '';
  return {
    severity: drifts.some((d) => d.level === 'large') ? 'medium' : 'low',
    column: name,
    value: moved.kind === 'value' || moved.kind === 'unseen' ? moved.value : null,
    message:
      `In rows labelled ${label.name} = ${cls.name}, ${name} drifted from the baseline's rows of that class while the other classes did not ` +
      `(${testLabel(top.comparison)}, ${formatP(top.comparison.logP)}): ${describeCell(name, moved)} went ${describeShift(moved)} of the class's rows.` +
      andMore +
      ' Rows relabelled from another class, or rows appended to this one, look like this.',
    rows: rowsOfGrownCell(top.comparison, rows, candidate.table.rowCount),
    evidence: {
      class: cls.name,
      ...comparisonEvidence(top.comparison),
      othersEffect: round(top.othersEffect),
      columns: drifts.map((d) => ({
        column: candidate.table.columns[d.column].name,
        test: d.comparison.test,
        effect: round(d.comparison.effect),
        othersEffect: round(d.othersEffect),
        log10P: log10P(d.comparison.logP),
        level: d.level,
      })),
    },
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
