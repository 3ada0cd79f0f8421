/**
 * `--save` (keep the report in `reports/`) and `--out FOLDER` (keep it in that folder): the
 * report is written under a name made from the dataset file's base name and the report's time,
 * `<name>-20261125T120000Z.<ext>`, plus a copy `<name>-latest.<ext>` that always holds the
 * newest report of that dataset.
 *
 * - `<name>`: the candidate's base name without `.gz` and its last extension, each run of
 *   characters outside [A-Za-z0-9._-] replaced by one `_`, no leading dot or dash, at most 80 characters
 *   (`dataset` when nothing is left). Built from the path the user gave, never from the data.
 * - A saved report never replaces another: when the name is taken, `-2`, `-3`, ... is added
 *   (the write fails rather than overwrite if a file appears meanwhile).
 * - No symbolic link inside the folder is followed: a taken name that is a link is skipped like
 *   any other, and a `-latest` name that is a link is refused (InputError) before anything is
 *   written. The `-latest` copy is written to a temporary file in the folder and renamed over
 *   the old copy (rename replaces the entry itself, it does not follow it).
 * - Never over an input file (the guard's `forbidden` paths).
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../load/csv-writer.js';
import type { Report } from '../report/report.js';
import type { Format } from '../render/index.js';

export type ReportFormat = Format;

export const DEFAULT_REPORTS_FOLDER = 'reports';

const EXTENSIONS: Record<ReportFormat, string> = { table: 'txt', json: 'json', markdown: 'md', html: 'html' };

export interface SaveOptions {
  /** The folder to keep reports in: `reports` for --save, or the --out folder. */
  folder: string;
  format: ReportFormat;
  /** Create the folder when it is missing (for the default `reports/`); else it must exist. */
  create?: boolean;
  /** Paths never to write (the input files). */
  forbidden?: readonly string[];
}

export interface SavedReport {
  /** The dated report, as `folder/name`. */
  file: string;
  /** The `-latest` copy, as `folder/name`. */
  latest: string;
}

export function reportExtension(format: ReportFormat): string {
  return EXTENSIONS[format];
}

/** The dataset part of a saved report's name. */
export function datasetStem(datasetPath: string): string {
  let base = datasetPath.split(/[\\/]/).filter((part) => part.length > 0).pop() ?? '';
  if (/\.gz$/i.test(base)) base = base.slice(0, -3);
  const dot = base.lastIndexOf('.');
  if (dot > 0) base = base.slice(0, dot);
  const clean = base
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[.-]+/, '')
    .slice(0, 80)
    .replace(/[.-]+$/, '');
  return clean.length > 0 ? clean : 'dataset';
}

/** `2026-11-25T12:00:00.000Z` -> `20261125T120000Z` (the current time if it is not a date). */
export function timeStamp(iso: string): string {
  const date = new Date(iso);
  const valid = Number.isFinite(date.getTime()) ? date : new Date();
  return valid.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

export async function saveReport(report: Report, text: string, options: SaveOptions): Promise<SavedReport> {
  const folder = options.folder;
  if (options.create) {
    await mkdir(folder, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`${folder}: cannot create the reports folder (${error.code ?? error.message})`);
    });
  }
  const info = await stat(folder).catch(() => null);
  if (info === null) throw new InputError(`${folder}: no such folder`);
  if (!info.isDirectory()) throw new InputError(`${folder}: is not a folder`);
  const real = await realpath(folder);

  const stem = datasetStem(report.candidate.path);
  const ext = reportExtension(options.format);
  const stamp = timeStamp(report.generatedAt);
  const latestName = `${stem}-latest.${ext}`;
  const latestPath = path.join(real, latestName);
  await checkLatest(latestPath, path.join(folder, latestName), options.forbidden ?? []);

  let savedName: string | null = null;
  for (let counter = 1; counter <= 10000 && savedName === null; counter++) {
    const name = counter === 1 ? `${stem}-${stamp}.${ext}` : `${stem}-${stamp}-${counter}.${ext}`;
    const target = path.join(real, name);
    if ((await lstat(target).catch(() => null)) !== null) continue;
    try {
      await writeFileAtomic(target, text, { force: false, forbidden: options.forbidden });
      savedName = name;
    } catch (error) {
      // Taken meanwhile: try the next name; anything else is an error.
      if ((await lstat(target).catch(() => null)) === null) throw renamed(error, path.join(folder, name), target);
    }
  }
  if (savedName === null) throw new InputError(`${folder}: too many reports named ${stem}-${stamp}`);

  const temporary = path.join(real, `.${latestName}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, latestPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${path.join(folder, latestName)}: cannot write the file (${code ?? String(error)})`);
  } finally {
    await unlink(temporary).catch(() => {});
  }
  return { file: path.join(folder, savedName), latest: path.join(folder, latestName) };
}

async function checkLatest(latestPath: string, shown: string, forbidden: readonly string[]): Promise<void> {
  const existing = await lstat(latestPath).catch(() => null);
  if (existing === null) return;
  if (existing.isSymbolicLink()) throw new InputError(`${shown}: is a symbolic link; refusing to follow it out of the reports folder`);
  if (!existing.isFile()) throw new InputError(`${shown}: exists and is not a file`);
  const real = await realpath(latestPath);
  for (const input of forbidden) {
    const resolved = await realpath(input).catch(() => path.resolve(input));
    if (resolved === real) throw new InputError(`${shown}: refusing to overwrite an input file (${input})`);
  }
}

function renamed(error: unknown, shown: string, target: string): Error {
  if (error instanceof InputError) return new InputError(error.message.split(target).join(shown));
  return error instanceof Error ? error : new Error(String(error));
}
