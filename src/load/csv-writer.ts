/**
 * Writing CSV that our reader (and spreadsheets) read back as written: quoting, formula
 * neutralisation, and atomic writes that never overwrite the input.
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, realpath, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';

/**
 * One record, without a line end. A field is quoted when it holds the delimiter, a quote, CR or
 * LF, starts or ends with a space or tab, or starts with a byte order mark; a record made of one
 * empty field is written `""` so that it is not read as a blank line.
 */
export function formatCsvRecord(fields: readonly string[], delimiter = ','): string {
  if (fields.length === 1 && fields[0] === '') return '""';
  return fields.map((field) => (needsQuotes(field, delimiter) ? `"${field.replaceAll('"', '""')}"` : field)).join(delimiter);
}

function needsQuotes(field: string, delimiter: string): boolean {
  if (field === '') return false;
  const first = field.charCodeAt(0);
  const last = field.charCodeAt(field.length - 1);
  return (
    field.includes(delimiter) ||
    field.includes('"') ||
    field.includes('\n') ||
    field.includes('\r') ||
    first === 0x20 ||
    first === 0x09 ||
    first === 0xfeff ||
    last === 0x20 ||
    last === 0x09
  );
}

/**
 * A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a
 * leading `'`. A plain number (`-5`, `+3.2`, `-1.5e3`) is left as it is.
 */
export function neutraliseFormula(cell: string): string {
  if (cell === '') return cell;
  const first = cell[0];
  const risky = first === '=' || first === '+' || first === '-' || first === '@' || first === '\t' || first === '\r';
  return risky && !isSignedDecimal(cell) ? `'${cell}` : cell;
}

/** `[+-]digits[.digits][e[+-]digits]` (or `.digits`), checked character by character. */
function isSignedDecimal(text: string): boolean {
  let i = 0;
  if (text[i] === '+' || text[i] === '-') i++;
  const digitsFrom = (from: number): number => {
    let k = from;
    while (k < text.length && text[k] >= '0' && text[k] <= '9') k++;
    return k;
  };
  let end = digitsFrom(i);
  let digits = end - i;
  i = end;
  if (text[i] === '.') {
    end = digitsFrom(i + 1);
    digits += end - i - 1;
    i = end;
  }
  if (digits === 0) return false;
  if (text[i] === 'e' || text[i] === 'E') {
    let k = i + 1;
    if (text[k] === '+' || text[k] === '-') k++;
    end = digitsFrom(k);
    if (end === k) return false;
    i = end;
  }
  return i === text.length;
}

export interface WriteFileOptions {
  /** Replace an existing file. */
  force?: boolean;
  /** Paths that must never be written (e.g. the input files), compared after resolving links. */
  forbidden?: readonly string[];
}

/**
 * Writes `data` to a temporary file in the target's folder, then moves it into place, so that a
 * reader never sees half a file. Refuses (InputError) to overwrite an existing file without
 * `force`, and to write over a forbidden path even with it.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, options: WriteFileOptions = {}): Promise<void> {
  const existing = await lstat(target).catch(() => null);
  const resolved = await resolvedPath(target);
  for (const forbidden of options.forbidden ?? []) {
    if ((await resolvedPath(forbidden)) === resolved) {
      throw new InputError(`${target}: refusing to overwrite an input file (${forbidden})`);
    }
  }
  if (existing?.isDirectory()) throw new InputError(`${target}: is a folder`);
  if (existing !== null && options.force !== true) {
    throw new InputError(`${target}: already exists (use --force to overwrite it)`);
  }
  const temporary = path.join(path.dirname(resolved), `.${path.basename(resolved)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, data, { flag: 'wx' });
    if (options.force === true) await rename(temporary, resolved);
    else await linkWithoutOverwriting(temporary, resolved, target);
  } catch (error) {
    throw describeWriteError(target, error);
  } finally {
    await unlink(temporary).catch(() => {});
  }
}

/** Like rename, but fails if the target appeared meanwhile (where the file system can link). */
async function linkWithoutOverwriting(temporary: string, resolved: string, target: string): Promise<void> {
  try {
    await link(temporary, resolved);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new InputError(`${target}: already exists (use --force to overwrite it)`);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
    await rename(temporary, resolved);
  }
}

/** The real path of `file`, or of its folder joined with its name when it does not exist yet. */
async function resolvedPath(file: string): Promise<string> {
  const absolute = path.resolve(file);
  try {
    return await realpath(absolute);
  } catch {
    const folder = await realpath(path.dirname(absolute)).catch(() => path.dirname(absolute));
    return path.join(folder, path.basename(absolute));
  }
}

function describeWriteError(target: string, error: unknown): Error {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new InputError(`${target}: the folder does not exist`);
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`${target}: permission denied`);
  if (code !== undefined) return new InputError(`${target}: cannot write the file (${code})`);
  return error instanceof Error ? error : new Error(String(error));
}
