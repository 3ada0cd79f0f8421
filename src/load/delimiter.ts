/**
 * Chooses the delimiter among `,` `;` tab `|` from the first lines of the text.
 *
 * For each candidate, count its occurrences on every non-blank line (outside quotes when the file
 * quotes; complete lines only, unless the sample is the whole text). A candidate is consistent when the header
 * line has it and every other line has it exactly as often. One consistent candidate: detected.
 * Several: the one that splits lines into the most fields, flagged as guessed. None: the
 * candidate that matches the header's count on the most lines, flagged as guessed. A header
 * with no candidate is a single-column file, read with the first candidate that no sampled line
 * contains (`,` normally), so that no value is split.
 */
import { InputError } from '../errors.js';

export const DETECTION_SAMPLE_BYTES = 64 * 1024;

const CANDIDATES = [0x2c, 0x3b, 0x09, 0x7c] as const;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

export interface DelimiterChoice {
  readonly delimiter: number;
  readonly source: 'option' | 'detected' | 'guessed';
  readonly warning: string | null;
}

/** The delimiter given by the user (`,` `;` `|`, `\t`, `tab`...): one byte that is not a quote or line end. */
export function delimiterFromOption(option: string): DelimiterChoice {
  const value = option === 'tab' || option === '\\t' ? '\t' : option;
  const code = value.length === 1 ? value.charCodeAt(0) : -1;
  const isDigit = code >= 0x30 && code <= 0x39;
  if (code < 0 || code > 0x7f || code === QUOTE || code === LF || code === CR || isDigit) {
    throw new InputError(
      `--delimiter must be a single ASCII character, not a digit or a quote, such as , ; | or tab (got ${JSON.stringify(option)})`,
    );
  }
  return { delimiter: code, source: 'option', warning: null };
}

/** `quoting`: whether `"` quotes fields (delimiters between quotes are then not counted). */
export function detectDelimiter(sample: Uint8Array, isWholeText: boolean, quoting = true): DelimiterChoice {
  const lines = countPerLine(sample, isWholeText, quoting);
  if (lines.length === 0) return { delimiter: 0x2c, source: 'detected', warning: null };
  const header = lines[0];
  if (header.every((count) => count === 0)) return singleColumn(lines);
  const consistent = CANDIDATES.map((_, c) => c).filter((c) => header[c] > 0 && lines.every((counts) => counts[c] === header[c]));
  if (consistent.length === 1) return { delimiter: CANDIDATES[consistent[0]], source: 'detected', warning: null };
  if (consistent.length > 1) {
    const best = consistent.reduce((a, b) => (header[b] > header[a] ? b : a));
    return guessed(best, 'several delimiters split every line evenly');
  }
  const matching = (c: number): number => lines.filter((counts) => counts[c] === header[c]).length;
  const best = CANDIDATES.map((_, c) => c)
    .filter((c) => header[c] > 0)
    .reduce((a, b) => (matching(b) > matching(a) ? b : a));
  return guessed(best, 'no delimiter splits every line into the same number of fields');
}

/** The header has no candidate: one column. Use a delimiter that no line contains, so that none is split. */
function singleColumn(lines: number[][]): DelimiterChoice {
  const unused = CANDIDATES.findIndex((_, c) => lines.every((counts) => counts[c] === 0));
  if (unused !== -1) return { delimiter: CANDIDATES[unused], source: 'detected', warning: null };
  return guessed(0, 'the header has no delimiter but other lines have all of them');
}

function guessed(candidate: number, why: string): DelimiterChoice {
  const shown = CANDIDATES[candidate] === 0x09 ? 'tab' : `"${String.fromCharCode(CANDIDATES[candidate])}"`;
  return {
    delimiter: CANDIDATES[candidate],
    source: 'guessed',
    warning: `delimiter guessed as ${shown} (${why} in the first lines); pass --delimiter to choose it`,
  };
}

/** Per non-blank line, how often each candidate occurs (outside quotes, when quoting). */
function countPerLine(sample: Uint8Array, isWholeText: boolean, quoting: boolean): number[][] {
  const lines: number[][] = [];
  let counts = [0, 0, 0, 0];
  let lineHasBytes = false;
  let inQuotes = false;
  for (let i = 0; i < sample.length; i++) {
    const byte = sample[i];
    if (byte === QUOTE && quoting) inQuotes = !inQuotes;
    if (inQuotes) {
      lineHasBytes = true;
      continue;
    }
    if (byte === LF || byte === CR) {
      if (lineHasBytes) lines.push(counts);
      counts = [0, 0, 0, 0];
      lineHasBytes = false;
      continue;
    }
    lineHasBytes = true;
    const c = CANDIDATES.indexOf(byte as (typeof CANDIDATES)[number]);
    if (c !== -1) counts[c]++;
  }
  // A line cut off by the end of the sample is only used when nothing else is there.
  if (lineHasBytes && (isWholeText || lines.length === 0)) lines.push(counts);
  return lines;
}
