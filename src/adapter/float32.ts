/**
 * MySQL's and MariaDB's FLOAT is single precision (PostgreSQL's `real` would be too, but authdb's FLOAT is
 * `double precision` there, and SQLite's REAL is a double). 0.1 comes back as 0.10000000149011612.
 * The shortest decimal that is the same single-precision number is what was meant: 0.1.
 */
export function shortestFloat32(value: number): number {
  const single = Math.fround(value);
  if (!Number.isFinite(single)) return single;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return candidate;
  }
  return single;
}

/** True when `value` reads back unchanged from a single-precision column. */
export function survivesFloat32(value: number): boolean {
  return shortestFloat32(value) === value;
}
