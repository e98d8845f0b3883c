import { createHash } from "node:crypto";

/**
 * A rendered file carries `authdb-fingerprint: <hash of its own text with the hash blanked>`, so authdb
 * can tell a file it wrote and nobody edited (safe to re-render) from one a person changed (never touched).
 */
const MARKER = /authdb-fingerprint: ([0-9a-f]{16})/;
const BLANK = "0".repeat(16);

function hashOf(text: string): string {
  return createHash("sha256").update(text.replace(/\r\n?/g, "\n")).digest("hex").slice(0, 16);
}

/** Fills the blank fingerprint of a freshly rendered text. */
export function stampFingerprint(text: string): string {
  return text.replace(`authdb-fingerprint: ${BLANK}`, `authdb-fingerprint: ${hashOf(text)}`);
}

export const BLANK_FINGERPRINT = BLANK;

/** True when `text` is exactly what authdb rendered (its fingerprint still matches). */
export function isUntouchedRendering(text: string): boolean {
  const match = MARKER.exec(text);
  if (!match || match[1] === BLANK) return false;
  return hashOf(text.replace(MARKER, `authdb-fingerprint: ${BLANK}`)) === match[1];
}
