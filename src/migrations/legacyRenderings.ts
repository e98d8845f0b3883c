/**
 * Until 0.1, rendered migrations named sequelize-cli's type in their doc comment, a package most apps do
 * not have; they now name authdb's. A database that recorded the checksum of an in-memory rendering made
 * before that change, and a folder holding such a file, must still be recognised as authdb's own.
 */
const CURRENT_TYPE = "@type {import('authdb').Migration}";
const LEGACY_TYPE = "@type {import('sequelize-cli').Migration}";

/** The same rendering as an earlier version of authdb wrote it; none when nothing differs. */
export function legacyRenderings(source: string): string[] {
  return source.includes(CURRENT_TYPE) ? [source.replace(CURRENT_TYPE, LEGACY_TYPE)] : [];
}
