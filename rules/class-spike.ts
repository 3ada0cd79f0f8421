/**
 * class-spike: a value (or narrow interval) much more frequent than expected in one class.
 *
 * A backdoor needs many rows that share a trigger value and one label. That leaves a spike in
 * the per-class histogram of the trigger's column: far more rows of the target class at that
 * value than the baseline (or, without one, the column's neighbouring values) lead us to expect.
 * Two-stage test (src/detect/spikes.ts): stage 1 asks whether the value's count is anomalous at
 * all (over all classes, or in one class, Bonferroni over every value tested); stage 2 asks, only
 * for screened values, whether their class mix is skewed (binomial, Bonferroni over the screened
 * ones), and requires most of the excess rows to be in the target class.
 * With a baseline, a value of an ordered column is tested twice: by the split of its rows
 * between the files, and, as without a baseline, against its neighbouring values in the
 * candidate (the split has little power for a value the baseline holds a row or two of, or none,
 * and a baseline must never hide what the candidate alone shows). So 60 rows at a new value, all
 * in one class, are a spike against any baseline; the minimum count, class-mix (against the
 * baseline's mix for the value) and purity tests still apply.
 *
 * Without a baseline, a value whose count is anomalous and whose rows are nearly all
 * (countOnlyMinShare, 95%) one class, but where that class already dominates the neighbourhood so
 * that the mix test lacks the rows to call it skewed (14 rows stamped into a continuous column
 * among rows that are 70% the class), is kept as a count-only spike: info, and a candidate for
 * the trigger search, whose rest-of-row test tells planted rows from natural ones. (With a
 * baseline the mix expected is the baseline's own for the value: a value new to it is skewed
 * against the prior, and one it holds in the same class is natural.)
 *
 * Severity: high with a baseline; without one, medium when the spike is large and pure and info
 * otherwise, since clean data has natural, nearly pure spikes (a fee amount, a code). A spike
 * that only the neighbour comparison finds is judged by that same strength test: medium when
 * strong, and high when the baseline never had the value (the baseline adds that it is new). The trigger search
 * then asks the models whether the value really decides the label.
 * Fix: drop the listed rows, or find out who wrote that value into that class.
 */
import { defineRule } from '../src/engine/rule.js';
import type { Severity } from '../src/engine/finding.js';
import type { TriggerHint, TriggerSignal } from '../src/engine/trigger-hint.js';
import { DEFAULT_SPIKE_OPTIONS, findSpikes, type Spike } from '../src/detect/spikes.js';
import { describeSpike, spikeEvidence } from '../src/detect/describe.js';

export default defineRule({
  id: 'class-spike',
  title: 'Value spikes concentrated in one class',
  severities: 'high (against the baseline), medium or info',
  docs: 'A value (or narrow range) whose count in one class far exceeds the baseline or its neighbouring values, with the excess rows almost all in that class: the footprint of a backdoor trigger or of targeted relabelling. Against neighbouring values the count in a class is judged by their counts and, in a heaped column, given the rows the value holds, at their class mix. With a baseline, values are also compared with their neighbouring values, as without one; a spike found only that way is medium when large and pure (95%+, 10x, 30+ rows), high when the baseline never had the value, info otherwise.',
  defaults: {
    ...DEFAULT_SPIKE_OPTIONS,
    /** Without a baseline, a spike is medium only when this pure, this large and this far above its neighbours (a value new to the baseline found only against its neighbours: high). */
    strongShare: 0.95,
    strongRatio: 10,
    strongMinRows: 30,
    strongMinRowShare: 0.002,
  },
  needsLabel: true,
  check(context) {
    const { candidate, baseline, options } = context;
    const spikes = findSpikes(candidate, baseline, (c) => context.baselineColumnOf(c), options);
    return spikes.map((spike) => ({
      severity: severityOf(spike, candidate.table.rowCount, options),
      column: candidate.table.columns[spike.column].name,
      value: spike.value,
      message: describeSpike(candidate, spike),
      rows: spike.rows,
      evidence: spikeEvidence(candidate, spike),
      trigger: triggerHint(spike),
    }));
  },
});

function severityOf(
  spike: Spike,
  rowCount: number,
  options: { strongShare: number; strongRatio: number; strongMinRows: number; strongMinRowShare: number },
): Severity {
  // Only the count stands out (the rows around it are mostly the class too): a candidate for the
  // model checks, which raise it if the model follows it and the rest of each row disagrees.
  if (spike.countOnly) return 'info';
  if (spike.reference === 'baseline' && !spike.neighboursOnly) return 'high';
  const excess = spike.classCount - spike.expectedClassCount;
  const strong =
    spike.classShare >= options.strongShare &&
    spike.ratio >= options.strongRatio &&
    excess >= Math.max(options.strongMinRows, options.strongMinRowShare * rowCount);
  // Found only against its neighbours: judged as without a baseline (natural pure spikes exist),
  // high when strong and the baseline never had the value.
  if (spike.neighboursOnly) return strong ? (isNewValue(spike) ? 'high' : 'medium') : 'info';
  return strong ? 'medium' : 'info';
}

/** The spike as a trigger candidate: a count spike, and a new value when the baseline never had it. */
function triggerHint(spike: Spike): TriggerHint {
  const signals: TriggerSignal[] = ['count-spike'];
  if (isNewValue(spike)) signals.push('new-value');
  return { column: spike.column, value: spike.value, range: spike.range, targetClass: spike.targetClass, signals, strength: -spike.logP / Math.LN10 };
}

/** Against a baseline that has no row of the value (or interval). */
function isNewValue(spike: Spike): boolean {
  return spike.reference === 'baseline' && spike.expectedTotal === 0;
}
