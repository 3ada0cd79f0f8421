/**
 * Dates and timestamps as people write them in data files, read to a number that orders them
 * (milliseconds since 1970, UTC, ignoring any offset; only the order matters to the schema).
 *
 * Accepted (each part checked: month 1-12, day 1 to the month's length, hours 0-23, minutes and
 * seconds 0-59, a second of 60 allowed; years 1000-2999 written with four digits):
 *   - ISO 8601 and SQL: `2015-02-04`, `2015-02-04 17:51`, `2015-02-04T17:51:00`, `...:00.123`,
 *     with `Z` or an offset (`+01:00`, `-0500`); also `2015/02/04` with the same times;
 *   - day first or month first with a four-digit year: `04/02/2015`, `2/4/2015`, `04.02.2015`,
 *     `04-02-2015` (read day first when that is a valid date, else month first), with a time;
 *   - month names: `4 Feb 2015`, `4-Feb-2015`, `Feb 4, 2015`, `February 4 2015`, with a time.
 * Not dates: bare numbers (`20150204`, `2015` are numbers), times alone, two-digit years,
 * version numbers (`1.2.3`), anything else.
 */

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const FULL_MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

const TIME = String.raw`(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(?: ?(?:Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT))?)?`;
const YEAR_FIRST = new RegExp(String.raw`^(\d{4})([-/])(\d{1,2})\2(\d{1,2})${TIME}$`);
const YEAR_LAST = new RegExp(String.raw`^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})${TIME}$`);
const DAY_MONTH_NAME = new RegExp(String.raw`^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{4})${TIME}$`);
const MONTH_NAME_DAY = new RegExp(String.raw`^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})${TIME}$`);

/** The timestamp's order value, or NaN when the text is not a date or timestamp. */
export function parseDateTime(text: string): number {
  const s = text.trim();
  if (s.length < 8 || s.length > 40) return NaN;
  let m = YEAR_FIRST.exec(s);
  if (m) return stamp(+m[1], +m[3], +m[4], m[5], m[6], m[7]);
  m = YEAR_LAST.exec(s);
  if (m) {
    const dayFirst = stamp(+m[4], +m[3], +m[1], m[5], m[6], m[7]);
    return Number.isNaN(dayFirst) ? stamp(+m[4], +m[1], +m[3], m[5], m[6], m[7]) : dayFirst;
  }
  m = DAY_MONTH_NAME.exec(s);
  if (m) return stamp(+m[3], monthOf(m[2]), +m[1], m[4], m[5], m[6]);
  m = MONTH_NAME_DAY.exec(s);
  if (m) return stamp(+m[3], monthOf(m[1]), +m[2], m[4], m[5], m[6]);
  return NaN;
}

function monthOf(name: string): number {
  const lower = name.toLowerCase();
  const short = MONTH_NAMES.indexOf(lower);
  if (short >= 0) return short + 1;
  const full = FULL_MONTH_NAMES.indexOf(lower);
  return full >= 0 ? full + 1 : lower === 'sept' ? 9 : 0;
}

function stamp(year: number, month: number, day: number, hours?: string, minutes?: string, seconds?: string): number {
  if (year < 1000 || year > 2999 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return NaN;
  const h = hours === undefined ? 0 : +hours;
  const min = minutes === undefined ? 0 : +minutes;
  const sec = seconds === undefined ? 0 : +seconds;
  if (h > 23 || min > 59 || sec > 60) return NaN;
  return Date.UTC(year, month - 1, day, h, min, sec);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
