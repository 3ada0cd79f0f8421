/** Row-list helpers shared by the detectors. Row lists are sorted ascending. */

/** Share of the smaller sorted row list that is also in the other (0 when either is empty). */
export function overlapShare(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return common / Math.min(a.length, b.length);
}
