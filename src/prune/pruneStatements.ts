import { QueryTypes, type Sequelize } from "sequelize";
import { dialectOf, isMysqlFamily, quoteIdentifier } from "../database";
import { qualifiedName } from "../database/catalog";
import { columnByAttribute, type TableSpec } from "../schema";

/**
 * The SQL prune runs on one table, every name from the Schema. `$1` is the cutoff, `$2` the batch size
 * (MySQL: inlined, see below). Statements start with a comment naming them, which shows in query logs
 * (a block comment: Sequelize's SQLite driver skips a statement that starts with `-- `).
 */
export interface PruneStatements {
  /** Deletes at most one batch of expired rows; the database reports how many it removed. */
  deleteBatch: string;
  /** Counts every expired row (dry run). */
  countExpired: string;
  /** Bind values for `deleteBatch`, given the cutoff as the dialect stores dates. */
  deleteBind(cutoff: unknown): unknown[];
}

/** The table as SQL names it: schema-qualified on PostgreSQL when a schema is configured. */
export function pruneRelation(sequelize: Sequelize, table: TableSpec, namespace: string | undefined): string {
  return qualifiedName(sequelize, table.table, dialectOf(sequelize) === "postgres" ? namespace : undefined);
}

/**
 * PostgreSQL: whether the table is a plain one, where a row's address (ctid) names exactly one row. Not
 * for a partitioned table (each partition numbers its own rows, so one address can name a row in each)
 * nor a view; those are pruned by primary key.
 */
export async function isPlainPostgresTable(sequelize: Sequelize, relation: string): Promise<boolean> {
  const [row] = await sequelize.query<{ kind: string }>("SELECT relkind AS kind FROM pg_catalog.pg_class WHERE oid = to_regclass($1)", {
    bind: [relation],
    type: QueryTypes.SELECT,
    raw: true,
    transaction: null,
  });
  return row?.kind === "r";
}

export function pruneStatements(sequelize: Sequelize, table: TableSpec, namespace: string | undefined, batchSize: number, plainPostgresTable = false): PruneStatements {
  const dialect = dialectOf(sequelize);
  const q = (name: string) => quoteIdentifier(sequelize, name);
  const relation = pruneRelation(sequelize, table, namespace);
  const expiresColumn = columnByAttribute(table, "expires");
  const keys = table.columns.filter((c) => c.primaryKey).map((c) => q(c.column));
  // The Schema always gives both tables a primary key and an expires column; this guards a future edit of it.
  if (!expiresColumn || !keys.length) throw new Error(`authdb prune: ${table.model} needs a primary key and an expires column in the schema`);
  const expires = q(expiresColumn.column);
  const label = `/* authdb:prune ${table.model} */ `;
  const countExpired = `/* authdb:prune count ${table.model} */ SELECT COUNT(*) AS ${q("count")} FROM ${relation} WHERE ${expires} < $1`;
  // Oldest first: an index on expires then serves the batch as a short range scan.
  const expired = `FROM ${relation} WHERE ${expires} < $1 ORDER BY ${expires}`;

  if (isMysqlFamily(dialect)) {
    // MySQL and MariaDB allow ORDER BY … LIMIT on a single-table DELETE, but not a LIMIT in an IN subquery.
    // The limit is inlined: mysql2 sends a bound number as a DOUBLE, which MySQL 8 refuses in LIMIT. It is
    // a validated safe integer (validatePruneOptions), so no text from outside reaches the SQL.
    return { deleteBatch: `${label}DELETE ${expired} LIMIT ${Math.trunc(batchSize)}`, countExpired, deleteBind: (cutoff) => [cutoff] };
  }

  if (dialect === "postgres" && plainPostgresTable) {
    // The subquery locks the rows it picks, and SKIP LOCKED passes over a row a sign-in holds, so prune
    // never waits on one. The rows are then deleted by address (a TID scan): `pk IN (subquery)` let the
    // planner hash-join the whole table, reading every row of a table of millions once per batch. The
    // addresses cannot change in between: the same statement holds the rows' locks.
    return {
      deleteBatch: `${label}DELETE FROM ${relation} WHERE ctid = ANY(ARRAY(SELECT ctid ${expired} LIMIT $2 FOR UPDATE SKIP LOCKED))`,
      countExpired,
      deleteBind: (cutoff) => [cutoff, batchSize],
    };
  }

  // SQLite (and a PostgreSQL table that is not a plain one): one batch by primary key, a row value for
  // verification_tokens' (identifier, token). SQLite looks each key up in the primary key's index.
  const key = keys.length === 1 ? keys[0]! : `(${keys.join(", ")})`;
  const lock = dialect === "postgres" ? " FOR UPDATE SKIP LOCKED" : "";
  return {
    deleteBatch: `${label}DELETE FROM ${relation} WHERE ${key} IN (SELECT ${keys.join(", ")} ${expired} LIMIT $2${lock})`,
    countExpired,
    deleteBind: (cutoff) => [cutoff, batchSize],
  };
}
