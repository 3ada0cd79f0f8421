/**
 * Progress of the long loops (rules, forest trees, probes), for a progress display. The
 * computation only counts (`progressed`); whoever runs the audit decides what to show by passing a
 * listener (AuditOptions.onProgress), so no stage ever prints. Worker threads have no listener.
 */
/** `done` may be fractional (a rule part-way through its columns); `detail` says where. */
export type ProgressListener = (stage: string, done: number, total: number, detail?: string) => void;

let listener: ProgressListener | null = null;
let currentRule: { index: number; total: number; id: string } | null = null;

export async function withProgressListener<T>(given: ProgressListener | undefined, work: () => Promise<T>): Promise<T> {
  const previous = listener;
  listener = given ?? null;
  try {
    return await work();
  } finally {
    listener = previous;
  }
}

export function progressed(stage: string, done: number, total: number, detail?: string): void {
  listener?.(stage, done, total, detail);
}

/** The rule now running (run-rules.ts), so that its column loop can report where it is. */
export function ruleStarted(index: number, total: number, id: string): void {
  currentRule = { index, total, id };
  listener?.('rules', index, total, id);
}

export function rulesFinished(total: number): void {
  currentRule = null;
  listener?.('rules', total, total);
}

/** A rule's loop over columns, reported column by column while the rule runs. */
export function* eachColumn<T>(columns: readonly T[]): Generator<T> {
  for (let i = 0; i < columns.length; i++) {
    if (listener && currentRule) listener('rules', currentRule.index + i / columns.length, currentRule.total, `${currentRule.id}, column ${i + 1}/${columns.length}`);
    yield columns[i];
  }
}
