/**
 * Decides what one CSV cell is, straight from its bytes: a number, a missing value, or text.
 *
 * Number grammar (decimal only; anything else is text):
 *   - surrounding ASCII whitespace (space, tab, CR, LF, VT, FF) is ignored;
 *   - optional sign `+` or `-`, then digits with an optional fraction (`12`, `12.5`, `12.`, `.5`),
 *     then an optional exponent (`e` or `E`, optional sign, at least one digit);
 *   - inside a quoted field only, thousands grouping is also a number:
 *     `-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?` (`"3,793"`, `"1,234,567.5"`), commas dropped;
 *   - identifiers stay text: an integer token (sign and digits only) with a leading zero and more
 *     than one digit (`007`, `00123`) or with more than 15 digits (19-digit ids) is text, so ids
 *     never lose their zeros or collide after rounding;
 *   - overflow gives ±Infinity (`1e309`), a real value that rules may flag; `-0` gives -0;
 *   - `0x1A`, `Infinity`, `1,5` (unquoted or not grouped by three), `12abc`, `1.2.3` are text.
 * Values are correctly rounded: the fast path (mantissa below 2^53 and a power of ten up to
 * 10^22, both exact, so one rounding) covers ordinary data without creating strings; anything
 * else goes through `Number()` on the already validated token.
 *
 * Missing values (after trimming ASCII whitespace): empty, and the tokens NA, N/A, #N/A, null,
 * NaN, None, nil, `?` in the spellings people write (all lower case, all upper case, or
 * capitalised; `NaN` also as written). `Na` (sodium) or `nUlL` stay text.
 */

export const CELL_NUMBER = 0;
/** A number whose spelling differs from `String(value)` (`1.50`, ` 5`, `1e3`, `"1,234"`, `-0`). */
export const CELL_NUMBER_RESPELLED = 1;
export const CELL_MISSING = 2;
export const CELL_TEXT = 3;

/** The value of the last cell parsed as a number (NaN when missing); reused to avoid allocation. */
export const parsedCell = { value: 0 };

const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const COMMA = 0x2c;
const ZERO = 0x30;
const TWO_TO_53 = 9007199254740992;
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** Below this, String() switches to exponent notation, so such spellings are never canonical. */
const SMALLEST_PLAIN = 1e-6;
const MAX_IDENTIFIER_FREE_DIGITS = 15;

const MISSING_TOKENS: ReadonlySet<string> = new Set([
  'NA', 'na', 'N/A', 'n/a', '#N/A', '#n/a',
  'null', 'NULL', 'Null',
  'NaN', 'nan', 'NAN',
  'None', 'none', 'NONE',
  'nil', 'NIL', 'Nil',
  '?',
]);
const LONGEST_MISSING_TOKEN = 4;

/** Digits with a leading zero (`007`): an identifier, text; a lone `0` is a number. */
export function hasLeadingZero(buf: Uint8Array, start: number, end: number): boolean {
  return end - start > 1 && buf[start] === ZERO;
}

export function isAsciiSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/** Classifies `buf[start, end)`; for numbers and missing cells the value is in `parsedCell.value`. */
export function parseCell(buf: Uint8Array, start: number, end: number, quoted: boolean): number {
  if (parsePlainDecimal(buf, start, end)) return CELL_NUMBER;
  let s = start;
  let e = end;
  while (s < e && isAsciiSpace(buf[s])) s++;
  while (e > s && isAsciiSpace(buf[e - 1])) e--;
  if (s === e) {
    parsedCell.value = NaN;
    return CELL_MISSING;
  }
  const kind = parseDecimal(buf, s, e, s !== start || e !== end);
  if (kind !== CELL_TEXT) return kind;
  if (quoted && parseGroupedNumber(buf, s, e)) return CELL_NUMBER_RESPELLED;
  if (isMissingTokenTrimmed(buf, s, e)) {
    parsedCell.value = NaN;
    return CELL_MISSING;
  }
  return CELL_TEXT;
}

/** Whether the cell is missing (empty, whitespace or a missing-value token). */
export function isMissingCell(buf: Uint8Array, start: number, end: number): boolean {
  let s = start;
  let e = end;
  while (s < e && isAsciiSpace(buf[s])) s++;
  while (e > s && isAsciiSpace(buf[e - 1])) e--;
  return s === e || isMissingTokenTrimmed(buf, s, e);
}

