/**
 * The k-th smallest value (0-based) of `values`, in expected linear time (quickselect with a
 * median-of-three pivot). `values` is reordered in place: pass a copy when its order matters.
 */
export function kthSmallest(values: Float64Array, k: number): number {
  if (k < 0 || k >= values.length) throw new RangeError(`k = ${k} outside 0..${values.length - 1}`);
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const a = values[lo];
    const b = values[mid];
    const c = values[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    // Three-way partition: [lo, lt) < pivot, [lt, gt] = pivot, (gt, hi] > pivot.
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = values[i];
      if (v < pivot) {
        values[i] = values[lt];
        values[lt++] = v;
        i++;
      } else if (v > pivot) {
        values[i] = values[gt];
        values[gt--] = v;
      } else i++;
    }
    if (k < lt) hi = lt - 1;
    else if (k > gt) lo = gt + 1;
    else return pivot;
  }
  return values[k];
}
