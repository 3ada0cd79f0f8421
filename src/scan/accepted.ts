/**
 * Accepted findings: a file the team commits (like ESLint's suppressions), written by
 * `audit-data accept` and read by `audit-data scan`. An accepted finding is shown as accepted and
 * does not fail the scan, as long as it has not grown: more rows or a higher severity than when
 * it was accepted makes it new again.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { SEVERITIES, type Finding } from '../engine/finding.js';
import { writeFileAtomic } from '../load/csv-writer.js';
import { fingerprint, grewFrom } from '../report/diff.js';
import { compareText } from '../util/compare.js';

export const DEFAULT_ACCEPTED_FILE = 'audit-data.accepted.json';

const acceptedFindingSchema = z.object({
  id: z.string(),
  dataset: z.string(),
  rule: z.string(),
  column: z.string().nullable(),
  value: z.union([z.string(), z.number()]).nullable(),
  severity: z.enum(SEVERITIES),
  count: z.number().int().nonnegative(),
  by: z.string(),
  reason: z.string(),
  at: z.string(),
});

const acceptedFileSchema = z.object({ schemaVersion: z.literal(1), accepted: z.array(acceptedFindingSchema) });

export type AcceptedFinding = z.infer<typeof acceptedFindingSchema>;

/** The accepted findings in `file`; none when it does not exist. */
export async function readAccepted(file: string): Promise<AcceptedFinding[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputError(`${file}: cannot read the accepted findings (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputError(`${file}: the accepted findings are not valid JSON`);
  }
  const result = acceptedFileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new InputError(`${file}: not an accepted-findings file (${issue.path.join('.') || 'top level'}: ${issue.message})`);
  }
  return result.data.accepted;
}

export type Acceptance = 'accepted' | 'outgrown' | null;

/** Whether `finding` of `dataset` is accepted, accepted but grown since (new again), or neither. */
export function acceptance(accepted: readonly AcceptedFinding[], dataset: string, finding: Pick<Finding, 'rule' | 'column' | 'value' | 'severity' | 'count'>): Acceptance {
  const key = fingerprint(finding);
  const entry = accepted.find((a) => a.dataset === dataset && fingerprint(a) === key);
  if (!entry) return null;
  return grewFrom(finding, entry) > 0 ? 'outgrown' : 'accepted';
}

/**
 * Add entries to the file (an entry for the same dataset and finding is replaced), under a lock
 * so that two `accept` commands at once both land.
 */
export async function addAccepted(file: string, entries: readonly AcceptedFinding[]): Promise<AcceptedFinding[]> {
  return withLock(`${file}.lock`, async () => {
    const current = await readAccepted(file);
    const replaced = new Set(entries.map((e) => `${e.dataset}\u0000${fingerprint(e)}`));
    const merged = [...current.filter((e) => !replaced.has(`${e.dataset}\u0000${fingerprint(e)}`)), ...entries].sort(
      (a, b) => compareText(a.dataset, b.dataset) || compareText(a.rule, b.rule) || compareText(a.id, b.id),
    );
    await writeFileAtomic(file, JSON.stringify({ schemaVersion: 1, accepted: merged }, null, 2) + '\n', { force: true });
    return merged;
  });
}

const LOCK_STALE_MS = 30_000;

async function withLock<T>(lockFile: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new InputError(`${lockFile}: cannot take the lock (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
      // A lock left by a killed process is taken over once it is stale.
      if (Date.now() - started > LOCK_STALE_MS) {
        await unlink(lockFile).catch(() => {});
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  try {
    return await work();
  } finally {
    await unlink(lockFile).catch(() => {});
  }
}
