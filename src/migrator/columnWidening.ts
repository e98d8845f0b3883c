/**
 * Whether a MySQL/MariaDB CHANGE/MODIFY keeps every value of a column: the new definition has the same type
 * or a wider one of the same family, and a character set that holds every character of the current one.
 * Conservative: a pair it does not know is "may lose values" (the data-loss check then needs the column empty).
 */

const INT_RANK: Record<string, number> = { tinyint: 1, smallint: 2, mediumint: 3, int: 4, bigint: 5 };
/** Bytes each TEXT type holds. */
const TEXT_BYTES: Record<string, number> = { tinytext: 255, text: 65_535, mediumtext: 16_777_215, longtext: 4_294_967_295 };
const SYNONYMS: Record<string, string> = { integer: "int", bool: "tinyint", boolean: "tinyint", character: "char", dec: "decimal", numeric: "decimal", fixed: "decimal", real: "double" };
/** Character sets utf8mb4 holds every character of. */
const UTF8MB4_HOLDS = new Set(["utf8mb4", "utf8mb3", "utf8", "latin1", "ascii"]);

interface ColumnType {
  base: string;
  args: number[];
  /** ENUM and SET: the labels, in order. */
  labels: string[];
  unsigned: boolean;
  /** The type as written, lower case, display widths kept: for "exactly the same". */
  text: string;
}

function parseType(definition: string): ColumnType | null {
  const match = /^\s*([a-z]+)\s*(?:\(((?:'(?:[^']|'')*'|[^)'])*)\))?\s*(unsigned)?/i.exec(definition);
  if (!match) return null;
  const base = match[1]!.toLowerCase();
  return {
    base: SYNONYMS[base] ?? base,
    args: (match[2] ?? "").split(",").map((arg) => Number(arg.trim())).filter((n) => Number.isFinite(n)),
    labels: [...(match[2] ?? "").matchAll(/'((?:[^']|'')*)'/g)].map((label) => label[1]!.replace(/''/g, "'")),
    unsigned: Boolean(match[3]),
    text: match[0].toLowerCase().replace(/\s+/g, " ").trim(),
  };
}

function typeKeepsValues(current: ColumnType, next: ColumnType): boolean {
  if (current.text === next.text) return true;
  const [n = 1] = current.args;
  const [m = 1] = next.args;
  if (current.base in INT_RANK && next.base in INT_RANK) {
    const wider = INT_RANK[next.base]! - INT_RANK[current.base]!;
    if (current.unsigned === next.unsigned) return wider >= 0;
    return current.unsigned && wider > 0;
  }
  if (current.base === "varchar" || current.base === "char") {
    // VARCHAR to CHAR would strip trailing spaces on read: not the same values.
    if (next.base === "varchar" || (next.base === "char" && current.base === "char")) return m >= n;
    if (next.base in TEXT_BYTES) return TEXT_BYTES[next.base]! >= n * 4;
    return false;
  }
  if (current.base in TEXT_BYTES && next.base in TEXT_BYTES) return TEXT_BYTES[next.base]! >= TEXT_BYTES[current.base]!;
  if (current.base === "decimal" && next.base === "decimal") {
    const [p = 10, s = 0] = current.args;
    const [p2 = 10, s2 = 0] = next.args;
    return s2 >= s && p2 - s2 >= p - s && current.unsigned === next.unsigned;
  }
  if (["datetime", "timestamp", "time"].includes(current.base) && next.base === current.base) return (next.args[0] ?? 0) >= (current.args[0] ?? 0);
  if (current.base === "float" && next.base === "double") return true;
  // A value whose label is gone becomes '' (or is refused): every current label must remain.
  if ((current.base === "enum" || current.base === "set") && next.base === current.base) return current.labels.every((label) => next.labels.includes(label));
  return current.base === next.base && current.args.join() === next.args.join() && current.unsigned === next.unsigned;
}

/**
 * `columnType` and `charset`: the column as information_schema.COLUMNS has it (COLUMN_TYPE,
 * CHARACTER_SET_NAME); `definition`: what follows the column name in the CHANGE/MODIFY.
 */
export function definitionKeepsValues(columnType: string, charset: string | null, definition: string): boolean {
  const current = parseType(columnType);
  const next = parseType(definition);
  if (!current || !next || !typeKeepsValues(current, next)) return false;
  const newCharset = /\b(?:CHARACTER\s+SET|CHARSET)\s+[`'"]?(\w+)/i.exec(definition)?.[1]?.toLowerCase();
  if (!newCharset || !charset || newCharset === charset.toLowerCase()) return true;
  return newCharset === "utf8mb4" && UTF8MB4_HOLDS.has(charset.toLowerCase());
}
