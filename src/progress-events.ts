/**
 * Progress of the long loops (rules, forest trees, probes), for a progress display. The
 * computation only counts (`progressed`); whoever runs the audit decides what to show by passing a
 * listener (AuditOptions.onProgress), so no stage ever prints. Worker threads have no listener.
 */
export type ProgressListener = (stage: string, done: number, total: number) => void;

let listener: ProgressListener | null = null;

export async function withProgressListener<T>(given: ProgressListener | undefined, work: () => Promise<T>): Promise<T> {
  const previous = listener;
  listener = given ?? null;
  try {
    return await work();
  } finally {
    listener = previous;
  }
}

export function progressed(stage: string, done: number, total: number): void {
  listener?.(stage, done, total);
}
