/** The database's own words for a failed statement: message, detail and the SQL, from Sequelize's wrapper. */
export function databaseMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const parent = (error as { parent?: { message?: string; detail?: string; code?: string } }).parent;
  const sql = (error as { sql?: string }).sql;
  const parts = [parent?.message ?? error.message];
  if (parent?.detail) parts.push(`detail: ${parent.detail}`);
  if (parent?.code && !parts[0].includes(parent.code)) parts.push(`code: ${parent.code}`);
  if (sql) parts.push(`statement: ${sql}`);
  return parts.join("\n  ");
}
