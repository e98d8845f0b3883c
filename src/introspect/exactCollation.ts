/**
 * The collations that make MySQL-family text compare byte-exactly: binary and NO PAD, so case and trailing
 * spaces count. MariaDB and MySQL name theirs differently; the exact-text migration picks whichever the
 * server has (src/migrations/exactTextRuntime.ts). `utf8mb4_bin` is not one: it pads with spaces.
 */
export const EXACT_COLLATIONS: readonly string[] = ["utf8mb4_nopad_bin", "utf8mb4_0900_bin"];

/** The Schema side's word for "one of EXACT_COLLATIONS" in a ColumnShape. */
export const EXACT = "exact";

export function isExactCollation(name: string): boolean {
  return EXACT_COLLATIONS.includes(name.toLowerCase());
}
