/**
 * Decides whether `"` quotes fields (RFC 4180) or is an ordinary character, from the first
 * 64 KiB of the text.
 *
 * The sample is scanned as RFC 4180 with the chosen delimiter. A field that starts with `"` is
 * *well formed* when its closing quote is followed by the delimiter, a line end or the end of the
 * sample, and *broken* when something else follows it, or (when the sample is the whole text) when
 * it never closes. A writer that quotes never produces a broken field, while a file in which `"`
 * is plain text produces one as soon as a value starts with a quote that is not its last
 * character (`"Hello" she said`).
 *
 * - No broken field: quoting is on (`double`). Files without any quote read the same either way.
 * - A broken field and no sign that quoting is in use: quoting is off (`none`), with a warning
 *   naming the line.
 * - A broken field, but the file does quote: a well-formed quoted field in the header, or one on a
 *   single line that holds the delimiter or a doubled quote (`""`), which only a quoting writer
 *   writes. Quoting stays on and the tokenizer reports the broken field as an error (the message
 *   offers `--quote none`). A line-spanning quoted field is no such sign: in a file where `"` is
 *   plain text, a value that starts with a quote runs on to the next quote anywhere below.
 * After a broken field the scan resumes at the next line, so one bad line does not hide the rest.
 */
import { InputError } from '../errors.js';

export type QuoteMode = 'double' | 'none';

export interface QuoteChoice {
  readonly quote: QuoteMode;
  readonly source: 'option' | 'detected';
  readonly warning: string | null;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

export function quoteFromOption(option: string): QuoteChoice {
  if (option !== 'none' && option !== 'double') throw new InputError(`--quote must be none or double (got ${JSON.stringify(option)})`);
  return { quote: option, source: 'option', warning: null };
}

export function detectQuoting(sample: Uint8Array, delimiter: number, isWholeText: boolean): QuoteChoice {
  const scan = scanQuotes(sample, delimiter, isWholeText);
  if (scan.broken === 0 || scan.quotingInUse) return { quote: 'double', source: 'detected', warning: null };
  const what = scan.firstBrokenUnclosed ? 'never closes' : 'is followed by other text';
  return {
    quote: 'none',
    source: 'detected',
    warning:
      `quote characters are read as ordinary text: on line ${scan.firstBrokenLine} a field starts with a quote whose closing quote ${what}, ` +
      'which RFC 4180 quoting never writes; pass --quote double to read quoted fields',
  };
}

interface QuoteScan {
  broken: number;
  firstBrokenLine: number;
  firstBrokenUnclosed: boolean;
  /** A well-formed quoted field that only a quoting writer writes (see the module comment). */
  quotingInUse: boolean;
}

function scanQuotes(s: Uint8Array, delimiter: number, isWholeText: boolean): QuoteScan {
  const result: QuoteScan = { broken: 0, firstBrokenLine: 0, firstBrokenUnclosed: false, quotingInUse: false };
  const n = s.length;
  let line = 1;
  let record = 0;
  let recordHasBytes = false;
  let i = 0;
  const endLine = (at: number): number => {
    // `at` is a CR or LF; returns the index after the line end (CRLF is one).
    line++;
    if (recordHasBytes) record++;
    recordHasBytes = false;
    return s[at] === CR && at + 1 < n && s[at + 1] === LF ? at + 2 : at + 1;
  };
  const broken = (openLine: number, unclosed: boolean): void => {
    if (result.broken++ === 0) {
      result.firstBrokenLine = openLine;
      result.firstBrokenUnclosed = unclosed;
    }
  };
  while (i < n) {
    const byte = s[i];
    if (byte === LF || byte === CR) {
      i = endLine(i);
      continue;
    }
    recordHasBytes = true;
    if (byte !== QUOTE) {
      // An unquoted field: to the next delimiter or line end.
      while (i < n && s[i] !== delimiter && s[i] !== LF && s[i] !== CR) i++;
      if (i < n && s[i] === delimiter) i++;
      continue;
    }
    const openLine = line;
    let j = i + 1;
    let escaped = false;
    let holdsDelimiter = false;
    let spansLines = false;
    let close = -1;
    while (j < n) {
      const c = s[j];
      if (c === QUOTE) {
        if (j + 1 < n && s[j + 1] === QUOTE) {
          escaped = true;
          j += 2;
          continue;
        }
        close = j;
        break;
      }
      if (c === delimiter) holdsDelimiter = true;
      else if (c === LF || (c === CR && !(j + 1 < n && s[j + 1] === LF))) {
        line++;
        spansLines = true;
      }
      j++;
    }
    if (close === -1) {
      // Never closed in the sample: broken only when the sample is the whole text.
      if (isWholeText) broken(openLine, true);
      break;
    }
    const after = close + 1;
    if (after >= n) break;
    const next = s[after];
    if (next === delimiter || next === LF || next === CR) {
      if (record === 0 || (!spansLines && (holdsDelimiter || escaped))) result.quotingInUse = true;
      i = next === delimiter ? after + 1 : after;
      continue;
    }
    broken(openLine, false);
    // Resume at the next line.
    i = after;
    while (i < n && s[i] !== LF && s[i] !== CR) i++;
  }
  return result;
}
