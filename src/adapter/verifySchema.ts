import type { Sequelize } from "sequelize";
import { tablesInOrder, type Schema, type TableSpec } from "../schema";
import { SchemaNotMigratedError } from "./errors";

/** Successful checks, per Sequelize instance and schema fingerprint: a check runs once per process. */
const verified = new WeakMap<Sequelize, Map<string, Promise<void>>>();

function fingerprint(schema: Schema): string {
  return tablesInOrder(schema)
    .map((t) => `${t.table}(${t.columns.map((c) => c.column).join(",")})`)
    .join(";");
}

/** The columns of `table` in the database, or null when the table does not exist. */
async function liveColumns(sequelize: Sequelize, table: TableSpec): Promise<Set<string> | null> {
  try {
    const description = await sequelize.getQueryInterface().describeTable(table.table);
    const names = Object.keys(description ?? {});
    return names.length ? new Set(names.map((n) => n.toLowerCase())) : null;
  } catch (error) {
    // Sequelize reports a missing table as "No description found for "users" table …".
    if (error instanceof Error && /No description found/i.test(error.message)) return null;
    throw error;
  }
}

/** What the database lacks of `schema`: `table "users" is missing`, `table "users" has no column "phone_number" (User.phoneNumber)`. */
export async function findMissing(sequelize: Sequelize, schema: Schema): Promise<string[]> {
  const missing: string[] = [];
  for (const table of tablesInOrder(schema)) {
    const columns = await liveColumns(sequelize, table);
    if (!columns) {
      missing.push(`table "${table.table}" (${table.model}) is missing`);
      continue;
    }
    for (const column of table.columns) {
      if (!columns.has(column.column.toLowerCase())) {
        missing.push(`table "${table.table}" has no column "${column.column}" (${table.model}.${column.attribute})`);
      }
    }
  }
  return missing;
}

/**
 * Checks once per process that every table and column the adapter uses exists, and throws
 * SchemaNotMigratedError naming what is missing. Only success is cached: after `authdb migrate`,
 * the next call checks again. Reads the catalog only; never creates or alters anything.
 */
export function verifySchema(sequelize: Sequelize, schema: Schema): Promise<void> {
  let bySchema = verified.get(sequelize);
  if (!bySchema) {
    bySchema = new Map();
    verified.set(sequelize, bySchema);
  }
  const key = fingerprint(schema);
  let check = bySchema.get(key);
  if (!check) {
    check = findMissing(sequelize, schema).then((missing) => {
      if (missing.length) throw new SchemaNotMigratedError(missing);
    });
    const cache = bySchema;
    check.catch(() => cache.delete(key));
    bySchema.set(key, check);
  }
  return check;
}
