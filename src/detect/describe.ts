/** Plain-words descriptions and evidence objects for spikes, shared by the rule and the trigger search. */
import type { Dataset } from '../engine/dataset.js';
import { log10P } from '../stats/tails.js';
import { formatRange, formatValue, percent, round } from '../format.js';
import type { Spike } from './spikes.js';

export function describeSpike(dataset: Dataset, spike: Spike): string {
  const column = dataset.table.columns[spike.column].name;
  const label = dataset.schema.label!;
  const where = spike.range ? `${column} in ${formatRange(spike.range)}` : `${column} = ${formatValue(spike.value)}`;
  const rows = `${where}: ${spike.classCount} rows with ${label.name} = ${label.classes[spike.targetClass]} (${percent(spike.classShare)} of its ${spike.total} rows)`;
  if (isNewToBaseline(spike)) return `${rows}, ${spike.range ? 'a range in which the baseline has no row' : 'a value the baseline never had'}.`;
  const expected = spike.reference === 'baseline' ? 'the baseline suggests' : 'its neighbouring values suggest';
  return `${rows} where ${expected} about ${Math.round(spike.expectedClassCount)}.`;
}

export function spikeEvidence(dataset: Dataset, spike: Spike): Record<string, unknown> {
  const label = dataset.schema.label!;
  return {
    targetClass: label.classes[spike.targetClass],
    range: spike.range,
    reference: spike.reference,
    rowsInClass: spike.classCount,
    rowsWithValue: spike.total,
    expectedInClass: round(spike.expectedClassCount),
    expectedWithValue: round(spike.expectedTotal),
    ratio: round(spike.ratio),
    classShare: round(spike.classShare),
    expectedClassShare: round(spike.expectedShare),
    excessPurity: round(spike.purity),
    log10PClassMix: log10P(spike.logP),
    log10PCount: log10P(spike.countLogP),
    newToBaseline: isNewToBaseline(spike),
  };
}

/** A spike on a value (or interval) of which the baseline has no row at all. */
function isNewToBaseline(spike: Spike): boolean {
  return spike.reference === 'baseline' && spike.expectedTotal === 0;
}
