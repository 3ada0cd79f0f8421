/**
 * The typed channel from rules to the model stage: a rule that sees a possible backdoor trigger
 * (a value, or an interval, whose rows lean to one class) attaches a hint to its finding. The
 * model stage probes hints; it never reads rule ids or evidence keys.
 */

/**
 * Label-free reasons to doubt a value, beyond its class mix. Natural structure (a strong
 * predictor) has none of them, so without a baseline a trigger needs one (src/model/stage.ts).
 * - `outside-domain`: outside a configured or semantic domain (an age of several hundred years);
 * - `far-outside-bulk`: far outside the column's robust bulk or the baseline's range;
 * - `copies`: its rows are near-copies of other rows, far beyond the column's own twin rate;
 * - `new-value`: the baseline never had it;
 * - `count-spike`: its count is a spike its neighbours and heaping do not explain (weak alone:
 *   clean data has natural point masses).
 */
export type TriggerSignal = 'outside-domain' | 'far-outside-bulk' | 'copies' | 'new-value' | 'count-spike';

/** Signals strong enough to probe a candidate however it ranks. */
export const STRONG_SIGNALS: readonly TriggerSignal[] = ['outside-domain', 'far-outside-bulk', 'copies'];

export interface TriggerHint {
  /** Candidate column index. */
  readonly column: number;
  readonly value: number | string;
  /** Inclusive interval for an interval trigger, else null. */
  readonly range: [number, number] | null;
  /** Other columns and values of a multi-column trigger (stamped together with the first), if any. */
  readonly with?: readonly { readonly column: number; readonly value: number | string }[];
  /** Class index the rows lean to. */
  readonly targetClass: number;
  readonly signals: readonly TriggerSignal[];
  /** -log10 of the rule's own p-value (or a comparable strength), for ranking. */
  readonly strength: number;
}
