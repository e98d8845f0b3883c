import { createHash } from "node:crypto";

/** sha256 of a migration's source; CRLF and LF count as the same text, so a Windows checkout is no change. */
export function migrationChecksum(source: string): string {
  return createHash("sha256").update(source.replace(/\r\n?/g, "\n")).digest("hex");
}
