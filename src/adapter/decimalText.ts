/**
 * A DECIMAL as the adapter returns it: text with the column's scale, as PostgreSQL and MySQL return it
 * ("12.50"). SQLite keeps DECIMAL as a number, so it hands back 12.5 or 1e-7; the text is rebuilt from
 * the number's shortest round-trip digits (exact for the ≤ 15 digits the adapter lets SQLite store), so
 * what a read returns is always a value the adapter takes back.
 */
export function decimalFromDatabase(value: unknown, scale: number | undefined): string {
  const text = typeof value === "number" ? plainDigits(value) : String(value);
  if (!scale) return text;
  const [whole, fraction = ""] = text.split(".");
  return fraction.length >= scale ? text : `${whole}.${fraction.padEnd(scale, "0")}`;
}

/** A number in plain decimal digits, never an exponent: 1e-7 → "0.0000001", 1.5e21 → "1500000000000000000000". */
export function plainDigits(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, lead, rest = "", exponent] = match;
  const digits = lead + rest;
  const point = 1 + Number(exponent);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
