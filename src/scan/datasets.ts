/**
 * Which datasets a scan audits: `audit-data scan PATH...` takes files, folders (searched for
 * CSV/TSV/TXT files, gzipped or not, skipping hidden folders and node_modules) and glob patterns.
 * Each dataset gets a key: its path relative to the working folder, with `/`, which names it in
 * the history from one night to the next.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { compareText } from '../util/compare.js';

export const DATASET_EXTENSIONS = ['csv', 'tsv', 'txt', 'csv.gz', 'tsv.gz', 'txt.gz'] as const;

export interface ScanTarget {
  /** The dataset's name in the history: its path relative to the working folder, `/`-separated. */
  key: string;
  /** The file to read. */
  file: string;
}

export interface FoundDatasets {
  targets: ScanTarget[];
  /** Named files that do not exist: each becomes a failed dataset, not a crashed scan. */
  missing: ScanTarget[];
  /** Folders and patterns that matched no dataset. */
  empty: string[];
}

export function datasetKey(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, path.resolve(cwd, file));
  const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(cwd, file) : relative;
  return shown.split(path.sep).join('/');
}

/** `exclude`: folders never searched (the reports folder, so a scan of `.` does not audit its own copies). */
export async function findDatasets(paths: readonly string[], options: { cwd?: string; exclude?: readonly string[] } = {}): Promise<FoundDatasets> {
  const cwd = options.cwd ?? process.cwd();
  const excluded = (options.exclude ?? []).map((folder) => realOrResolved(path.resolve(cwd, folder)));
  const found = new Map<string, ScanTarget>();
  const missing: ScanTarget[] = [];
  const empty: string[] = [];
  const add = (file: string): boolean => {
    const real = realOrResolved(path.resolve(cwd, file));
    if (excluded.some((folder) => real === folder || real.startsWith(folder + path.sep))) return false;
    if (!found.has(real)) found.set(real, { key: datasetKey(file, cwd), file: path.resolve(cwd, file) });
    return true;
  };
  for (const given of paths) {
    const resolved = path.resolve(cwd, given);
    const info = existsSync(resolved) ? statSync(resolved) : null;
    let matched: string[];
    if (info?.isDirectory()) {
      matched = await glob(DATASET_EXTENSIONS.map((ext) => `**/*.${ext}`), {
        cwd: resolved,
        absolute: true,
        onlyFiles: true,
        dot: false,
        ignore: ['**/node_modules/**'],
        caseSensitiveMatch: false,
      });
    } else if (info !== null) {
      matched = [resolved];
    } else if (isDynamicPattern(given)) {
      matched = await glob(given, { cwd, absolute: true, onlyFiles: true, dot: false });
    } else {
      missing.push({ key: datasetKey(given, cwd), file: resolved });
      continue;
    }
    const added = matched.map((file) => add(path.relative(cwd, file) || file)).filter(Boolean).length;
    if (added === 0) empty.push(given);
  }
  const byKey = (a: ScanTarget, b: ScanTarget): number => compareText(a.key, b.key);
  return { targets: [...found.values()].sort(byKey), missing: missing.sort(byKey), empty };
}

function realOrResolved(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
