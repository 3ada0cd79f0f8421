/**
 * Indices of the non-missing values in ascending value order (stable), by an LSD radix sort on
 * the IEEE-754 bits. Binning sorts every feature of the training rows; on this machine V8 sorts
 * a 27,000-element Float64Array in about 1.7 ms (and a comparator sort of indices is slower
 * still), this takes about 0.7 ms and hands back the order, so that bin codes need no search.
 */

const DIGIT_BITS = 11;
const DIGIT_VALUES = 1 << DIGIT_BITS;
const DIGIT_MASK = DIGIT_VALUES - 1;
/** 64 bits in 11-bit digits. */
const PASSES = 6;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HIGH_WORD = LITTLE_ENDIAN ? 1 : 0;
const LOW_WORD = 1 - HIGH_WORD;

/** Reusable buffers: sorting many columns of the same length allocates once. */
export class ValueSorter {
  private readonly digits: Uint16Array;
  private readonly counts = new Int32Array(PASSES * DIGIT_VALUES);
  private readonly order: Uint32Array;
  private readonly scratch: Uint32Array;

  constructor(readonly capacity: number) {
    this.digits = new Uint16Array(PASSES * capacity);
    this.order = new Uint32Array(capacity);
    this.scratch = new Uint32Array(capacity);
  }

  /** The result is a view into this sorter's buffers, valid until its next call. */
  sortedPresentIndices(values: Float64Array): Uint32Array {
    if (values.length > this.capacity) throw new RangeError(`at most ${this.capacity} values, got ${values.length}`);
    const n = values.length;
    this.counts.fill(0);
    const present = presentIndicesWithDigits(values, this.order, this.digits, this.counts);
    let sorted = this.order.subarray(0, present);
    let spare = this.scratch.subarray(0, present);
    for (let pass = 0; pass < PASSES; pass++) {
      const digits = this.digits.subarray(pass * n, (pass + 1) * n);
      const counts = this.counts.subarray(pass * DIGIT_VALUES, (pass + 1) * DIGIT_VALUES);
      if (scatterByDigit(sorted, spare, digits, counts)) [sorted, spare] = [spare, sorted];
    }
    return sorted;
  }
}

export function sortedPresentIndices(values: Float64Array): Uint32Array {
  return new ValueSorter(values.length).sortedPresentIndices(values);
}

/**
 * Fills `order` with the indices of the present values (returns their count), and `digits` with the six digits of a 64-bit key whose unsigned
 * order is the numeric order (negative numbers: all bits flipped; others: sign bit flipped),
 * with the digit counts of every pass.
 */
function presentIndicesWithDigits(values: Float64Array, order: Uint32Array, digits: Uint16Array, counts: Int32Array): number {
  const n = values.length;
  const words = new Int32Array(values.buffer, values.byteOffset, n * 2);
  let present = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (value !== value) continue;
    let high = words[2 * i + HIGH_WORD];
    let low = words[2 * i + LOW_WORD];
    if (value === 0) high = low = 0; // -0 sorts with +0
    if (high < 0) {
      high = ~high;
      low = ~low;
    } else {
      high ^= 0x80000000;
    }
    order[present++] = i;
    const d0 = low & DIGIT_MASK;
    const d1 = (low >>> 11) & DIGIT_MASK;
    const d2 = ((low >>> 22) | (high << 10)) & DIGIT_MASK;
    const d3 = (high >>> 1) & DIGIT_MASK;
    const d4 = (high >>> 12) & DIGIT_MASK;
    const d5 = (high >>> 23) & DIGIT_MASK;
    digits[i] = d0;
    digits[n + i] = d1;
    digits[2 * n + i] = d2;
    digits[3 * n + i] = d3;
    digits[4 * n + i] = d4;
    digits[5 * n + i] = d5;
    counts[d0]++;
    counts[DIGIT_VALUES + d1]++;
    counts[2 * DIGIT_VALUES + d2]++;
    counts[3 * DIGIT_VALUES + d3]++;
    counts[4 * DIGIT_VALUES + d4]++;
    counts[5 * DIGIT_VALUES + d5]++;
  }
  return present;
}

/** One stable counting pass; returns false, leaving `order` as it is, when every key has the same digit. */
function scatterByDigit(order: Uint32Array, target: Uint32Array, digits: Uint16Array, counts: Int32Array): boolean {
  const present = order.length;
  for (let d = 0; d < DIGIT_VALUES; d++) if (counts[d] === present) return false;
  let position = 0;
  for (let d = 0; d < DIGIT_VALUES; d++) {
    const count = counts[d];
    counts[d] = position;
    position += count;
  }
  for (let k = 0; k < present; k++) {
    const i = order[k];
    target[counts[digits[i]]++] = i;
  }
  return true;
}
