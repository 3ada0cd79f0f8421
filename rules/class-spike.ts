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
 *
 * Severity: high with a baseline; without one, medium when the spike is large and pure and info
 * otherwise, since clean data has natural, nearly pure spikes (a fee amount, a code). The trigger search
 * then asks the models whether the value really decides the label.
 * Fix: drop the listed rows, or find out who wrote that value into that class.
 */
import { defineRule } from '../src/engine/rule.js';
import type { Severity } from '../src/engine/finding.js';
import { DEFAULT_SPIKE_OPTIONS, findSpikes, type Spike } from '../src/detect/spikes.js';
import { describeSpike, spikeEvidence } from '../src/detect/describe.js';

export default defineRule({
  id: 'class-spike',
  title: 'Value spikes concentrated in one class',
  docs: 'A value (or narrow range) whose count in one class far exceeds the baseline or its neighbouring values, with the excess rows almost all in that class: the footprint of a backdoor trigger or of targeted relabelling.',
  defaults: {
    ...DEFAULT_SPIKE_OPTIONS,
    /** Without a baseline, a spike is medium only when this pure, this large and this far above its neighbours. */
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
    }));
  },
});

function severityOf(
  spike: Spike,
  rowCount: number,
  options: { strongShare: number; strongRatio: number; strongMinRows: number; strongMinRowShare: number },
): Severity {
  if (spike.reference === 'baseline') return 'high';
  const excess = spike.classCount - spike.expectedClassCount;
  const strong =
    spike.classShare >= options.strongShare &&
    spike.ratio >= options.strongRatio &&
    excess >= Math.max(options.strongMinRows, options.strongMinRowShare * rowCount);
  return strong ? 'medium' : 'info';
}
