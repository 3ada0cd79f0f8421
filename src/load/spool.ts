/**
 * Standard input (`-`), FIFOs and other streams can be read once only, while an audit reads its
 * input twice (the audit, then --quarantine / --emit-clean from the same bytes). Such an input is
 * copied once to a private temporary file, which every later read uses; it is removed on exit.
 * Regular files are read where they are.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { describeFileError } from './byte-source.js';
import { formatBytes, MEMORY_PER_TEXT_BYTE } from './memory-budget.js';

export interface InputFile {
  /** The path to read. */
  file: string;
  /** How the report names it: the path given, or `stdin`. */
  shown: string;
}

let spoolFolder: string | null = null;

/**
 * The file to read for the input named `given` ('-' is standard input). A stream too long for the
 * memory budget is refused while it is copied (a CSV's text is at least as long as its stored
 * bytes, gzip or not).
 */
export async function inputFile(given: string, role: string, budget = Infinity, stdin: Readable = process.stdin): Promise<InputFile> {
  if (given === '-') return { file: await spool(stdin, 'stdin', budget), shown: 'stdin' };
  let info;
  try {
    info = statSync(given);
  } catch (error) {
    throw new InputError(`${describeFileError(given, error).message} (the ${role})`);
  }
  if (info.isDirectory()) throw new InputError(`${given}: is a folder, not a file (the ${role})`);
  if (info.isFile()) return { file: given, shown: given };
  // A FIFO, a character device or a socket: a stream, read once.
  return { file: await spool(createReadStream(given), given, budget), shown: given };
}

async function spool(source: Readable, name: string, budget: number): Promise<string> {
  const maxBytes = Math.max(0, budget - process.memoryUsage.rss()) / MEMORY_PER_TEXT_BYTE;
  if (spoolFolder === null) {
    spoolFolder = mkdtempSync(path.join(tmpdir(), 'audit-data-input-'));
    const folder = spoolFolder;
    process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
  }
  const target = path.join(spoolFolder, `${Math.random().toString(36).slice(2, 8)}-${path.basename(name).replace(/[^A-Za-z0-9._-]+/g, '_') || 'input'}`);
  let copied = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      copied += chunk.length;
      if (copied > maxBytes) done(new InputError(`${name}: too large for the memory budget of ${formatBytes(budget)}: over ${formatBytes(maxBytes)} of input, at about ${MEMORY_PER_TEXT_BYTE} bytes of memory per byte of CSV; raise it with --max-memory, or audit a sample`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(source, limit, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
  } catch (error) {
    rmSync(target, { force: true });
    throw describeFileError(name, error);
  }
  return target;
}