function isMissingTokenTrimmed(buf: Uint8Array, s: number, e: number): boolean {
  if (e - s > LONGEST_MISSING_TOKEN) return false;
  let token = '';
  for (let i = s; i < e; i++) token += String.fromCharCode(buf[i]);
  return MISSING_TOKENS.has(token);
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

/**
 * The common case, fast: `-?(0|[1-9]\d*)(\.\d*[1-9])?` with at most 15 digits in all, written
 * exactly as String() would write it. Anything else goes through the full grammar.
 */
function parsePlainDecimal(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  const negative = buf[i] === MINUS;
  if (negative) i++;
  const intStart = i;
  let mantissa = 0;
  while (i < end) {
    const digit = buf[i] - ZERO;
    if (digit < 0 || digit > 9) break;
    mantissa = mantissa * 10 + digit;
    i++;
  }
  const intDigits = i - intStart;
  if (intDigits === 0 || (intDigits > 1 && buf[intStart] === ZERO)) return false;
  let fracDigits = 0;
  if (i < end) {
    if (buf[i] !== DOT) return false;
    i++;
    const fracStart = i;
    while (i < end) {
      const digit = buf[i] - ZERO;
      if (digit < 0 || digit > 9) return false;
      mantissa = mantissa * 10 + digit;
      i++;
    }
    fracDigits = i - fracStart;
    if (fracDigits === 0 || buf[i - 1] === ZERO) return false;
  }
  if (intDigits + fracDigits > MAX_IDENTIFIER_FREE_DIGITS) return false;
  const magnitude = fracDigits === 0 ? mantissa : mantissa / POW10[fracDigits];
  if (magnitude === 0 ? negative : magnitude < SMALLEST_PLAIN) return false;
  parsedCell.value = negative ? -magnitude : magnitude;
  return true;
}

function parseDecimal(buf: Uint8Array, s: number, e: number, trimmed: boolean): number {
  let i = s;
  const first = buf[i];
  const negative = first === MINUS;
  const plus = first === PLUS;
  if (negative || plus) i++;

  const intStart = i;
  let mantissa = 0;
  let significant = 0;
  while (i < e && isDigit(buf[i])) {
    mantissa = mantissa * 10 + (buf[i] - ZERO);
    if (mantissa !== 0) significant++;
    i++;
  }
  const intDigits = i - intStart;

  let hasDot = false;
  let fracDigits = 0;
  if (i < e && buf[i] === DOT) {
    hasDot = true;
    i++;
    const fracStart = i;
    while (i < e && isDigit(buf[i])) {
      mantissa = mantissa * 10 + (buf[i] - ZERO);
      if (mantissa !== 0) significant++;
      i++;
    }
    fracDigits = i - fracStart;
  }
  if (intDigits + fracDigits === 0) return CELL_TEXT;
  const lastFracZero = fracDigits > 0 && buf[i - 1] === ZERO;

  let exponent = 0;
  let hasExponent = false;
  if (i < e && (buf[i] | 0x20) === 0x65) {
    hasExponent = true;
    i++;
    let exponentNegative = false;
    if (i < e && (buf[i] === PLUS || buf[i] === MINUS)) {
      exponentNegative = buf[i] === MINUS;
      i++;
    }
    const expStart = i;
    while (i < e && isDigit(buf[i])) {
      if (exponent < 100000) exponent = exponent * 10 + (buf[i] - ZERO);
      i++;
    }
    if (i === expStart) return CELL_TEXT;
    if (exponentNegative) exponent = -exponent;
  }
  if (i !== e) return CELL_TEXT;

  const leadingZero = intDigits > 1 && buf[intStart] === ZERO;
  if (!hasDot && !hasExponent && (leadingZero || intDigits > MAX_IDENTIFIER_FREE_DIGITS)) return CELL_TEXT;

  const value = decimalValue(buf, s, e, negative, mantissa, exponent - fracDigits);
  parsedCell.value = value;
  const canonical =
    !trimmed &&
    !plus &&
    !hasExponent &&
    intDigits > 0 &&
    !leadingZero &&
    (!hasDot || (fracDigits > 0 && !lastFracZero)) &&
    significant <= MAX_IDENTIFIER_FREE_DIGITS &&
    !(negative && value === 0) &&
    (value === 0 || Math.abs(value) >= SMALLEST_PLAIN);
  return canonical ? CELL_NUMBER : CELL_NUMBER_RESPELLED;
}

/** mantissa × 10^scale, correctly rounded; `buf[s, e)` is the validated token for the slow path. */
function decimalValue(buf: Uint8Array, s: number, e: number, negative: boolean, mantissa: number, scale: number): number {
  if (mantissa === 0) return negative ? -0 : 0;
  if (mantissa < TWO_TO_53 && scale >= -22 && scale <= 22) {
    const magnitude = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
    return negative ? -magnitude : magnitude;
  }
  let token = '';
  for (let i = s; i < e; i++) if (buf[i] !== COMMA) token += String.fromCharCode(buf[i]);
  return Number(token);
}

/** `-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?`, checked byte by byte; sets parsedCell.value on success. */
function parseGroupedNumber(buf: Uint8Array, s: number, e: number): boolean {
  let i = s;
  const negative = buf[i] === MINUS;
  if (negative) i++;
  if (i >= e || buf[i] === ZERO) return false;
  const firstGroupStart = i;
  while (i < e && isDigit(buf[i])) i++;
  const firstGroup = i - firstGroupStart;
  if (firstGroup < 1 || firstGroup > 3) return false;
  let groups = 0;
  while (i < e && buf[i] === COMMA) {
    if (i + 3 >= e) return false;
    if (!isDigit(buf[i + 1]) || !isDigit(buf[i + 2]) || !isDigit(buf[i + 3])) return false;
    i += 4;
    groups++;
  }
  if (groups === 0) return false;
  const intDigits = firstGroup + 3 * groups;
  let fracDigits = 0;
  if (i < e && buf[i] === DOT) {
    i++;
    const fracStart = i;
    while (i < e && isDigit(buf[i])) i++;
    fracDigits = i - fracStart;
    if (fracDigits === 0) return false;
  }
  if (i !== e) return false;
  if (fracDigits === 0 && intDigits > MAX_IDENTIFIER_FREE_DIGITS) return false;

  let mantissa = 0;
  for (let k = negative ? s + 1 : s; k < e; k++) {
    const byte = buf[k];
    if (isDigit(byte)) mantissa = mantissa * 10 + (byte - ZERO);
  }
  parsedCell.value = decimalValue(buf, s, e, negative, mantissa, -fracDigits);
  return true;
}
